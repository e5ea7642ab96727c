package io.pg2ts.sink.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pg2ts.common.TableId;
import org.junit.jupiter.api.Test;

class TableNameFormatTest {

    @Test
    void defaultFormatKeepsSourceSchemaAndTable() {
        assertThat(TableNameFormat.parse("${schema}.${table}").resolve("t", "Sales", "Orders"))
                .isEqualTo(new TableId("Sales", "Orders"));
    }

    @Test
    void dotsInSourceNamesStayInTheirPart() {
        assertThat(TableNameFormat.parse("${schema}.${table}").resolve("t", "a.b", "c.d"))
                .isEqualTo(new TableId("a.b", "c.d"));
    }

    @Test
    void formatWithoutSchemaPartUsesPublic() {
        assertThat(TableNameFormat.parse("${topic}").resolve("server.public.ticks", null, null))
                .isEqualTo(new TableId("public", "server.public.ticks"));
    }

    @Test
    void placeholdersMixWithText() {
        assertThat(TableNameFormat.parse("archive.${schema}_${table}").resolve("t", "s", "x"))
                .isEqualTo(new TableId("archive", "s_x"));
    }

    @Test
    void quotedFormatPartsKeepDots() {
        assertThat(TableNameFormat.parse("\"my.schema\".${table}").resolve("t", "s", "x"))
                .isEqualTo(new TableId("my.schema", "x"));
    }

    @Test
    void unknownPlaceholderIsRejected() {
        assertThatThrownBy(() -> TableNameFormat.parse("${database}.${table}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("${database}");
    }

    @Test
    void onlyFormatsWithSchemaOrTableNeedTheSourceBlock() {
        assertThat(TableNameFormat.parse("${schema}.${table}").usesSourceNames()).isTrue();
        assertThat(TableNameFormat.parse("x.${topic}").usesSourceNames()).isFalse();
    }
}
