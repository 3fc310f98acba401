package io.cdae.spark.io;

import io.cdae.config.ConfigException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.security.AccessControlException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The outputs of one job (scores, report, quarantined rows, a model), published together or not at all, on
 * any Hadoop filesystem. Each is first written under a hidden temporary sibling of its final path
 * ({@code .NAME.tmp-UUID}, see {@link #stage}); {@link #commit} then renames them into place in the order
 * they were staged, moving any previous output aside ({@code .NAME.old-UUID}) and deleting the previous ones
 * only once every new one is in place. If a rename fails, the new outputs already renamed are removed and the
 * previous ones put back, so a failed job leaves every final path as it was. {@link #close} deletes whatever
 * was staged and not committed. A rename is atomic on HDFS and local filesystems; stage the output that marks
 * a complete run (the one {@code --if-absent} looks at) last, so that it is renamed last.
 */
public final class OutputCommit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutputCommit.class);

    private record Staged(FileSystem fs, Path tmp, Path target) {
    }

    /** The longest {@link #close} waits for a failed job's last tasks. */
    private static final long TASK_WAIT_MS = 30_000;

    private final Configuration hadoop;
    private final List<Staged> staged = new ArrayList<>();

    public OutputCommit(Configuration hadoop) {
        this.hadoop = hadoop;
    }

    /**
     * Checks, before any work, that {@code uri} can be written: its nearest existing ancestor directory must
     * be writable (by the owner, group and other permission bits, as Hadoop checks them) and nothing but a
     * directory may be in the way.
     *
     * @param option the command-line option or key that named the path, for the message
     */
    public void requireWritable(String uri, String option) {
        Path target = new Path(uri);
        try {
            FileSystem fs = target.getFileSystem(hadoop);
            Path p = fs.makeQualified(target);
            if (fs.exists(p) && !fs.getFileStatus(p).isDirectory()) {
                throw new ConfigException(option, uri, "a directory path (a file is in the way)");
            }
            Path parent = p.getParent();
            while (parent != null && !fs.exists(parent)) {
                parent = parent.getParent();
            }
            if (parent == null) {
                return;
            }
            if (!fs.getFileStatus(parent).isDirectory()) {
                throw new ConfigException(option, uri, "a path below a directory (" + parent + " is a file)");
            }
            fs.access(parent, FsAction.WRITE_EXECUTE);
        } catch (AccessControlException e) {
            throw new ConfigException(option, uri, "a path in a writable directory (" + firstLine(e.getMessage()) + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + uri + " (" + option + "): " + e.getMessage(), e);
        }
    }

    /**
     * The hidden temporary sibling of {@code uri} (qualified; not created) to write that output to;
     * {@link #commit} moves it to {@code uri}. Staging the same path again gives the same sibling, so a job
     * may stage its outputs first, in the order they are to be committed, and write them later.
     */
    public Path stage(String uri) {
        Path target = new Path(uri);
        try {
            FileSystem fs = target.getFileSystem(hadoop);
            Path qualified = fs.makeQualified(target);
            for (Staged s : staged) {
                if (s.target().equals(qualified)) {
                    return s.tmp();
                }
            }
            Path tmp = new Path(qualified.getParent(), "." + qualified.getName() + ".tmp-" + UUID.randomUUID());
            staged.add(new Staged(fs, tmp, qualified));
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Stages {@code uri} and writes {@code files} (name to content) there. */
    public void stageFiles(String uri, Map<String, byte[]> files) {
        Path tmp = stage(uri);
        try {
            FileSystem fs = tmp.getFileSystem(hadoop);
            fs.mkdirs(tmp);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                try (FSDataOutputStream out = fs.create(new Path(tmp, f.getKey()), false)) {
                    out.write(f.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * Renames every staged output into place (see the class comment); all or none. An output staged but never
     * written (no bad rows to quarantine, say) is not committed: whatever is at its final path stays.
     */
    public void commit() {
        List<Staged> done = new ArrayList<>();
        List<Path> aside = new ArrayList<>();
        try {
            staged.removeIf(s -> !exists(s.fs(), s.tmp()));
            for (Staged s : staged) {
                Path old = null;
                if (s.fs().exists(s.target())) {
                    old = new Path(s.target().getParent(), "." + s.target().getName() + ".old-" + UUID.randomUUID());
                    rename(s.fs(), s.target(), old);
                }
                aside.add(old);
                rename(s.fs(), s.tmp(), s.target());
                done.add(s);
            }
        } catch (IOException e) {
            rollBack(done, aside);
            throw new UncheckedIOException("cannot commit the job's outputs (nothing committed): " + e.getMessage(), e);
        }
        for (int i = 0; i < staged.size(); i++) {
            if (aside.get(i) != null) {
                delete(staged.get(i).fs(), aside.get(i));
            }
        }
        staged.clear();
    }

    /**
     * Deletes the temporary siblings of the outputs not committed (none after a successful commit), once no
     * Spark task is running: when a job fails, its other tasks may still be writing under a staged path for a
     * moment, and would leave files behind a deletion that came first.
     */
    @Override
    public void close() {
        if (!staged.isEmpty()) {
            awaitRunningTasks();
        }
        for (Staged s : staged) {
            delete(s.fs(), s.tmp());
        }
        staged.clear();
    }

    /** Waits, at most {@link #TASK_WAIT_MS}, until the session's executors run no task (none without a session). */
    private static void awaitRunningTasks() {
        scala.Option<org.apache.spark.sql.SparkSession> session = org.apache.spark.sql.SparkSession.getDefaultSession();
        if (session.isEmpty() || session.get().sparkContext().isStopped()) {
            return;
        }
        org.apache.spark.SparkStatusTracker tracker = session.get().sparkContext().statusTracker();
        long end = System.nanoTime() + TASK_WAIT_MS * 1_000_000L;
        while (System.nanoTime() < end && java.util.Arrays.stream(tracker.getExecutorInfos())
                .anyMatch(e -> e.numRunningTasks() > 0)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Undoes a partial commit: the new outputs renamed so far go, the previous ones come back. */
    private void rollBack(List<Staged> done, List<Path> aside) {
        for (int i = aside.size() - 1; i >= 0; i--) {
            Staged s = staged.get(i);
            try {
                if (i < done.size()) {
                    s.fs().delete(s.target(), true);
                }
                if (aside.get(i) != null && !s.fs().rename(aside.get(i), s.target())) {
                    LOG.error("could not put the previous {} back; it is in {}", s.target(), aside.get(i));
                }
            } catch (IOException e) {
                LOG.error("could not roll back {}: {}", s.target(), e.getMessage());
            }
        }
    }

    private static boolean exists(FileSystem fs, Path p) {
        try {
            return fs.exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + p + ": " + e.getMessage(), e);
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }

    private static void delete(FileSystem fs, Path p) {
        try {
            fs.delete(p, true);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", p, e.getMessage());
        }
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.split("\\R", 2)[0];
    }
}
