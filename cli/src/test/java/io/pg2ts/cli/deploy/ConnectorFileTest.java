package io.pg2ts.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorFileTest {

    @TempDir
    Path dir;

    @Test
    void restShapeTakesTheTopLevelNameAndPutsItIntoTheOptions() throws Exception {
        Path file = write("any.json", "{\"name\": \"orders-sink\", \"config\": {\"connector.class\": \"a.B\", "
                + "\"tasks.max\": \"2\"}, \"tasks\": [], \"type\": \"sink\"}");

        ConnectorFile connector = ConnectorFile.read(file, null);

        assertThat(connector.name()).isEqualTo("orders-sink");
        assertThat(connector.connectorClass()).isEqualTo("a.B");
        assertThat(connector.config()).containsEntry("name", "orders-sink").containsEntry("tasks.max", "2").hasSize(3);
    }

    @Test
    void flatMapIsNamedByItsNameKeyElseByTheFileNameAndTheGivenNameWinsOverBoth() throws Exception {
        Path named = write("x.json", "{\"connector.class\": \"a.B\", \"name\": \"from-key\"}");
        Path unnamed = write("pg2ts-source.json", "{\"connector.class\": \"a.B\"}");

        assertThat(ConnectorFile.read(named, null).name()).isEqualTo("from-key");
        assertThat(ConnectorFile.read(unnamed, null).name()).isEqualTo("pg2ts-source");
        ConnectorFile given = ConnectorFile.read(named, "given");
        assertThat(given.name()).isEqualTo("given");
        assertThat(given.config()).containsEntry("name", "given");
    }

    @Test
    void numbersAndBooleansBecomeStrings() throws Exception {
        Path file = write("s.json", "{\"tasks.max\": 1, \"slot.drop.on.stop\": false, \"ratio\": 0.5}");

        assertThat(ConnectorFile.read(file, null).config()).containsEntry("tasks.max", "1")
                .containsEntry("slot.drop.on.stop", "false").containsEntry("ratio", "0.5");
    }

    @Test
    void nullsArraysAndObjectsAreRejectedByKeyAll() throws Exception {
        Path file = write("s.json", "{\"topics\": [\"a\", \"b\"], \"database.password\": null, \"x\": {\"y\": \"z\"}}");

        assertThatThrownBy(() -> ConnectorFile.read(file, null)).isInstanceOfSatisfying(ConnectorFile.Invalid.class,
                e -> assertThat(e.problems()).containsExactly(
                        "topics: is a JSON array, but Connect takes strings (write a list as one comma-separated string)",
                        "database.password: is null: give it a value or leave the key out",
                        "x: is a JSON object, but Connect takes strings (write a list as one comma-separated string)"));
    }

    @Test
    void restShapeWithStrayTopLevelKeysOrTwoDifferentNamesIsRejected() throws Exception {
        Path file = write("s.json", "{\"name\": \"a\", \"tasks.max\": \"1\", \"config\": {\"name\": \"b\"}}");

        assertThatThrownBy(() -> ConnectorFile.read(file, null)).isInstanceOfSatisfying(ConnectorFile.Invalid.class,
                e -> assertThat(e.problems()).containsExactly(
                        "tasks.max: not a top-level key of a connector file, which has \"name\" and \"config\" "
                                + "(move options into \"config\")",
                        "name: the top level says \"a\" and config says \"b\": make them equal or drop one"));
    }

    @Test
    void brokenJsonIsReportedByPositionWithoutQuotingTheText() throws Exception {
        Path file = write("s.json", "{\"database.password\": \"hunter22\",\n  oops}");

        assertThatThrownBy(() -> ConnectorFile.read(file, null)).isInstanceOfSatisfying(ConnectorFile.Invalid.class,
                e -> assertThat(e.problems()).singleElement().asString().startsWith("not valid JSON (line 2, column")
                        .doesNotContain("hunter22").doesNotContain("oops"));
        assertThatThrownBy(() -> ConnectorFile.read(dir.resolve("missing.json"), null))
                .hasMessage("no such file");
    }

    private Path write(String name, String json) throws Exception {
        return Files.writeString(dir.resolve(name), json);
    }
}
