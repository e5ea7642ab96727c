package io.pg2ts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LocalClusterTest {

    @Test
    void workerStartedFromKafkaClassesLoadsBothPluginsFromPluginPath() throws Exception {
        LocalRunOptions options = new LocalRunOptions();
        new CommandLine(options).parseArgs("--examples", System.getProperty("pg2ts.config.examples"),
                "--plugins", System.getProperty("pg2ts.plugin.path"));
        try (LocalCluster cluster = LocalCluster.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            List<String> classes = new ArrayList<>();
            for (JsonNode plugin : cluster.rest().connectorPlugins()) {
                classes.add(plugin.path("class").asText());
            }
            assertThat(classes).contains("io.pg2ts.source.PostgresSourceConnector", "io.pg2ts.sink.TimescaleSinkConnector");
        }
    }
}
