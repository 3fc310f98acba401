package io.cdae.spark.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;

/**
 * Atomic publication of a directory on a Hadoop filesystem: write everything under a hidden temporary
 * sibling, then rename it to the final path (a rename is atomic on HDFS and local filesystems). An existing
 * final path is moved aside first and deleted only after the new one is in place, so the final path always
 * holds either the previous complete output or the new complete one.
 */
public final class AtomicPaths {
    private AtomicPaths() {
    }

    /** A fresh hidden temporary sibling of {@code target}. */
    public static Path temporarySibling(Path target) {
        return new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    }

    /** Renames {@code tmp} to {@code target}, replacing what was there. */
    public static void replace(FileSystem fs, Path tmp, Path target) throws IOException {
        Path old = null;
        if (fs.exists(target)) {
            old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
            if (!fs.rename(target, old)) {
                throw new IOException("cannot move " + target + " aside");
            }
        }
        if (!fs.rename(tmp, target)) {
            if (old != null) {
                fs.rename(old, target);
            }
            fs.delete(tmp, true);
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
        if (old != null) {
            fs.delete(old, true);
        }
    }

    /** Writes {@code files} (name to content) as the directory {@code uri}, atomically. */
    public static void writeDirectory(Configuration hadoop, String uri, Map<String, byte[]> files) {
        Path target = new Path(uri);
        try {
            FileSystem fs = target.getFileSystem(hadoop);
            Path tmp = temporarySibling(target);
            fs.mkdirs(tmp);
            try {
                for (Map.Entry<String, byte[]> f : files.entrySet()) {
                    try (FSDataOutputStream out = fs.create(new Path(tmp, f.getKey()), false)) {
                        out.write(f.getValue());
                    }
                }
                replace(fs, tmp, target);
            } catch (IOException | RuntimeException e) {
                fs.delete(tmp, true);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + uri + ": " + e.getMessage(), e);
        }
    }
}
