package io.pg2ts.sink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlErrorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"08000", "08001", "08003", "08006", "08P01", "40001", "40P01", "57P01", "57P02", "57P03"})
    void connectionSerializationDeadlockAndShutdownStatesAreTransient(String state) {
        assertThat(SqlErrors.isTransient(new SQLException("x", state))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"22P02", "23505", "42P01", "28P01", "57014", "40002", "XX000"})
    void dataConstraintSchemaAndAuthStatesAreNotTransient(String state) {
        assertThat(SqlErrors.isTransient(new SQLException("x", state))).isFalse();
    }

    @Test
    void transientStateIsFoundInTheCauseChain() {
        Exception wrapped = new ConnectException("outer", new RuntimeException(new SQLException("gone", "08006")));
        assertThat(SqlErrors.isTransient(wrapped)).isTrue();
    }

    @Test
    void transientStateIsFoundInTheNextExceptionChain() {
        SQLException batch = new SQLException("batch failed", "22000");
        batch.setNextException(new SQLException("deadlock", "40P01"));
        assertThat(SqlErrors.isTransient(batch)).isTrue();
    }

    @Test
    void messageTextDoesNotCount() {
        assertThat(SqlErrors.isTransient(new SQLException("connection reset, deadlock detected"))).isFalse();
        assertThat(SqlErrors.isTransient(new RuntimeException("08006"))).isFalse();
    }
}
