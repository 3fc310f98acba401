package io.cdae.spark.train;

import io.cdae.model.LossParts;
import io.cdae.train.LossTally;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an averaging round ships, through Spark's Kryo serializer configured as conf/spark-defaults.conf does. */
class TrainingWireTest {
    private static final int N = 10_000;

    private static SerializerInstance kryo() {
        SparkConf conf = new SparkConf(false).set("spark.kryo.registrator", "io.cdae.spark.CdaeKryoRegistrator")
                .set("spark.kryo.registrationRequired", "true");
        return new KryoSerializer(conf).newInstance();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(SerializerInstance ser, T value, int[] size) {
        ByteBuffer bytes = ser.serialize(value, ClassTag$.MODULE$.apply(Object.class));
        size[0] = bytes.remaining();
        return (T) ser.deserialize(bytes, ClassTag$.MODULE$.apply(Object.class));
    }

    private static double[] values(int n, double shift) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.cos(i * 0.11) + shift;
        }
        return v;
    }

    private static double[] asFloats(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    @Test
    void aFloatNetworksStateTravelsAsFloatsRoundedAsTheWorkerWouldRoundIt() {
        SerializerInstance ser = kryo();
        double[] params = values(N, 1.0 / 3);
        double[] adam = values(2 * N, 0.1);
        int[] size = new int[1];
        TrainingState back = roundTrip(ser, new TrainingState(params, adam, 17, 0.003, true), size);
        assertArrayEquals(asFloats(params), back.parameters(), 0.0);
        assertArrayEquals(asFloats(adam), back.updaterState(), 0.0);
        assertEquals(17, back.iteration());
        assertEquals(0.003, back.learningRate(), 0.0);
        assertTrue(back.singlePrecision());
        assertTrue(size[0] < 4 * 3 * N + 100, size[0] + " bytes for " + 3 * N + " values");

        TrainingState exact = roundTrip(ser, new TrainingState(params, adam, 17, 0.003, false), size);
        assertArrayEquals(params, exact.parameters(), 0.0);
        assertArrayEquals(adam, exact.updaterState(), 0.0);
        assertFalse(exact.singlePrecision());
        assertTrue(size[0] >= 8 * 3 * N, size[0] + " bytes for " + 3 * N + " doubles");
    }

    @Test
    void oneWorkersResultIsExactAndSumsStayDouble() {
        SerializerInstance ser = kryo();
        double[] p0 = asFloats(values(N, 1.0 / 3));
        double[] u0 = asFloats(values(2 * N, 0.25));
        double[] p1 = asFloats(values(N, 1e-8));
        double[] u1 = asFloats(values(2 * N, -1e-9));
        LossTally tally = new LossTally();
        tally.add(new LossParts(0.5, 0.25, 1.0), 128);
        LossTally second = new LossTally();
        second.add(new LossParts(2.0, 0.5, 1.0), 64);
        LossTally[] tallies = {tally, second};
        int[] size = new int[1];

        RoundResult one = roundTrip(ser, RoundResult.of(p0, u0, tallies, 3, true), size);
        assertArrayEquals(p0, one.parameterSum, 0.0);
        assertArrayEquals(u0, one.updaterSum, 0.0);
        assertEquals(1, one.contributors);
        assertEquals(2, one.maxSteps, "one minibatch in each of the round's two epochs");
        assertEquals(2, one.tallies.length);
        assertEquals(128, one.tallies[0].samples());
        assertEquals(0.5, one.tallies[0].meanReconstruction(), 0.0);
        assertEquals(2.0, one.tallies[1].meanReconstruction(), 0.0);
        assertEquals(192L, one.corruptedRows.get(3));
        assertTrue(size[0] < 4 * 3 * N + 1000, size[0] + " bytes");

        // Spark's treeAggregate: the zero value is cloned, then each partition's result merged into it
        RoundResult zero = roundTrip(ser, new RoundResult(), size);
        assertNull(zero.parameterSum);
        RoundResult sum = zero.merge(RoundResult.of(p0.clone(), u0.clone(), tallies, 3, true));
        assertTrue(sum.singlePrecision, "one contributor's values are still floats");
        sum.merge(RoundResult.of(p1.clone(), u1.clone(), tallies, 5, true));
        assertFalse(sum.singlePrecision, "a sum of two float vectors is not a float vector");
        RoundResult sumBack = roundTrip(ser, sum, size);
        for (int i = 0; i < N; i++) {
            assertEquals(p0[i] + p1[i], sumBack.parameterSum[i], 0.0, "parameter " + i);
        }
        for (int i = 0; i < 2 * N; i++) {
            assertEquals(u0[i] + u1[i], sumBack.updaterSum[i], 0.0, "optimiser state " + i);
        }
        assertEquals(2, sumBack.contributors);
        assertEquals(256, sumBack.tallies[0].samples());
        assertEquals(128, sumBack.tallies[1].samples());
        assertEquals(192L, sumBack.corruptedRows.get(5));
    }

    /**
     * Vectors are copied a chunk at a time: lengths around the chunk size and several chunks long, special values
     * (NaN, infinities, -0, subnormals, the extremes) bit for bit, as floats and as doubles, and a null vector.
     */
    @Test
    void vectorsOfAnyLengthAndSpecialValuesComeBackBitForBit() {
        SerializerInstance ser = kryo();
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
                Float.MIN_VALUE, -Float.MAX_VALUE, Double.MIN_VALUE, Double.MAX_VALUE, 1.0 / 3};
        for (int length : new int[] {0, 1, 16_383, 16_384, 16_385, 3 * 16_384 + 7}) {
            double[] v = values(length, 0.5);
            for (int i = 0; i < Math.min(length, special.length); i++) {
                v[i] = special[i];
            }
            int[] size = new int[1];
            TrainingState doubles = roundTrip(ser, new TrainingState(v, v.clone(), 1, 0.1, false), size);
            TrainingState floats = roundTrip(ser, new TrainingState(v, v.clone(), 1, 0.1, true), size);
            for (int i = 0; i < length; i++) {
                assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(doubles.parameters()[i]),
                        "double " + i + " of " + length);
                assertEquals(Double.doubleToRawLongBits((float) v[i]),
                        Double.doubleToRawLongBits(floats.updaterState()[i]), "float " + i + " of " + length);
            }
        }
        RoundResult empty = roundTrip(ser, new RoundResult(), new int[1]);
        assertNull(empty.updaterSum);
    }
}
