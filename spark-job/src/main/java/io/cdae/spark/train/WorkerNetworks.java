package io.cdae.spark.train;

import io.cdae.config.CdaeConfig;
import io.cdae.config.CdaeConfigJson;
import io.cdae.model.CdaeNetwork;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A per-JVM pool of networks, so an executor builds each network once rather than once per round. A task
 * borrows a network for its round and returns it; concurrent tasks of one executor get separate networks.
 */
final class WorkerNetworks {
    private static final Map<String, ConcurrentLinkedQueue<MultiLayerNetwork>> POOL = new ConcurrentHashMap<>();

    private WorkerNetworks() {
    }

    static MultiLayerNetwork borrow(CdaeConfig config, DataType dataType) {
        MultiLayerNetwork net = POOL.computeIfAbsent(key(config, dataType), k -> new ConcurrentLinkedQueue<>()).poll();
        return net != null ? net : CdaeNetwork.create(config, dataType);
    }

    static void giveBack(CdaeConfig config, DataType dataType, MultiLayerNetwork net) {
        POOL.computeIfAbsent(key(config, dataType), k -> new ConcurrentLinkedQueue<>()).offer(net);
    }

    private static String key(CdaeConfig config, DataType dataType) {
        return dataType + CdaeConfigJson.toJson(config);
    }
}
