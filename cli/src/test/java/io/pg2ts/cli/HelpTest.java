package io.pg2ts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

class HelpTest {

    @Test
    void theTopHelpNamesEveryStepWithItsSummary() {
        Run help = run("--help");
        assertThat(help.status).isZero();
        for (String step : List.of("schema", "deploy", "status", "verify", "cutover", "cleanup", "migrate", "demo")) {
            assertThat(help.out).as("pg2ts --help").containsPattern("(?m)^\\s+" + step + "\\s+\\S");
        }
    }

    @Test
    void everyStepHasADescriptionAndEveryOptionAndParameterSaysWhatItIs() {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, CommandLine> step : Pg2ts.commandLine().getSubcommands().entrySet()) {
            CommandLine.Model.CommandSpec spec = step.getValue().getCommandSpec();
            if (String.join("", spec.usageMessage().description()).isBlank()) {
                missing.add(step.getKey() + ": no description");
            }
            List<ArgSpec> args = new ArrayList<>(spec.options());
            args.addAll(spec.positionalParameters());
            for (ArgSpec arg : args) {
                if (String.join("", arg.description()).isBlank()) {
                    missing.add(step.getKey() + " " + (arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel())
                            + ": no description");
                }
            }
            Run help = run(step.getKey(), "--help");
            assertThat(help.status).as(step.getKey() + " --help").isZero();
            for (OptionSpec option : spec.options()) {
                assertThat(help.out).as(step.getKey() + " --help").contains(option.longestName());
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyStepAnswersVersion() {
        for (String step : Pg2ts.commandLine().getSubcommands().keySet()) {
            if (!step.equals("help")) {
                Run version = run(step, "--version");
                assertThat(version.status).isZero();
                assertThat(version.out).as(step + " --version").startsWith("pg2ts ");
            }
        }
    }

    private record Run(int status, String out) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Pg2ts.commandLine();
        commandLine.setOut(new PrintWriter(out));
        int status = commandLine.execute(args);
        return new Run(status, out.toString());
    }
}
