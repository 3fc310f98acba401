package io.cdae.spark.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.io.compress.CodecPool;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.security.UserGroupInformation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The data files of an input path and their format, checked before Spark reads them: the path exists, a
 * directory holds data files (hidden {@code .x} and {@code _x} files are skipped, as Spark skips them; partition
 * subdirectories are descended), every file is readable, and with {@code input-format = auto} every file is
 * named like one format ({@code *.csv}, {@code *.csv.gz}, {@code *.csv.bz2}, {@code *.parquet},
 * {@code *-idx3-ubyte[.gz]}), so a stray file (a README, a file of another format) is named rather than read as
 * data. Permissions are judged from the owner, group and other bits, as Hadoop's {@code FileSystem.access}
 * judges them (on a local filesystem too, where root could otherwise read anything).
 *
 * @param path   the input path as given
 * @param format csv, parquet or idx
 * @param files  the data files, in listing order (directories sorted by name)
 */
public record InputFiles(String path, String format, List<Path> files) {
    private static final Set<String> FORMATS = Set.of("csv", "parquet", "idx");

    public InputFiles {
        files = List.copyOf(files);
    }

    /** Lists and checks the files of {@code path}; {@code configured} is the input-format key (auto or a format). */
    public static InputFiles of(String path, String configured, Configuration hadoop) {
        Path p = new Path(path);
        try {
            FileSystem fs = p.getFileSystem(hadoop);
            if (!fs.exists(p)) {
                throw new InputException("input path does not exist: " + path);
            }
            List<FileStatus> listed = new ArrayList<>();
            list(fs, fs.getFileStatus(p), listed);
            if (listed.isEmpty()) {
                throw new InputException("input directory is empty: " + path);
            }
            String format = configured;
            String example = null;
            if (!FORMATS.contains(configured)) {
                FileStatus first = listed.stream().filter(f -> formatOrNull(f.getPath().getName()) != null).findFirst()
                        .orElse(listed.get(0));
                format = formatOf(first.getPath().getName(), path);
                example = first.getPath().getName();
            }
            Readability readable = new Readability(fs);
            CompressionCodecFactory codecs = new CompressionCodecFactory(hadoop);
            List<Path> files = new ArrayList<>();
            for (FileStatus f : listed) {
                if (example != null && !format.equals(formatOrNull(f.getPath().getName()))) {
                    throw new InputException("input directory " + path + " holds " + f.getPath().getName()
                            + ", which is not a " + label(format) + " like " + example
                            + " (move it out, or set input-format to read every file as " + format + ")");
                }
                String denied = readable.denied(f);
                if (denied != null) {
                    throw new InputException("cannot read input file " + f.getPath() + ": permission denied (" + denied + ")");
                }
                requireDecompressor(codecs.getCodec(f.getPath()), f.getPath());
                files.add(f.getPath());
            }
            return new InputFiles(path, format, files);
        } catch (AccessControlException e) {
            throw new InputException("cannot read input path " + path + ": permission denied (" + firstLine(e.getMessage())
                    + ")", e);
        } catch (IOException e) {
            throw new InputException("cannot read input path " + path + ": " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Fails when the file's compression cannot be read in this JVM (Hadoop's Zstandard codec, say, needs its
     * native library), which Spark would otherwise report as a task failure that names no file.
     */
    private static void requireDecompressor(CompressionCodec codec, Path file) {
        if (codec == null) {
            return;
        }
        try {
            CodecPool.returnDecompressor(CodecPool.getDecompressor(codec));
        } catch (RuntimeException | LinkageError e) {
            throw new InputException("cannot read " + file + ": its compression (" + codec.getClass().getSimpleName()
                    + ") cannot be decompressed here: " + firstLine(e.getMessage()), e);
        }
    }

    /** The data files under {@code s}: itself when a file, else the non-hidden files below it, depth first. */
    private static void list(FileSystem fs, FileStatus s, List<FileStatus> out) throws IOException {
        if (s.isFile()) {
            out.add(s);
            return;
        }
        FileStatus[] children = fs.listStatus(s.getPath());
        Arrays.sort(children, Comparator.comparing(c -> c.getPath().getName()));
        for (FileStatus c : children) {
            String name = c.getPath().getName();
            if (!name.startsWith(".") && !name.startsWith("_") && !name.endsWith("._COPYING_")) {
                list(fs, c, out);
            }
        }
    }

    private static String formatOf(String name, String path) {
        String format = formatOrNull(name);
        if (format == null) {
            throw new InputException("cannot tell the format of " + path + " from '" + name
                    + "': name files *.csv[.gz|.bz2], *.parquet or *-idx3-ubyte.gz, or set input-format");
        }
        return format;
    }

    private static String formatOrNull(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv") || n.endsWith(".csv.gz") || n.endsWith(".csv.bz2")) {
            return "csv";
        }
        if (n.endsWith(".parquet")) {
            return "parquet";
        }
        if (n.contains("idx3-ubyte")) {
            return "idx";
        }
        return null;
    }

    private static String label(String format) {
        return switch (format) {
            case "csv" -> "CSV file (*.csv, *.csv.gz, *.csv.bz2)";
            case "parquet" -> "Parquet file (*.parquet)";
            default -> "IDX file (*-idx3-ubyte[.gz])";
        };
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.split("\\R", 2)[0];
    }

    /**
     * Whether the current user may read a file, judged from its owner, group and permission bits as Hadoop
     * does. Local files are judged from their POSIX attributes (no process per file, as Hadoop's local file
     * status would start); on other filesystems a denial by the listed bits is confirmed with
     * {@code FileSystem.access}, which also knows ACLs and superusers.
     */
    private static final class Readability {
        private final FileSystem fs;
        private final String user;
        private final Set<String> groups;

        Readability(FileSystem fs) throws IOException {
            this.fs = fs;
            UserGroupInformation ugi = UserGroupInformation.getCurrentUser();
            this.user = ugi.getShortUserName();
            this.groups = Set.copyOf(Arrays.asList(ugi.getGroupNames()));
        }

        /** Null when the file may be read, else why not: its mode and owner. */
        String denied(FileStatus f) throws IOException {
            java.io.File local = fs instanceof LocalFileSystem l ? l.pathToFile(f.getPath())
                    : fs instanceof RawLocalFileSystem r ? r.pathToFile(f.getPath()) : null;
            if (local != null) {
                PosixFileAttributes a = Files.readAttributes(local.toPath(), PosixFileAttributes.class);
                Set<PosixFilePermission> p = a.permissions();
                boolean ok = permits(a.owner().getName(), a.group().getName(), p.contains(PosixFilePermission.OWNER_READ),
                        p.contains(PosixFilePermission.GROUP_READ), p.contains(PosixFilePermission.OTHERS_READ));
                return ok ? null : "mode " + PosixFilePermissions.toString(p) + ", owner " + a.owner().getName() + ":"
                        + a.group().getName();
            }
            FsPermission p = f.getPermission();
            if (permits(f.getOwner(), f.getGroup(), p.getUserAction().implies(FsAction.READ),
                    p.getGroupAction().implies(FsAction.READ), p.getOtherAction().implies(FsAction.READ))) {
                return null;
            }
            try {
                fs.access(f.getPath(), FsAction.READ);
                return null;
            } catch (AccessControlException e) {
                return "mode " + p + ", owner " + f.getOwner() + ":" + f.getGroup();
            }
        }

        private boolean permits(String owner, String group, boolean ownerRead, boolean groupRead, boolean otherRead) {
            if (user.equals(owner)) {
                return ownerRead;
            }
            return groups.contains(group) ? groupRead : otherRead;
        }
    }
}
