package io.cdae.spark;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster on 127.0.0.1: one master and N workers, each its own JVM started through
 * {@code bin/spark-class} of a SPARK_HOME built by {@code submit-scripts/spark-home-from-maven}. Every process
 * it starts (and their children, the executors) is stopped by PID in {@link #close()}.
 */
public final class StandaloneCluster implements AutoCloseable {
    public static final Path ROOT = Path.of(System.getProperty("cdae.project.dir", ".."));

    private final Path home;
    private final Path dir;
    private final int port;
    private final int uiPort;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();

    public StandaloneCluster(Path dir, int workers, int workerMemoryMb) throws Exception {
        this.dir = Files.createDirectories(dir);
        this.home = dir.resolve("spark-home");
        run(dir.resolve("spark-home.log"), ROOT.resolve("submit-scripts/spark-home-from-maven").toString(), home.toString());
        this.port = freePort();
        this.uiPort = freePort();
        master = start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--webui-port", Integer.toString(uiPort));
        for (int i = 0; i < workers; i++) {
            addWorker(workerMemoryMb);
        }
        awaitWorkers(workers);
    }

    /** Starts one more worker (1 core) and returns its process. */
    public Process addWorker(int memoryMb) throws IOException {
        int i = workers.size();
        Process w = start("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                "--memory", memoryMb + "m", "--webui-port", Integer.toString(freePort()),
                "--work-dir", dir.resolve("work-" + i).toString(), masterUrl());
        workers.add(w);
        return w;
    }

    public List<Process> workers() {
        return workers;
    }

    public String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    /** Environment for the cdae-* scripts to submit to this cluster through SPARK_HOME/bin/spark-submit. */
    public Map<String, String> submitEnvironment() {
        return Map.of("SPARK_HOME", home.toString(), "SPARK_LOCAL_IP", "127.0.0.1",
                "CDAE_SUBMIT_OPTS", "--conf spark.executor.memory=900m --conf spark.executor.memoryOverhead=384m "
                        + "--conf spark.driver.memory=1g --conf spark.ui.enabled=false "
                        + "--conf spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxbytes=1g "
                        // the Vector API of the fused training step (extraJavaOptions cannot hold a second
                        // option here: the scripts split CDAE_SUBMIT_OPTS at spaces)
                        + "--conf spark.executor.defaultJavaOptions=--add-modules=jdk.incubator.vector");
    }

    private Process start(String name, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/spark-class").toString(), main));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_DAEMON_MEMORY", "512m");
        return pb.start();
    }

    private void awaitWorkers(int n) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uiPort + "/json/")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (last.contains("\"aliveworkers\" : " + n) || last.contains("\"aliveworkers\":" + n)) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the standalone cluster did not get " + n + " workers: " + last);
    }

    /** Runs a command to completion (10 minutes at most), output to {@code log}; returns its exit code. */
    public static int run(Path log, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException(String.join(" ", command) + " timed out; log " + log);
            }
            return p.exitValue();
        } finally {
            kill(p);
        }
    }

    private static void run(Path log, String... command) throws Exception {
        int rc = run(log, Map.of(), command);
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + rc + "): " + Files.readString(log));
        }
    }

    /** Kills a process and all its descendants (by PID). */
    public static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        workers.forEach(StandaloneCluster::kill);
        kill(master);
    }
}
