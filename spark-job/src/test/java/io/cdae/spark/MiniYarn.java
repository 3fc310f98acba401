package io.cdae.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real YARN in the test JVM (Hadoop's MiniYARNCluster: a ResourceManager and one NodeManager, whose
 * containers are processes of this machine) on 127.0.0.1, with {@code fs.defaultFS} on a {@link MiniHdfs}. Its
 * client configuration is written to a HADOOP_CONF_DIR for spark-submit, and the applications' outcomes are
 * read from the ResourceManager through YARN's client API.
 */
public final class MiniYarn implements AutoCloseable {
    private static final List<String> RM_ADDRESSES = List.of(YarnConfiguration.RM_ADDRESS,
            YarnConfiguration.RM_SCHEDULER_ADDRESS, YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS,
            YarnConfiguration.RM_ADMIN_ADDRESS, YarnConfiguration.RM_WEBAPP_ADDRESS);
    private static final Set<YarnApplicationState> ENDED = EnumSet.of(YarnApplicationState.FINISHED,
            YarnApplicationState.FAILED, YarnApplicationState.KILLED);

    private final MiniYARNCluster cluster;
    private final YarnClient client;
    private final Path confDir;

    /**
     * Starts the cluster: one NodeManager offering {@code nodeMemoryMb} and 4 vcores to containers; the client
     * configuration goes to {@code dir/hadoop-conf}.
     */
    public MiniYarn(Path dir, MiniHdfs hdfs, int nodeMemoryMb) throws Exception {
        requireLoopbackHostname();
        cluster = new MiniYARNCluster(MiniYarn.class.getSimpleName(), 1, 1, 1);
        cluster.init(configuration(hdfs, nodeMemoryMb));
        cluster.start();
        if (!cluster.waitForNodeManagersToConnect(TimeUnit.SECONDS.toMillis(30))) {
            cluster.stop();
            throw new IllegalStateException("the NodeManager did not register with the ResourceManager");
        }
        awaitBoundAddresses();
        client = YarnClient.createYarnClient();
        client.init(cluster.getConfig());
        client.start();
        confDir = writeClientConfiguration(Files.createDirectories(dir.resolve("hadoop-conf")), hdfs);
    }

    /**
     * The ResourceManager writes each address's bound port into the cluster's configuration as its server
     * starts, which can be after {@code start()} returns (Spark's YarnClusterSuite waits the same way).
     */
    private void awaitBoundAddresses() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (RM_ADDRESSES.stream().anyMatch(key -> cluster.getConfig().get(key).endsWith(":0"))) {
            if (System.nanoTime() > deadline) {
                cluster.stop();
                throw new IllegalStateException("the ResourceManager did not publish its bound ports: "
                        + RM_ADDRESSES.stream().map(key -> key + "=" + cluster.getConfig().get(key)).toList());
            }
            Thread.sleep(100);
        }
    }

    /**
     * The NodeManager advertises itself under the machine's host name (MiniYARNCluster hard-codes it) and binds
     * to 127.0.0.1 here, so that name has to lead back to the loopback address.
     */
    private static void requireLoopbackHostname() throws IOException {
        String host = MiniYARNCluster.getHostname();
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            throw new IllegalStateException("the host name " + host + " resolves to " + address.getHostAddress()
                    + ", expected a loopback address: the YARN test keeps every server on 127.0.0.1 and the "
                    + "NodeManager is advertised under this name (map it to 127.0.0.1 in /etc/hosts)");
        }
    }

    private static YarnConfiguration configuration(MiniHdfs hdfs, int nodeMemoryMb) throws IOException {
        YarnConfiguration conf = new YarnConfiguration();
        conf.set("fs.defaultFS", hdfs.uri());
        // every server on 127.0.0.1, on a port its own bind chooses (MiniYARNCluster's ephemeral ports): ports
        // picked here and bound seconds later were once taken in between by another socket of this machine
        conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_FIXED_PORTS, false);
        conf.set(YarnConfiguration.RM_BIND_HOST, "127.0.0.1");
        conf.set(YarnConfiguration.NM_BIND_HOST, "127.0.0.1");
        // small containers on a small machine; memory is bounded by the JVMs' own -Xmx, not by YARN's monitor
        conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, nodeMemoryMb);
        conf.setInt(YarnConfiguration.NM_VCORES, 4);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, nodeMemoryMb);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        // a nearly full disk must not mark the only node unhealthy
        conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100.0f);
        // hadoop-client-minicluster has no capacity-scheduler.xml: one queue, 'default', with everything
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        // what a real node's environment gives its containers: a JDK (this JVM's)
        conf.set(YarnConfiguration.NM_ADMIN_USER_ENV, "JAVA_HOME=" + System.getProperty("java.home"));
        return conf;
    }

    /** core-site.xml (the default filesystem) and yarn-site.xml (the ResourceManager's addresses). */
    private Path writeClientConfiguration(Path dir, MiniHdfs hdfs) throws IOException {
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", hdfs.uri());
        write(core, dir.resolve("core-site.xml"));
        Configuration yarn = new Configuration(false);
        for (String key : RM_ADDRESSES) {
            yarn.set(key, cluster.getConfig().get(key));
        }
        write(yarn, dir.resolve("yarn-site.xml"));
        return dir;
    }

    private static void write(Configuration conf, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            conf.writeXml(out);
        }
    }

    /** The HADOOP_CONF_DIR that points clients at this cluster. */
    public Path confDir() {
        return confDir;
    }

    /** HADOOP_CONF_DIR and YARN_CONF_DIR for spark-submit. */
    public Map<String, String> clientEnvironment() {
        return Map.of("HADOOP_CONF_DIR", confDir.toString(), "YARN_CONF_DIR", confDir.toString());
    }

    /**
     * The report of the one application carrying {@code tag} (spark.yarn.tags), once it has ended (a client-mode
     * driver can exit while its ApplicationMaster is still unregistering).
     */
    public ApplicationReport endedApplication(String tag) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        List<ApplicationReport> apps = List.of();
        while (System.nanoTime() < deadline) {
            apps = client.getApplications(null, null, Set.of(tag));
            if (apps.size() > 1) {
                throw new IllegalStateException("more than one application tagged " + tag + ": " + apps);
            }
            if (apps.size() == 1 && ENDED.contains(apps.get(0).getYarnApplicationState())) {
                return apps.get(0);
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("no ended application tagged " + tag + ": " + apps);
    }

    /** How many times YARN started the application's ApplicationMaster. */
    public int attempts(ApplicationReport app) throws Exception {
        return client.getApplicationAttempts(app.getApplicationId()).size();
    }

    /** The stderr of the application's first ApplicationMaster container, as the NodeManager kept it. */
    public String amStderr(ApplicationReport app) throws Exception {
        ContainerId am = client.getApplicationAttempts(app.getApplicationId()).get(0).getAMContainerId();
        String logDirs = cluster.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS);
        Path file = Path.of(logDirs.split(",")[0], app.getApplicationId().toString(), am.toString(), "stderr");
        return Files.readString(file);
    }

    /** Stops the client and the cluster, and deletes the cluster's directories (container logs, localised jars). */
    @Override
    public void close() throws IOException {
        try {
            client.stop();
        } finally {
            cluster.stop();
            io.cdae.io.ModelStore.deleteTree(cluster.getTestWorkDir().toPath());
        }
    }
}
