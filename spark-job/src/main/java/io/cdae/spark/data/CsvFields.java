package io.cdae.spark.data;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.util.List;

/**
 * The fields of one CSV line (quotes removed), for the rare rows that need their text again: a record Spark's CSV
 * reader could not read (to say why), and the line of a bad row in its file (to name it).
 */
final class CsvFields {
    private CsvFields() {
    }

    /** The fields of {@code line}; the whole line as one field when it does not parse as CSV. */
    static List<String> of(String line) {
        try (CSVParser p = CSVParser.parse(line, CSVFormat.DEFAULT)) {
            List<CSVRecord> records = p.getRecords();
            return records.isEmpty() ? List.of("") : records.get(0).toList();
        } catch (IOException | RuntimeException e) {
            return List.of(line);
        }
    }

    /**
     * True when {@code line} holds the values of {@code shown} (a row's values comma-separated, as
     * {@link RowValidator} shows a row): the same text, or fields that read as the same numbers ({@code 1} and
     * {@code 1.0}, as Spark's typed CSV reader gives them back).
     */
    static boolean sameRecord(String line, String shown) {
        if (line.equals(shown)) {
            return true;
        }
        List<String> fields = of(line);
        if (String.join(",", fields).equals(shown)) {
            return true;
        }
        String[] values = shown.split(",", -1);
        if (fields.size() != values.length) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            if (!fields.get(i).equals(values[i]) && !sameNumber(fields.get(i), values[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameNumber(String a, String b) {
        try {
            return Double.compare(Double.parseDouble(a.trim()), Double.parseDouble(b.trim())) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
