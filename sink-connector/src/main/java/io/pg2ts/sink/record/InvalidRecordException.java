package io.pg2ts.sink.record;

import org.apache.kafka.connect.errors.ConnectException;

/** A record that is not a change event this sink can apply; its message says where it is and why. */
public final class InvalidRecordException extends ConnectException {

    public InvalidRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
