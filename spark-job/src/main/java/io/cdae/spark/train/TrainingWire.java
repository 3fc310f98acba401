package io.cdae.spark.train;

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

    /** Length (-1 for null), then the values as floats or doubles. */
    private static void writeVector(Output out, double[] v, boolean asFloats) {
        if (v == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(v.length);
        if (asFloats) {
            for (double d : v) {
                out.writeFloat((float) d);
            }
        } else {
            out.writeDoubles(v);
        }
    }

    private static double[] readVector(Input in, boolean asFloats) {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        if (!asFloats) {
            return in.readDoubles(n);
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readFloat();
        }
        return v;
    }
}
