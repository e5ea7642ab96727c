package io.pg2ts.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pg2ts.cli.deploy.ConfigErrors.FieldError;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyErrorOfEveryOptionIsReadAndSecretsInMessagesAreMasked() throws Exception {
        String answer = """
                {"name": "io.pg2ts.sink.TimescaleSinkConnector", "error_count": 3, "groups": ["Common"],
                 "configs": [
                  {"definition": {"name": "tasks.max"}, "value": {"name": "tasks.max", "value": "1", "errors": []}},
                  {"definition": {"name": "connection.url"}, "value": {"name": "connection.url",
                     "value": "jdbc:postgresql://db/app?password=pw-in-url", "errors": [
                     "Invalid value jdbc:postgresql://db/app?password=pw-in-url for configuration connection.url: bad",
                     "second"]}},
                  {"definition": {"name": "debezium.database.password"}, "value": {"name": "debezium.database.password",
                     "value": "t0p-secret", "errors": ["Invalid value t0p-secret for configuration x"]}}
                 ]}
                """;
        Map<String, String> config = Map.of("connection.url", "jdbc:postgresql://db/app?password=pw-in-url",
                "debezium.database.password", "t0p-secret");

        assertThat(ConfigErrors.of(JSON.readTree(answer), config)).containsExactly(
                new FieldError("connection.url",
                        "Invalid value jdbc:postgresql://db/app?password=[hidden] for configuration connection.url: bad"),
                new FieldError("connection.url", "second"),
                new FieldError("debezium.database.password", "Invalid value [hidden] for configuration x"));
    }

    @Test
    void anErrorCountWithoutNamedErrorsIsStillAnError() throws Exception {
        assertThat(ConfigErrors.of(JSON.readTree("{\"error_count\": 1, \"configs\": []}"), Map.of()))
                .singleElement().extracting(FieldError::field).isEqualTo("(connector)");
        assertThat(ConfigErrors.of(JSON.readTree("{\"error_count\": 0, \"configs\": []}"), Map.of())).isEmpty();
    }
}
