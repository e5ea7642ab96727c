package io.pg2ts.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableIdTest {

    @Test
    void unqualifiedNameIsInPublic() {
        assertThat(TableId.parse("ticks")).isEqualTo(new TableId("public", "ticks"));
    }

    @Test
    void quotedPartsKeepDotsCaseAndQuotes() {
        assertThat(TableId.parse("\"My.Schema\".\"Ta\"\"b\"")).isEqualTo(new TableId("My.Schema", "Ta\"b"));
    }

    @Test
    void quotedFormQuotesBothParts() {
        assertThat(new TableId("s", "we\"ird").quoted()).isEqualTo("\"s\".\"we\"\"ird\"");
    }

    @Test
    void emptyPartIsRejected() {
        assertThatThrownBy(() -> TableId.parse("s.")).isInstanceOf(IllegalArgumentException.class);
    }
}
