package io.cdae.spark.data;

import io.cdae.config.ConfigException;
import io.cdae.spark.io.OutputCommit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;

/**
 * What to do with bad rows: {@code fail} (the default) stops before anything is written, naming the file,
 * the line and the reason of the first bad row; {@code skip} drops them and counts them; {@code quarantine}
 * drops them, counts them and writes each with its file and reason to a side directory (CSV), committed with
 * the job's other outputs.
 */
public final class BadRowPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(BadRowPolicy.class);
    public static final String FAIL = "fail";
    public static final String SKIP = "skip";
    public static final String QUARANTINE = "quarantine";

    /** The good rows and how many bad ones there were. */
    public record Outcome(Dataset<Row> good, long badRows, String quarantine) {
    }

    private final String policy;
    private final String quarantineDir;

    public BadRowPolicy(String policy, String quarantineDir) {
        String p = policy == null ? FAIL : policy.toLowerCase(Locale.ROOT);
        if (!p.equals(FAIL) && !p.equals(SKIP) && !p.equals(QUARANTINE)) {
            throw new ConfigException("bad-rows", policy, "one of fail, skip, quarantine");
        }
        this.policy = p;
        this.quarantineDir = quarantineDir;
    }

    /**
     * Applies the policy to validated rows (see {@link RowValidator}); the result has no internal columns.
     * Quarantined rows are written to the quarantine directory staged in {@code outputs}, published when the
     * job commits its outputs (null will do under fail and skip).
     */
    public Outcome apply(Dataset<Row> validated, Configuration hadoop, OutputCommit outputs) {
        Dataset<Row> bad = validated.filter(col(RowValidator.REASON).isNotNull());
        Dataset<Row> good = validated.filter(col(RowValidator.REASON).isNull())
                .drop(RowValidator.REASON, RowValidator.SOURCE, RowValidator.RAW);
        if (policy.equals(FAIL)) {
            // no pass of its own: the rows were validated to stop at the first bad one (RowValidator.validate), so
            // the job's first pass over them fails with BadRowFound, which throwIfBadRow turns into the error
            return new Outcome(good, 0, null);
        }
        long n = bad.count();
        if (n > 0 && policy.equals(QUARANTINE)) {
            writeQuarantine(bad, outputs);
            LOG.warn("{} bad rows to be quarantined in {}", n, quarantineDir);
        } else if (n > 0) {
            LOG.warn("{} bad rows skipped", n);
        }
        return new Outcome(good, n, n > 0 && policy.equals(QUARANTINE) ? quarantineDir : null);
    }

    /** Where quarantined rows go. */
    public String quarantineDir() {
        return quarantineDir;
    }

    /** The policy's name: fail, skip or quarantine. */
    public String policy() {
        return policy;
    }

    /**
     * A bad row met by a pass over rows validated to stop at the first one ({@link RowValidator#validate}, under
     * {@code fail}): thrown in the task, turned into the one-line error on the driver by {@link #throwIfBadRow}.
     */
    public static final class BadRowFound extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String file;
        private final String raw;
        private final String reason;

        BadRowFound(String file, String raw, String reason) {
            super("bad row in " + file + ": " + reason, null, false, false);
            this.file = file;
            this.raw = raw;
            this.reason = reason;
        }
    }

    /** Throws {@link #badRow} for a {@link BadRowFound} among the causes of {@code e}; else returns. */
    public static void throwIfBadRow(Throwable e, Configuration hadoop) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof BadRowFound b) {
                throw badRow(b.file, b.raw, b.reason, hadoop);
            }
        }
    }

    /** The error for a bad row: its file, its line (looked up in a CSV file) and why it is bad. */
    public static InputException badRow(String file, String raw, String reason, Configuration hadoop) {
        String where = file + lineOf(file, raw, hadoop);
        return new InputException("bad row in " + where + ": " + reason
                + " (--bad-rows skip or quarantine to drop such rows)");
    }

    /**
     * Writes the bad rows of {@code validated} (see {@link RowValidator}) to the quarantine directory staged
     * in {@code outputs}; for a job that found bad rows in its own pass and now writes them aside.
     */
    public void quarantine(Dataset<Row> validated, OutputCommit outputs) {
        writeQuarantine(validated.filter(col(RowValidator.REASON).isNotNull()), outputs);
    }

    private void writeQuarantine(Dataset<Row> bad, OutputCommit outputs) {
        java.util.Objects.requireNonNull(outputs, "the quarantine policy needs the job's outputs to stage its directory");
        bad.select(col(RowValidator.SOURCE).as("file"), col(RowValidator.REASON).as("reason"),
                col(RowValidator.RAW).as("record")).write().option("header", "true")
                .csv(outputs.stage(quarantineDir).toString());
    }

    /** ", line N" for a raw CSV record found in its (possibly compressed) file; else the row's values. */
    private static String lineOf(String file, String raw, Configuration hadoop) {
        if (file == null || file.isEmpty()) {
            return "";
        }
        if (raw == null) {
            return "";
        }
        if (!file.toLowerCase(Locale.ROOT).contains(".csv")) {
            return ", row '" + abbreviate(raw) + "'";
        }
        Path p = new Path(file);
        try {
            FileSystem fs = p.getFileSystem(hadoop);
            CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(p);
            try (InputStream in = codec == null ? fs.open(p) : codec.createInputStream(fs.open(p));
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                long n = 0;
                while ((line = reader.readLine()) != null) {
                    n++;
                    if (CsvFields.sameRecord(line, raw)) {
                        return ", line " + n;
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot find the line of a bad row in {}: {}", file, e.getMessage());
        }
        return ", record '" + abbreviate(raw) + "'";
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
