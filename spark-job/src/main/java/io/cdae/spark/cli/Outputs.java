package io.cdae.spark.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/** Existence checks on any Hadoop filesystem for {@code --if-absent}. Outputs are atomic, so existing = complete. */
final class Outputs {
    private Outputs() {
    }

    static boolean exists(String uri) throws IOException {
        Path p = new Path(uri);
        return p.getFileSystem(new Configuration()).exists(p);
    }
}
