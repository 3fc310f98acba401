package io.cdae.spark.train;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.cdae.train.LossTally;

import java.util.Map;

/**
 * Kryo serializers for what every averaging round ships: the broadcast {@link TrainingState} and each
 * partition's {@link RoundResult}. The parameter and optimiser-state vectors are written flat, as 4-byte floats
 * when every value is exactly a float (a float network's values, and the broadcast to float workers, which round
 * to float on loading) and as doubles otherwise (sums, double networks). This halves a round's traffic for float
 * networks without changing a single value the workers or the driver compute with (docs/BENCHMARKS.md).
 */
public final class TrainingWire {
    private TrainingWire() {
    }

    /** Registers both serializers. */
    public static void register(Kryo kryo) {
        kryo.register(TrainingState.class, new StateSerializer());
        kryo.register(RoundResult.class, new ResultSerializer());
    }

    static final class StateSerializer extends Serializer<TrainingState> {
        @Override
        public void write(Kryo kryo, Output out, TrainingState s) {
            out.writeBoolean(s.singlePrecision());
            writeVector(out, s.parameters(), s.singlePrecision());
            writeVector(out, s.updaterState(), s.singlePrecision());
            out.writeInt(s.iteration());
            out.writeDouble(s.learningRate());
        }

        @Override
        public TrainingState read(Kryo kryo, Input in, Class<TrainingState> type) {
            boolean single = in.readBoolean();
            double[] parameters = readVector(in, single);
            double[] updater = readVector(in, single);
            return new TrainingState(parameters, updater, in.readInt(), in.readDouble(), single);
        }
    }

    static final class ResultSerializer extends Serializer<RoundResult> {
        @Override
        public void write(Kryo kryo, Output out, RoundResult r) {
            out.writeBoolean(r.singlePrecision);
            writeVector(out, r.parameterSum, r.singlePrecision);
            writeVector(out, r.updaterSum, r.singlePrecision);
            out.writeInt(r.contributors);
            out.writeInt(r.maxSteps);
            out.writeInt(r.tallies.length);
            for (LossTally t : r.tallies) {
                kryo.writeObject(out, t);
            }
            out.writeInt(r.corruptedRows.size());
            for (Map.Entry<Integer, Long> e : r.corruptedRows.entrySet()) {
                out.writeInt(e.getKey());
                out.writeLong(e.getValue());
            }
        }

        @Override
        public RoundResult read(Kryo kryo, Input in, Class<RoundResult> type) {
            RoundResult r = new RoundResult();
            r.singlePrecision = in.readBoolean();
            r.parameterSum = readVector(in, r.singlePrecision);
            r.updaterSum = readVector(in, r.singlePrecision);
            r.contributors = in.readInt();
            r.maxSteps = in.readInt();
            r.tallies = new LossTally[in.readInt()];
            for (int i = 0; i < r.tallies.length; i++) {
                r.tallies[i] = kryo.readObject(in, LossTally.class);
            }
            int entries = in.readInt();
            for (int i = 0; i < entries; i++) {
                r.corruptedRows.put(in.readInt(), in.readLong());
            }
            return r;
        }
    }

    /** Values per chunk: vectors are converted and copied in bulk through a small per-thread byte buffer. */
    private static final int CHUNK = 16_384;
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[CHUNK * Double.BYTES]);
    private static final VarHandle FLOATS = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLES = MethodHandles.byteArrayViewVarHandle(double[].class,
            ByteOrder.LITTLE_ENDIAN);

    /**
     * Length (-1 for null), then the values as little-endian floats or doubles, converted a chunk at a time into a
     * byte buffer and written with one bulk copy per chunk, instead of one Kryo call per value (those calls were
     * most of the driver's result-reading samples in a profile of the rounds: docs/BENCHMARKS.md, "Session 8").
     */
    private static void writeVector(Output out, double[] v, boolean asFloats) {
        if (v == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(v.length);
        byte[] buffer = BUFFER.get();
        for (int from = 0; from < v.length; from += CHUNK) {
            int n = Math.min(CHUNK, v.length - from);
            if (asFloats) {
                for (int i = 0; i < n; i++) {
                    FLOATS.set(buffer, i * Float.BYTES, (float) v[from + i]);
                }
                out.writeBytes(buffer, 0, n * Float.BYTES);
            } else {
                for (int i = 0; i < n; i++) {
                    DOUBLES.set(buffer, i * Double.BYTES, v[from + i]);
                }
                out.writeBytes(buffer, 0, n * Double.BYTES);
            }
        }
    }

    private static double[] readVector(Input in, boolean asFloats) {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        double[] v = new double[length];
        byte[] buffer = BUFFER.get();
        for (int from = 0; from < length; from += CHUNK) {
            int n = Math.min(CHUNK, length - from);
            if (asFloats) {
                in.readBytes(buffer, 0, n * Float.BYTES);
                for (int i = 0; i < n; i++) {
                    v[from + i] = (float) FLOATS.get(buffer, i * Float.BYTES);
                }
            } else {
                in.readBytes(buffer, 0, n * Double.BYTES);
                for (int i = 0; i < n; i++) {
                    v[from + i] = (double) DOUBLES.get(buffer, i * Double.BYTES);
                }
            }
        }
        return v;
    }
}
