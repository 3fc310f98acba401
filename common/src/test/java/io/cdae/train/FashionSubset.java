package io.cdae.train;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The shipped Fashion-MNIST subset (data/fmnist_trouser_small.csv.gz; Zalando Research, MIT licence):
 * columns split, label (1 = not a trouser = anomaly), class, p0..p783 (pixels 0-255).
 */
public record FashionSubset(INDArray trainPixels, INDArray testPixels, double[] testLabels) {

    public static Path file() {
        String dir = System.getProperty("cdae.project.dir", "..");
        return Path.of(dir, "data", "fmnist_trouser_small.csv.gz");
    }

    public static FashionSubset load() throws IOException {
        List<double[]> train = new ArrayList<>();
        List<double[]> test = new ArrayList<>();
        List<Double> labels = new ArrayList<>();
        try (Reader reader = new InputStreamReader(new GZIPInputStream(Files.newInputStream(file())), StandardCharsets.UTF_8);
             CSVParser csv = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(reader)) {
            for (CSVRecord r : csv) {
                double[] pixels = new double[784];
                for (int i = 0; i < 784; i++) {
                    pixels[i] = Double.parseDouble(r.get("p" + i));
                }
                if ("train".equals(r.get("split"))) {
                    train.add(pixels);
                } else {
                    test.add(pixels);
                    labels.add(Double.parseDouble(r.get("label")));
                }
            }
        }
        return new FashionSubset(matrix(train), matrix(test), labels.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static INDArray matrix(List<double[]> rows) {
        return Nd4j.create(rows.toArray(new double[0][])).castTo(DataType.FLOAT);
    }
}
