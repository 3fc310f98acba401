package io.cdae.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers the project's classes that Spark ships (broadcasts, cached partitions, task results) with Kryo.
 * Java records cannot go through Kryo 4's FieldSerializer (it needs field offsets, which records refuse), so
 * records, and the classes that hold them, use Java serialization inside Kryo; what every averaging round ships
 * (the broadcast training state and the partitions' results) has its own flat serializers (TrainingWire).
 * Set with {@code spark.kryo.registrator=io.cdae.spark.CdaeKryoRegistrator} (conf/spark-defaults.conf).
 */
public final class CdaeKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        JavaSerializer java = new JavaSerializer();
        for (Class<?> c : new Class<?>[] {
                io.cdae.spark.train.PartitionBlock.class,
                io.cdae.spark.score.ModelPayload.class,
                io.cdae.config.CdaeConfig.class,
                io.cdae.io.Normaliser.class,
                io.cdae.score.Calibration.class,
                io.cdae.train.LossTally.class}) {
            kryo.register(c, java);
        }
        io.cdae.spark.train.TrainingWire.register(kryo);
    }
}
