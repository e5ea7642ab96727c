package io.pg2ts.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pg2ts.cli.status.MigrationStatus.SlotStatus;
import io.pg2ts.cli.status.MigrationStatus.TableStatus;
import io.pg2ts.common.TableId;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusDisplayTest {

    private static final TableId ORDERS = TableId.parse("public.orders");
    private static final Instant NOW = Instant.parse("2025-01-01T12:00:10Z");
    private static final SlotStatus SLOT = new SlotStatus("pg2ts_slot", true, "reserved", "0/3000100", "0/3000000", 256L);

    private static TableStatus orders(long snapshotRows, boolean done) {
        return new TableStatus(ORDERS, ORDERS, 2_000_000L, false, snapshotRows, done, 5, 4, 3, 0,
                Instant.parse("2025-01-01T12:00:00Z"));
    }

    @Test
    void snapshotPercentIsCappedAndFullOnceDone() {
        assertThat(orders(500_000, false).snapshotPercent()).isEqualTo(25.0);
        // The estimate may be below what the snapshot copies.
        assertThat(orders(2_500_000, false).snapshotPercent()).isEqualTo(100.0);
        assertThat(orders(1_900_000, true).snapshotPercent()).isEqualTo(100.0);
        assertThat(new TableStatus(ORDERS, ORDERS, null, false, 10, false, 0, 0, 0, 0, null).snapshotPercent()).isNull();
    }

    @Test
    void caughtUpNeedsSlotWithinTheLimitNoBacklogAndEverySnapshotDone() {
        List<TableStatus> done = List.of(orders(2_000_000, true));
        assertThat(MigrationStatus.caughtUp(SLOT, Map.of("t", 0L), done, 256)).isTrue();
        assertThat(MigrationStatus.caughtUp(SLOT, Map.of("t", 0L), done, 255)).isFalse();
        assertThat(MigrationStatus.caughtUp(SLOT, Map.of("t", 1L), done, 1024)).isFalse();
        assertThat(MigrationStatus.caughtUp(SLOT, Map.of("t", 0L), List.of(orders(5, false)), 1024)).isFalse();
        assertThat(MigrationStatus.caughtUp(null, Map.of("t", 0L), done, 1024)).isFalse();
        assertThat(MigrationStatus.caughtUp(SLOT, null, done, 1024)).isNull();
    }

    @Test
    void jsonHasTheDocumentedFieldsAndNullsForWhatIsUnknown() throws Exception {
        List<TableStatus> tables = List.of(orders(500_000, false));
        MigrationStatus status = new MigrationStatus(NOW, tables, SLOT, MigrationStatus.lagSeconds(tables, NOW), null,
                null, null);

        JsonNode json = new ObjectMapper().readTree(StatusDisplay.json(status));

        assertThat(json.path("lag_seconds").asDouble()).isEqualTo(10.0);
        assertThat(json.path("slot").path("lag_bytes").asLong()).isEqualTo(256);
        assertThat(json.path("tables").get(0).path("snapshot_percent").asDouble()).isEqualTo(25.0);
        assertThat(json.path("tables").get(0).path("source_rows_exact").asBoolean()).isFalse();
        assertThat(json.get("kafka_backlog").isNull()).isTrue();
        assertThat(json.get("kafka_backlog_total").isNull()).isTrue();
        assertThat(json.get("caught_up").isNull()).isTrue();
    }

    @Test
    void liveDisplayRedrawsTheLastReadingInPlace() {
        List<TableStatus> tables = List.of(orders(500_000, false));
        MigrationStatus status = new MigrationStatus(NOW, tables, SLOT, 10.0, Map.of("t", 0L), null, false);
        StringWriter text = new StringWriter();
        StatusDisplay display = new StatusDisplay(new PrintWriter(text), StatusDisplay.Mode.LIVE);

        display.show(status);
        display.show(status);

        String shown = text.toString();
        // Up two lines once, after the first reading, then the same lines, each cleared first.
        assertThat(shown.split("\u001b\\[2A", -1)).hasSize(2).allSatisfy(reading ->
                assertThat(reading).contains("\u001b[2K2025-01-01T12:00:10Z").contains("\u001b[2K  public.orders"));
        assertThat(StatusDisplay.lines(status)).containsExactly(
                "2025-01-01T12:00:10Z  slot pg2ts_slot 256 B behind  applied up to 10.0 s ago  backlog 0 records  caught up: no",
                "  public.orders  snapshot 500,000/~2,000,000  25.0%  +5 ~4 -3");
    }
}
