package io.pg2ts.sink.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CopyTextTest {

    private static String row(String... values) {
        int[] positions = new int[values.length];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        StringBuilder out = new StringBuilder();
        CopyText.appendRow(out, values, positions);
        return out.toString();
    }

    @Test
    void valuesAreSeparatedByTabsAndRowsEndWithANewline() {
        assertThat(row("1", "apple")).isEqualTo("1\tapple\n");
    }

    @Test
    void nullIsBackslashN() {
        assertThat(row("1", null)).isEqualTo("1\t\\N\n");
    }

    @Test
    void backslashTabNewlineAndCarriageReturnAreEscaped() {
        assertThat(row("a\\b\tc\nd\re")).isEqualTo("a\\\\b\\tc\\nd\\re\n");
    }

    @Test
    void textThatLooksLikeNullOrTheEndMarkerStaysText() {
        assertThat(row("\\N", "\\.")).isEqualTo("\\\\N\t\\\\.\n");
    }

    @Test
    void onlyTheGivenPositionsAreWrittenInTheirOrder() {
        StringBuilder out = new StringBuilder();
        CopyText.appendRow(out, new String[] {"a", "b", "c"}, new int[] {2, 0});
        assertThat(out).hasToString("c\ta\n");
    }
}
