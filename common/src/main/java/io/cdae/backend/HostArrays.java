package io.cdae.backend;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Copies between Java float arrays and ND4J arrays for the per-minibatch paths (training batches, corruption,
 * scoring). On the CPU backend a plain c-order float array is one block of native memory, and a bulk
 * {@code FloatBuffer} copy moves a minibatch many times faster than {@code Nd4j.create(float[], ...)} and
 * {@code data().asFloat()}, which go element by element (bench/step-profile times both; docs/BENCHMARKS.md).
 * Other backends (CUDA) and views take ND4J's own, synchronising calls.
 */
public final class HostArrays {
    private static final boolean CPU = Nd4j.getEnvironment().isCPU();

    private HostArrays() {
    }

    /** A new c-order float array [rows, cols] (in the active workspace, if any) holding {@code values[0, rows*cols)}. */
    public static INDArray fromFloats(float[] values, long rows, long cols) {
        long n = rows * cols;
        if (values.length < n) {
            throw new IllegalArgumentException("expected " + n + " values, found " + values.length);
        }
        if (!CPU) {
            return Nd4j.create(values.length == n ? values : java.util.Arrays.copyOf(values, (int) n),
                    new long[] {rows, cols}, 'c');
        }
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, cols}, 'c');
        a.data().asNioFloat().put(values, 0, (int) n);
        return a;
    }

    /**
     * Writes {@code values} into {@code target} in c order, rounding to the target's type (as {@code castTo} does):
     * how a worker loads the broadcast parameters and optimiser state into its network's flat arrays.
     */
    public static void assign(INDArray target, double[] values) {
        if (values.length != target.length()) {
            throw new IllegalArgumentException("expected " + target.length() + " values, found " + values.length);
        }
        if (CPU && plain(target)) {
            java.nio.FloatBuffer buffer = target.data().asNioFloat();
            float[] chunk = new float[Math.min(values.length, 8192)];
            for (int from = 0; from < values.length; from += chunk.length) {
                int n = Math.min(chunk.length, values.length - from);
                for (int i = 0; i < n; i++) {
                    chunk[i] = (float) values[from + i];
                }
                buffer.put(chunk, 0, n);
            }
            return;
        }
        target.assign(Nd4j.createFromArray(values).castTo(target.dataType()).reshape(target.shape()));
    }

    /**
     * Writes {@code values} into the flat float array {@code target} (a network's parameter or updater-state
     * vector) from element {@code offset} on: a trainer writing back what it kept in Java arrays.
     */
    public static void assign(INDArray target, float[] values, long offset) {
        if (offset < 0 || offset + values.length > target.length()) {
            throw new IllegalArgumentException("expected at most " + (target.length() - offset) + " values from element "
                    + offset + ", found " + values.length);
        }
        if (CPU && plain(target)) {
            target.data().asNioFloat().put((int) offset, values);
            return;
        }
        INDArray flat = target.reshape(target.length());
        flat.get(NDArrayIndex.interval(offset, offset + values.length)).assign(Nd4j.createFromArray(values)
                .castTo(target.dataType()));
    }

    /** Copies {@code to.length} values of the flat float array {@code from}, starting at element {@code offset}. */
    public static void copy(INDArray from, float[] to, long offset) {
        if (offset < 0 || offset + to.length > from.length()) {
            throw new IllegalArgumentException("expected at least " + (offset + to.length) + " values, found "
                    + from.length());
        }
        if (CPU && plain(from)) {
            from.data().asNioFloat().get((int) offset, to);
            return;
        }
        float[] all = toFloats(from);
        System.arraycopy(all, (int) offset, to, 0, to.length);
    }

    /** True on ND4J's CPU backend, where a plain float array is one block of host memory. */
    public static boolean isCpu() {
        return CPU;
    }

    /** The values of an array in c order, widened to double: a worker reading its network's flat arrays. */
    public static double[] toDoubles(INDArray a) {
        if (CPU && plain(a)) {
            java.nio.FloatBuffer buffer = a.data().asNioFloat();
            double[] out = new double[(int) a.length()];
            for (int i = 0; i < out.length; i++) {
                out[i] = buffer.get(i);
            }
            return out;
        }
        return a.dup('c').reshape(a.length()).toDoubleVector();
    }

    /** The values of a float array in c order, as a new Java array. */
    public static float[] toFloats(INDArray a) {
        if (CPU && plain(a)) {
            float[] out = new float[(int) a.length()];
            a.data().asNioFloat().get(out);
            return out;
        }
        return a.dup('c').data().asFloat();
    }

    /** Copies the values of a float array in c order into the start of {@code into}, without a new Java array. */
    public static void copyTo(INDArray a, float[] into) {
        if (CPU && plain(a)) {
            a.data().asNioFloat().get(into, 0, (int) a.length());
            return;
        }
        float[] values = a.dup('c').data().asFloat();
        System.arraycopy(values, 0, into, 0, values.length);
    }

    /**
     * A float array whose elements, in c order, are its whole buffer in buffer order: it owns the buffer, or is a
     * reshape of an array that does (as a network's flat parameter vector is).
     */
    private static boolean plain(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.ordering() == 'c' && a.elementWiseStride() == 1
                && a.data().length() == a.length() && a.data().offset() == 0 && a.offset() == 0;
    }
}
