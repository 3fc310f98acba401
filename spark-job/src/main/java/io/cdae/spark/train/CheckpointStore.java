package io.cdae.spark.train;

import io.cdae.io.CdaeModel;
import io.cdae.io.ModelFormatException;
import io.cdae.spark.io.ModelRepository;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-epoch checkpoints ({@code epoch-NNNNN}, each a complete model directory with optimiser state) in a
 * directory on any Hadoop filesystem. Each is written atomically; the newest one that loads and validates is
 * the one a resume continues from, so a half-written or damaged checkpoint is skipped, never used.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("epoch-(\\d+)");
    /** Checkpoints kept; older ones are deleted after a new one is written. */
    static final int KEEP = 3;

    private final String dir;
    private final Configuration hadoop;
    private final ModelRepository repository;

    public CheckpointStore(String dir, Configuration hadoop) {
        this.dir = dir;
        this.hadoop = hadoop;
        this.repository = new ModelRepository(hadoop);
    }

    public void save(CdaeModel model) {
        repository.save(model, new Path(dir, String.format("epoch-%05d", model.epochs())).toString(), Map.of());
        List<Path> all = list();
        for (int i = 0; i + KEEP < all.size(); i++) {
            try {
                all.get(i).getFileSystem(hadoop).delete(all.get(i), true);
            } catch (IOException e) {
                LOG.warn("could not delete old checkpoint {}: {}", all.get(i), e.getMessage());
            }
        }
    }

    /** The newest complete checkpoint, if any. */
    public Optional<CdaeModel> latest() {
        List<Path> all = list();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                return Optional.of(repository.load(all.get(i).toString()));
            } catch (ModelFormatException | UncheckedIOException e) {
                LOG.warn("skipping damaged checkpoint {}: {}", all.get(i), e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Checkpoint directories, oldest first. */
    private List<Path> list() {
        Path p = new Path(dir);
        try {
            FileSystem fs = p.getFileSystem(hadoop);
            if (!fs.exists(p)) {
                return List.of();
            }
            return Arrays.stream(fs.listStatus(p)).filter(FileStatus::isDirectory).map(FileStatus::getPath)
                    .filter(c -> NAME.matcher(c.getName()).matches())
                    .sorted(Comparator.comparingLong(CheckpointStore::epochOf)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static long epochOf(Path p) {
        Matcher m = NAME.matcher(p.getName());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
