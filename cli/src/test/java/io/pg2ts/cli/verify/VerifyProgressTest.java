package io.pg2ts.cli.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VerifyProgressTest {

    @Test
    void onATerminalTheLineIsRedrawnInPlaceWithTablesDoneAndRowsComparedAndClearedAtTheEnd() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream terminal = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (VerifyProgress progress = VerifyProgress.to(terminal, 3)) {
            progress.compared(100_000);
            progress.compared(25_000);
            progress.tableDone();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            while (!text(bytes).contains("1 of 3 tables done, 125,000 source rows compared") && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
        }
        String shown = text(bytes);
        assertThat(shown).startsWith("\r\033[Kverifying: 1 of 3 tables done, 125,000 source rows compared (")
                .endsWith("\r\033[K");
    }

    @Test
    void withoutATerminalNothingIsDrawn() throws Exception {
        try (VerifyProgress progress = VerifyProgress.to(null, 2)) {
            progress.compared(10);
            progress.tableDone();
            progress.clear();
            assertThat(progress.line()).startsWith("verifying: 1 of 2 tables done, 10 source rows compared");
        }
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
