package io.cdae.random;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SeedSequenceTest {
    @Test
    void childSeedsAreDeterministicAndDistinctAcrossCoordinates() {
        assertEquals(SeedSequence.derive(1, SeedSequence.CORRUPTION, 2, 3, 4),
                SeedSequence.derive(1, SeedSequence.CORRUPTION, 2, 3, 4));
        Set<Long> seen = new HashSet<>();
        for (long stream = 1; stream <= 3; stream++) {
            for (int epoch = 0; epoch < 10; epoch++) {
                for (int partition = 0; partition < 10; partition++) {
                    for (int batch = 0; batch < 10; batch++) {
                        seen.add(SeedSequence.derive(42, stream, epoch, partition, batch));
                    }
                }
            }
        }
        assertEquals(3000, seen.size());
        // order of coordinates matters: (epoch 1, partition 2) is not (epoch 2, partition 1)
        assertNotEquals(SeedSequence.derive(42, 1, 1, 2), SeedSequence.derive(42, 1, 2, 1));
    }
}
