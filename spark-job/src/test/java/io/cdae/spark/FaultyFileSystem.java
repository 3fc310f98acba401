package io.cdae.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;

/**
 * The local filesystem under the scheme {@code faulty://}, with two faults on cue for the reliability tests:
 * a file whose name starts with {@code vanishing} is deleted the moment it is opened (as if another process
 * removed it between the job's listing and its read: the open then fails as it would), and a rename onto a
 * path whose name contains {@code unrenamable} fails (returns false, as HDFS does).
 */
public final class FaultyFileSystem extends RawLocalFileSystem {
    public static final String SCHEME = "faulty";
    private static final URI NAME = URI.create(SCHEME + ":///");

    /** Registers the scheme in {@code hadoop}. */
    public static void register(Configuration hadoop) {
        hadoop.set("fs." + SCHEME + ".impl", FaultyFileSystem.class.getName());
    }

    /** {@code local} as a path of this filesystem. */
    public static String uri(java.nio.file.Path local) {
        return SCHEME + "://" + local.toAbsolutePath();
    }

    @Override
    public URI getUri() {
        return NAME;
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        if (f.getName().startsWith("vanishing")) {
            Files.deleteIfExists(pathToFile(f).toPath());
        }
        return super.open(f, bufferSize);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        return !dst.getName().contains("unrenamable") && super.rename(src, dst);
    }
}
