package io.cdae.spark.data;

import io.cdae.config.ConfigException;
import io.cdae.io.ModelFormatException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.rdd.InputFileBlockHolder;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.util.Iterator;
import java.util.Locale;

/**
 * Input files that cannot be read to their end (a truncated or corrupt compressed file, a damaged Parquet
 * file, a file deleted after the input was listed, an unreadable one) become input errors that name the file
 * and what is wrong in one line, whichever Spark job meets them. A damaged file is never a bad row: every
 * {@code bad-rows} policy stops on it.
 * <ul>
 * <li>In tasks, {@link #guard} wraps the iterator over the input's rows; a read failure is rethrown as an
 * {@link InputException} naming the file the task was reading (the file {@code input_file_name()} reports).</li>
 * <li>On the driver, {@link #throwIfInputError} turns a failed job whose causes name one of the input files (Spark's own
 * jobs over the input: the CSV header, Parquet footers, a sample of rows) into the same error; a decompression
 * failure that names no file is traced by decompressing the compressed input files again until one fails.</li>
 * </ul>
 */
public final class DamagedInput {
    private DamagedInput() {
    }

    /** The rows of {@code rows}; a failure to read them names the task's input file (see the class comment). */
    public static <T> Iterator<T> guard(Iterator<T> rows) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return rows.hasNext();
                } catch (Exception e) {
                    // Scala code throws checked exceptions (an EOFException from a codec) undeclared
                    throw named(e);
                }
            }

            @Override
            public T next() {
                try {
                    return rows.next();
                } catch (Exception e) {
                    throw named(e);
                }
            }
        };
    }

    /** The error for {@code file}, which failed to read with {@code failure}. */
    public static InputException of(String file, Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new InputException("cannot read " + file + ": " + what(file, failure) + " ("
                + root.getClass().getSimpleName() + ": " + firstLine(root.getMessage()) + ")", failure);
    }

    /**
     * Throws the input error {@code e} stands for, if any: a bad row met under {@code bad-rows = fail}
     * ({@link BadRowPolicy#throwIfBadRow}), one already among its causes (thrown in a task), or
     * a read failure of one of {@code files} (see the class comment). Returns when {@code e} is something else;
     * the caller then rethrows it. Takes any exception: Spark throws its checked ones undeclared.
     */
    public static void throwIfInputError(Exception e, InputFiles files, Configuration hadoop) {
        BadRowPolicy.throwIfBadRow(e, hadoop);
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof InputException i) {
                throw i;
            }
            if (c instanceof ConfigException || c instanceof ModelFormatException) {
                return;
            }
        }
        if (!isReadFailure(e)) {
            return;
        }
        String named = fileNamedIn(e, files);
        if (named != null) {
            throw of(named, e);
        }
        if (isDecompressionFailure(e)) {
            probe(files, hadoop);
        }
    }

    private static RuntimeException named(Exception e) {
        String file = InputFileBlockHolder.getInputFilePath().toString();
        if (!(e instanceof InputException) && isReadFailure(e) && !file.isEmpty()) {
            return of(decoded(file), e);
        }
        if (e instanceof RuntimeException r) {
            return r;
        }
        return e instanceof IOException io ? new java.io.UncheckedIOException(io) : new IllegalStateException(e);
    }

    /** Whether a failure is one of reading a file (I/O, decompression, Parquet decoding), not of the job's logic. */
    static boolean isReadFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (c instanceof IOException || c.getClass().getName().startsWith("org.apache.parquet")
                    || m.contains("is not a Parquet file") || m.contains("Encountered error while reading file")
                    || m.contains("CANNOT_READ_FILE_FOOTER")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDecompressionFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof EOFException || c instanceof java.util.zip.ZipException
                    || compressionProblem(String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT)) != null) {
                return true;
            }
        }
        return false;
    }

    /** What is wrong, in words, from the failure's causes. */
    private static String what(String file, Throwable failure) {
        String codec = codecName(file);
        for (Throwable c = failure; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            String lower = m.toLowerCase(Locale.ROOT);
            if (c instanceof AccessDeniedException || c instanceof org.apache.hadoop.security.AccessControlException
                    || lower.contains("permission denied")) {
                return "permission denied";
            }
            if (c instanceof FileNotFoundException) {
                return "the file is gone (deleted or replaced after the input was listed)";
            }
            if (m.contains("is not a Parquet file") || m.contains("CANNOT_READ_FILE_FOOTER")) {
                return "not a Parquet file, or its footer is damaged (a truncated or partly written file?)";
            }
            if (c instanceof EOFException || lower.contains("unexpected end of")) {
                return codec == null ? "truncated (the file ends before its data does)"
                        : "truncated " + codec + " data (the file ends in the middle of the compressed stream)";
            }
            String problem = compressionProblem(lower);
            if (problem != null || c instanceof java.util.zip.ZipException) {
                return "not valid " + (codec == null ? "compressed" : codec) + " data (damaged, or not compressed "
                        + "though named so)";
            }
            if (c.getClass().getName().startsWith("org.apache.parquet") || m.contains("org.apache.parquet")) {
                return "damaged Parquet data";
            }
        }
        return "the file cannot be read";
    }

    /** Non-null when a (lower-case) message tells of compressed data that is not what its codec expects. */
    private static String compressionProblem(String lower) {
        for (String sign : new String[] {"not a gzip file", "not in gzip format", "incorrect header check",
                "invalid block type", "invalid distance", "invalid stored block", "invalid code lengths",
                "unexpected end of", "crc error", "bzip2", "stream is not"}) {
            if (lower.contains(sign)) {
                return sign;
            }
        }
        return null;
    }

    /** The listed input file named in a message of {@code e}'s causes (the longest such path), or null. */
    private static String fileNamedIn(Throwable e, InputFiles files) {
        String best = null;
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            for (Path f : files.files()) {
                String path = f.toUri().getPath();
                if ((m.contains(path) || m.contains(f.toUri().getRawPath()))
                        && (best == null || path.length() > new Path(best).toUri().getPath().length())) {
                    best = f.toString();
                }
            }
        }
        return best;
    }

    /** Decompresses every compressed input file on the driver until one fails, and throws its error. */
    private static void probe(InputFiles files, Configuration hadoop) {
        CompressionCodecFactory codecs = new CompressionCodecFactory(hadoop);
        byte[] buffer = new byte[1 << 16];
        for (Path f : files.files()) {
            CompressionCodec codec = codecs.getCodec(f);
            if (codec == null) {
                continue;
            }
            try (InputStream in = codec.createInputStream(f.getFileSystem(hadoop).open(f))) {
                while (in.read(buffer) >= 0) {
                    // read to the end: a damaged stream fails on the way
                }
            } catch (IOException | RuntimeException failure) {
                throw of(f.toString(), failure);
            }
        }
    }

    private static String codecName(String file) {
        String n = file.toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) {
            return "gzip";
        }
        if (n.endsWith(".bz2")) {
            return "bzip2";
        }
        if (n.endsWith(".deflate")) {
            return "deflate";
        }
        return null;
    }

    /** The task's input file as a path (Spark gives it URL-encoded). */
    private static String decoded(String file) {
        try {
            return new Path(new URI(file)).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return file;
        }
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.strip().split("\\R", 2)[0];
    }
}
