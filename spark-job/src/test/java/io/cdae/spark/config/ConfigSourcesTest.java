package io.cdae.spark.config;

import io.cdae.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigSourcesTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsThenFileThenSetWin() throws IOException {
        JobConfig defaults = ConfigSources.load(null, List.of());
        assertEquals(80, defaults.averagingFrequency(), "averaging-frequency = auto under the default engine");
        assertEquals(Engine.AVERAGING, defaults.engine());
        assertEquals(Engine.DL4J_SPARK, ConfigSources.load(null, List.of("engine=DL4J-Spark")).engine());
        assertEquals(20, ConfigSources.load(null, List.of("engine=dl4j-spark")).averagingFrequency(),
                "averaging-frequency = auto under dl4j-spark (whose master leaves a round's extra minibatches untrained)");
        assertEquals(7, ConfigSources.load(null, List.of("engine=dl4j-spark", "averaging-frequency=7")).averagingFrequency());
        assertEquals(80, ConfigSources.load(null, List.of("averaging-frequency=AUTO")).averagingFrequency());
        assertEquals(20, defaults.model(784, 1_000_000, 2).epochs());
        Path file = tmp.resolve("my.conf");
        Files.writeString(file, "# mine\nepochs = 3\naveraging-frequency = 2\n");
        JobConfig both = ConfigSources.load(file, List.of("epochs=4", "encoder-widths=32,8"));
        assertEquals(4, both.model(10).epochs());
        assertEquals(2, both.averagingFrequency());
        assertEquals(List.of(32, 8), both.model(10).encoderWidths());
    }

    /**
     * encoder-widths = auto: max(32, round(d / 2)), at most 512; epochs = auto: max(20, ceil(min-steps / b)), b the
     * minibatches per epoch of the largest worker's share (ceil(ceil(rows / workers) / batch)).
     */
    @Test
    void autoWidthsAndEpochsFollowTheirDocumentedRules() {
        JobConfig defaults = ConfigSources.load(null, List.of());
        assertEquals(List.of(32), defaults.model(9, 1000, 1).encoderWidths());
        assertEquals(List.of(32), defaults.model(64, 1000, 1).encoderWidths());
        assertEquals(List.of(392), defaults.model(784, 1000, 1).encoderWidths());
        assertEquals(List.of(512), defaults.model(5000, 1000, 1).encoderWidths());
        // 52 rows on 2 workers: 26 each, one minibatch of 64 per epoch -> 2000 epochs
        assertEquals(2000, defaults.model(60, 52, 2).epochs());
        // 5,400 rows on 2 workers: 2,700 each, 43 minibatches -> ceil(2000 / 43) = 47
        assertEquals(47, defaults.model(784, 5400, 2).epochs());
        assertEquals(24, defaults.model(784, 5400, 1).epochs());
        JobConfig fewer = ConfigSources.load(null, List.of("min-steps=100", "batch-size=10"));
        assertEquals(20, fewer.model(4, 1000, 1).epochs());
        // an explicit epoch count is kept whatever the data
        assertEquals(3, ConfigSources.load(null, List.of("epochs=3")).model(4, 52, 2).epochs());
        assertThrows(IllegalStateException.class, () -> defaults.model(784));
        assertEquals("encoder-widths", assertThrows(ConfigException.class,
                () -> ConfigSources.load(null, List.of("encoder-widths=automatic"))).key());
        assertEquals("epochs", assertThrows(ConfigException.class, () -> ConfigSources.load(null, List.of("epochs=all"))).key());
        // the reference sample stored with the model is bounded, so scoring cost stays bounded
        assertEquals("reference-rows", assertThrows(ConfigException.class,
                () -> ConfigSources.load(null, List.of("reference-rows=20001"))).key());
        assertEquals(20000, ConfigSources.load(null, List.of("reference-rows=20000")).referenceRows());
    }

    @Test
    void unknownKeysAndInvalidValuesNameTheKey() throws IOException {
        ConfigException unknown = assertThrows(ConfigException.class, () -> ConfigSources.load(null, List.of("epoch=3")));
        assertEquals("epoch", unknown.key());
        Path file = tmp.resolve("bad.conf");
        Files.writeString(file, "learning_rate = 0.1\n");
        assertEquals("learning_rate", assertThrows(ConfigException.class, () -> ConfigSources.load(file, List.of())).key());
        for (String[] c : new String[][] {{"learning-rate", "fast"}, {"averaging-frequency", "0"}, {"averaging-frequency", "often"},
                {"storage-level", "IN_THE_CLOUD"}, {"data-type", "half"}, {"encoder-widths", "64,x"},
                {"tied-weights", "perhaps"}, {"normalisation", "z"}, {"input-format", "xls"}, {"min-steps", "0"},
                {"reference-rows", "-1"}, {"knn-k", "0"}, {"anomaly-score", "knn"}, {"engine", "dl4j"}}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigSources.load(null, List.of(c[0] + "=" + c[1])), c[0]);
            assertEquals(c[0], e.key(), e.getMessage());
            assertTrue(e.getMessage().contains(c[0]), e.getMessage());
        }
        assertEquals("--set", assertThrows(ConfigException.class, () -> ConfigSources.load(null, List.of("epochs"))).key());
    }
}
