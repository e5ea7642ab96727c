package io.pg2ts.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class TargetConnectionTest {

    private static final String URL = "jdbc:postgresql://db.example:6543/target?password=hidden";

    @Test
    void failedAuthenticationPointsAtUserAndPassword() {
        TargetConnection.Problem problem = TargetConnection.problem(new SQLException("no", "28P01"), URL, "writer");

        assertThat(problem.options()).containsExactly(TimescaleSinkConfig.CONNECTION_USER_CONFIG,
                TimescaleSinkConfig.CONNECTION_PASSWORD_CONFIG);
        assertThat(problem.message()).contains("writer").contains("authentication failed");
    }

    @Test
    void unreachableServerPointsAtHostAndPortOfTheUrl() {
        TargetConnection.Problem problem = TargetConnection.problem(new SQLException("refused", "08001"), URL, "writer");

        assertThat(problem.options()).containsExactly(TimescaleSinkConfig.CONNECTION_URL_CONFIG);
        assertThat(problem.message()).contains("db.example:6543").contains("host and port").doesNotContain("hidden");
    }

    @Test
    void missingDatabasePointsAtTheUrl() {
        TargetConnection.Problem problem = TargetConnection.problem(new SQLException("no db", "3D000"), URL, "writer");

        assertThat(problem.options()).containsExactly(TimescaleSinkConfig.CONNECTION_URL_CONFIG);
        assertThat(problem.message()).contains("does not exist");
    }
}
