package io.cdae.spark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on 127.0.0.1: one master and N workers, each its own JVM started through
 * {@code bin/spark-class} of a {@link SparkHome}. Every process it starts (and their children, the executors)
 * is stopped by PID in {@link #close()}.
 */
public final class StandaloneCluster implements AutoCloseable {
    private final SparkHome home;
    private final Path dir;
    private final int port;
    private final int uiPort;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();

    public StandaloneCluster(Path dir, int workers, int workerMemoryMb) throws Exception {
        this.dir = Files.createDirectories(dir);
        this.home = SparkHome.build(dir.resolve("spark-home"));
        // port 0: the master's own binds choose its ports, read back from its log (ports picked here and bound
        // by a JVM seconds later can be taken in between; Spark would then move to the next port silently)
        master = start("master", Map.of("SPARK_MASTER_OPTS", "-Dlog4j2.configurationFile=" + portLogging()),
                "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "0", "--webui-port", "0");
        try {
            this.port = boundPort(master, "sparkMaster");
            this.uiPort = boundPort(master, "MasterUI");
        } catch (Exception e) {
            ChildProcesses.kill(master);
            throw e;
        }
        for (int i = 0; i < workers; i++) {
            addWorker(workerMemoryMb);
        }
        awaitWorkers(workers);
    }

    /** Starts one more worker (1 core) and returns its process. */
    public Process addWorker(int memoryMb) throws IOException {
        int i = workers.size();
        Process w = start("worker-" + i, Map.of(), "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                "--memory", memoryMb + "m", "--webui-port", "0",
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
        Map<String, String> env = new HashMap<>(home.environment());
        env.put("CDAE_SUBMIT_OPTS", "--conf spark.executor.memory=900m --conf spark.executor.memoryOverhead=384m "
                + "--conf spark.driver.memory=1g --conf spark.ui.enabled=false "
                + "--conf spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxbytes=1g "
                // the Vector API of the fused training step (extraJavaOptions cannot hold a second
                // option here: the scripts split CDAE_SUBMIT_OPTS at spaces)
                + "--conf spark.executor.defaultJavaOptions=--add-modules=jdk.incubator.vector");
        return env;
    }

    private Process start(String name, Map<String, String> extraEnv, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(home.sparkClass().toString(), main));
        cmd.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(home.environment());
        env.put("SPARK_DAEMON_MEMORY", "512m");
        env.putAll(extraEnv);
        return ChildProcesses.start(dir.resolve(name + ".log"), env, cmd);
    }

    /**
     * The master's logging: the installation's (warnings) plus Spark's INFO line for each service's bound port.
     */
    private Path portLogging() throws IOException {
        return Files.writeString(dir.resolve("master-log4j2.properties"), String.join("\n",
                "appender.console.type = Console",
                "appender.console.name = console",
                "appender.console.target = SYSTEM_ERR",
                "appender.console.layout.type = PatternLayout",
                "appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex",
                "rootLogger.level = warn",
                "rootLogger.appenderRef.console.ref = console",
                "logger.ports.name = org.apache.spark.util.Utils",
                "logger.ports.level = info", ""));
    }

    /** The port of a master service, from Spark's "Successfully started service 'NAME' on port N." log line. */
    private int boundPort(Process process, String service) throws Exception {
        Path log = dir.resolve("master.log");
        Pattern line = Pattern.compile("Successfully started service '" + service + "' on port (\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the Spark master exited (" + process.exitValue() + "): "
                        + Files.readString(log));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the Spark master did not start its " + service + " in 90 s: "
                + Files.readString(log));
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

    @Override
    public void close() {
        workers.forEach(ChildProcesses::kill);
        ChildProcesses.kill(master);
    }
}
