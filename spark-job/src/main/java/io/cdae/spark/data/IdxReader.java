package io.cdae.spark.data;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads (Fashion-)MNIST IDX files: {@code X-images-idx3-ubyte[.gz]} with its {@code X-labels-idx1-ubyte[.gz]}
 * beside it when present, as rows {@code row_id, class, p0..p(n-1)} (pixels 0-255). IDX files are gzip streams,
 * not splittable, so the driver decodes them (60,000 images are 47 MB) and Spark distributes the rows.
 */
public final class IdxReader {
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    public static Dataset<Row> read(SparkSession spark, String imagesPath) {
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        try {
            int[][] images = readImages(new Path(imagesPath), conf);
            String labelsPath = imagesPath.replace("images-idx3-ubyte", "labels-idx1-ubyte");
            Path lp = new Path(labelsPath);
            int[] labels = !labelsPath.equals(imagesPath) && lp.getFileSystem(conf).exists(lp)
                    ? readLabels(lp, conf, images.length) : null;
            int width = images.length == 0 ? 0 : images[0].length;
            List<StructField> fields = new ArrayList<>();
            fields.add(DataTypes.createStructField("row_id", DataTypes.LongType, false));
            if (labels != null) {
                fields.add(DataTypes.createStructField("class", DataTypes.IntegerType, false));
            }
            for (int i = 0; i < width; i++) {
                fields.add(DataTypes.createStructField("p" + i, DataTypes.IntegerType, false));
            }
            List<Row> rows = new ArrayList<>(images.length);
            for (int r = 0; r < images.length; r++) {
                Object[] values = new Object[fields.size()];
                int k = 0;
                values[k++] = (long) r;
                if (labels != null) {
                    values[k++] = labels[r];
                }
                for (int v : images[r]) {
                    values[k++] = v;
                }
                rows.add(RowFactory.create(values));
            }
            return spark.createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
        } catch (IOException e) {
            throw new InputException("cannot read IDX file " + imagesPath + ": " + e.getMessage(), e);
        }
    }

    private static DataInputStream open(Path p, org.apache.hadoop.conf.Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        InputStream in = fs.open(p);
        if (p.getName().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
    }

    public static int[][] readImages(Path p, org.apache.hadoop.conf.Configuration conf) throws IOException {
        try (DataInputStream in = open(p, conf)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new InputException(p + " is not an IDX image file (magic " + Integer.toHexString(magic)
                        + ", expected 803)");
            }
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            int[][] out = new int[n][rows * cols];
            byte[] buf = new byte[rows * cols];
            for (int i = 0; i < n; i++) {
                in.readFully(buf);
                for (int j = 0; j < buf.length; j++) {
                    out[i][j] = buf[j] & 0xFF;
                }
            }
            return out;
        } catch (java.io.EOFException e) {
            throw new InputException("IDX file " + p + " is truncated", e);
        }
    }

    public static int[] readLabels(Path p, org.apache.hadoop.conf.Configuration conf, int expected) throws IOException {
        try (DataInputStream in = open(p, conf)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new InputException(p + " is not an IDX label file (magic " + Integer.toHexString(magic) + ")");
            }
            int n = in.readInt();
            if (n != expected) {
                throw new InputException(p + " has " + n + " labels for " + expected + " images");
            }
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = in.readUnsignedByte();
            }
            return out;
        } catch (java.io.EOFException e) {
            throw new InputException("IDX file " + p + " is truncated", e);
        }
    }
}
