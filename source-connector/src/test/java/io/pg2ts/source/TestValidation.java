package io.pg2ts.source;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/** Reading the result of {@code Connector.validate}. */
final class TestValidation {

    private TestValidation() {
    }

    static Map<String, ConfigValue> byName(Config config) {
        Map<String, ConfigValue> values = new LinkedHashMap<>();
        config.configValues().forEach(v -> values.put(v.name(), v));
        return values;
    }

    /** Every error message, as {@code option: message}. */
    static List<String> errors(Config config) {
        return config.configValues().stream()
                .flatMap(v -> v.errorMessages().stream().map(m -> v.name() + ": " + m))
                .toList();
    }
}
