package io.cdae.bench;

import io.cdae.backend.Nd4jThreads;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What every JMH benchmark of the project shares: throughput in ops/s, 3 warm-up and 5 measurement
 * iterations of 2 s in one fork, and ND4J's thread count as a parameter (1 and 2; the PyTorch peer runs at
 * the same counts), set before the benchmark's own setup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// the JVM settings of the project's launchers (conf/spark-defaults.conf, submit-scripts): JavaCPP's
// physical-memory check off, which otherwise reads /proc on every array allocation, and the Vector API that the
// fused training step uses
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Dorg.bytedeco.javacpp.maxbytes=2g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0",
        "--add-modules=jdk.incubator.vector"})
public abstract class Nd4jBenchmark {
    /** ND4J threads (native ops and BLAS). */
    @Param({"1", "2"})
    public int threads;

    @Setup(Level.Trial)
    public void setThreads() {
        Nd4jThreads.set(threads);
    }
}
