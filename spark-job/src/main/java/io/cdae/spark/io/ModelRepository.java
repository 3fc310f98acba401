package io.cdae.spark.io;

import io.cdae.io.CdaeModel;
import io.cdae.io.ModelStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/**
 * {@link ModelStore} on any Hadoop filesystem URI ({@code file://}, {@code hdfs://}, {@code s3a://}, ...).
 * A model is written to a hidden temporary sibling of its final path (by ModelStore for local paths; remote
 * ones are written to a local temporary directory and copied there) and renamed into place by an
 * {@link OutputCommit}, so a reader never sees a partial model at the final path.
 */
public final class ModelRepository {
    private final Configuration hadoop;

    public ModelRepository(Configuration hadoop) {
        this.hadoop = hadoop;
    }

    /** Writes {@code model} (and {@code extraFiles}) to {@code uri} atomically, replacing what was there. */
    public void save(CdaeModel model, String uri, Map<String, byte[]> extraFiles) {
        try (OutputCommit outputs = new OutputCommit(hadoop)) {
            write(model, outputs.stage(uri), extraFiles);
            outputs.commit();
        }
    }

    /**
     * Writes {@code model} (and {@code extraFiles}) as the new directory {@code dir}, typically a path staged
     * by an {@link OutputCommit} that publishes it with the job's other outputs.
     */
    public void write(CdaeModel model, Path dir, Map<String, byte[]> extraFiles) {
        try {
            FileSystem fs = dir.getFileSystem(hadoop);
            if (isLocal(fs)) {
                ModelStore.save(model, localPath(fs, dir), extraFiles);
                return;
            }
            java.nio.file.Path local = Files.createTempDirectory("cdae-model-");
            try {
                java.nio.file.Path written = local.resolve("model");
                ModelStore.save(model, written, extraFiles);
                fs.copyFromLocalFile(false, true, new Path(written.toUri()), dir);
            } finally {
                ModelStore.deleteTree(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model to " + dir + ": " + e.getMessage(), e);
        }
    }

    public CdaeModel load(String uri) {
        Path source = new Path(uri);
        try {
            FileSystem fs = source.getFileSystem(hadoop);
            if (isLocal(fs)) {
                return ModelStore.load(localPath(fs, source));
            }
            if (!fs.exists(source)) {
                throw new io.cdae.io.ModelFormatException("model directory does not exist: " + uri);
            }
            java.nio.file.Path local = Files.createTempDirectory("cdae-model-");
            try {
                fs.copyToLocalFile(false, source, new Path(local.resolve("model").toUri()), true);
                return ModelStore.load(local.resolve("model"));
            } finally {
                ModelStore.deleteTree(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model from " + uri + ": " + e.getMessage(), e);
        }
    }

    static boolean isLocal(FileSystem fs) {
        return "file".equals(fs.getUri().getScheme());
    }

    static java.nio.file.Path localPath(FileSystem fs, Path p) {
        return java.nio.file.Path.of(fs.makeQualified(p).toUri());
    }
}
