package io.cdae.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real HDFS (Hadoop's MiniDFSCluster: one NameNode, one DataNode) on 127.0.0.1, in the test JVM. */
public final class MiniHdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;
    private final Path baseDir;

    public MiniHdfs() throws IOException {
        baseDir = Files.createTempDirectory("minidfs-");
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toString());
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        conf.setBoolean("dfs.permissions.enabled", false);
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).nameNodePort(0).build();
        cluster.waitActive();
    }

    /** hdfs://127.0.0.1:PORT */
    public String uri() {
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    }

    public FileSystem fileSystem() throws IOException {
        return cluster.getFileSystem();
    }

    @Override
    public void close() throws IOException {
        cluster.shutdown(true);
        io.cdae.io.ModelStore.deleteTree(baseDir);
    }
}
