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
        assertEquals(20, defaults.averagingFrequency());
        assertEquals(20, defaults.model(784).epochs());
        Path file = tmp.resolve("my.conf");
        Files.writeString(file, "# mine\nepochs = 3\naveraging-frequency = 2\n");
        JobConfig both = ConfigSources.load(file, List.of("epochs=4", "encoder-widths=32,8"));
        assertEquals(4, both.model(10).epochs());
        assertEquals(2, both.averagingFrequency());
        assertEquals(List.of(32, 8), both.model(10).encoderWidths());
    }

    @Test
    void unknownKeysAndInvalidValuesNameTheKey() throws IOException {
        ConfigException unknown = assertThrows(ConfigException.class, () -> ConfigSources.load(null, List.of("epoch=3")));
        assertEquals("epoch", unknown.key());
        Path file = tmp.resolve("bad.conf");
        Files.writeString(file, "learning_rate = 0.1\n");
        assertEquals("learning_rate", assertThrows(ConfigException.class, () -> ConfigSources.load(file, List.of())).key());
        for (String[] c : new String[][] {{"learning-rate", "fast"}, {"averaging-frequency", "0"},
                {"storage-level", "IN_THE_CLOUD"}, {"data-type", "half"}, {"encoder-widths", "64,x"},
                {"tied-weights", "perhaps"}, {"normalisation", "z"}, {"input-format", "xls"}}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigSources.load(null, List.of(c[0] + "=" + c[1])), c[0]);
            assertEquals(c[0], e.key(), e.getMessage());
            assertTrue(e.getMessage().contains(c[0]), e.getMessage());
        }
        assertEquals("--set", assertThrows(ConfigException.class, () -> ConfigSources.load(null, List.of("epochs"))).key());
    }
}
