package io.pg2ts.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

    private static final ConfigDef DEF = new ConfigDef()
            .define("b.port", Type.INT, 5432, ConfigDef.Range.between(1, 65535), Importance.HIGH, "Port.", "Connection", 2,
                    ConfigDef.Width.SHORT, "Port")
            .define("a.host", Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, "Host | name.", "Connection", 1,
                    ConfigDef.Width.SHORT, "Host")
            .define("secret", Type.PASSWORD, "", Importance.HIGH, "Password.", "Connection", 3, ConfigDef.Width.SHORT, "Pw");

    @Test
    void optionsAreListedInGroupOrderWithRequiredAndHiddenDefaults() {
        assertThat(ConfigReference.markdown(DEF)).isEqualTo("""
                #### Connection

                | option | type | default | valid values | description |
                |---|---|---|---|---|
                | `a.host` | string | **required** |  | Host \\| name. |
                | `b.port` | int | `5432` | [1,...,65535] | Port. |
                | `secret` | password | "" |  | Password. |
                """);
    }

    @Test
    void replacingASectionKeepsTheRestOfTheReadme() {
        String readme = "intro\n<!-- config-reference:sink:start -->\nold\n<!-- config-reference:sink:end -->\nrest\n";
        String updated = ConfigReference.replaceSection(readme, "sink", "new\n");
        assertThat(updated).isEqualTo("intro\n<!-- config-reference:sink:start -->\nnew\n<!-- config-reference:sink:end -->\nrest\n");
        assertThat(ConfigReference.section(updated, "sink")).isEqualTo("new\n");
    }
}
