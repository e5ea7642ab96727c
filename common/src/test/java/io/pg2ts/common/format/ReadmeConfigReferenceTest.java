package io.pg2ts.common.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.pg2ts.common.ConfigReference;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReadmeConfigReferenceTest {

    @Test
    void readmeConfigurationReferenceMatchesTheConfigDef() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        assertThat(ConfigReference.section(readme, "converter"))
                .as("README.md is stale: run build-support/update-config-reference.sh")
                .isEqualTo(ConfigReference.markdown(Pg2tsConverterConfig.CONFIG_DEF));
    }
}
