package io.cdae.spark.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The text-level checks behind the typed CSV reader: why a record Spark could not read is bad, and how a bad row
 * shown from its typed values is found again on its line.
 */
class RowValidatorTest {
    private static final int[] FEATURES = {1, 2};
    private static final String[] NAMES = {"f1", "f2"};

    @Test
    void aRecordWithTheRightFieldCountNamesItsNonNumericValue() {
        assertEquals("non-numeric value 'abc' in column 'f2'", RowValidator.malformed("7,1.5,abc", 3, FEATURES, NAMES));
    }

    @Test
    void infIsTextNotANumberAsWhenRowsWereParsedAsText() {
        assertEquals("non-numeric value 'Inf' in column 'f1'", RowValidator.malformed("7,Inf,2", 3, FEATURES, NAMES));
    }

    @Test
    void aRecordWithTooFewOrTooManyFieldsIsAWrongFieldCount() {
        assertEquals("wrong number of fields (expected 3)", RowValidator.malformed("7,1.5", 3, FEATURES, NAMES));
        assertEquals("wrong number of fields (expected 3)", RowValidator.malformed("7,1,2,3", 3, FEATURES, NAMES));
    }

    @Test
    void aRowShownFromTypedValuesMatchesItsLineByNumberAndNotAnother() {
        assertTrue(CsvFields.sameRecord("a,1,2.50,NaN,", "a,1.0,2.5,NaN,"));
        assertTrue(CsvFields.sameRecord("\"a\",1", "a,1"));
        assertFalse(CsvFields.sameRecord("a,1,2.51,NaN,", "a,1.0,2.5,NaN,"));
        assertFalse(CsvFields.sameRecord("a,1,2.5", "a,1.0,2.5,NaN,"));
    }
}
