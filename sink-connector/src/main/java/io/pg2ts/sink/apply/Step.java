package io.pg2ts.sink.apply;

import io.pg2ts.sink.record.Change;

// One thing a flush does to one table, in the order the changes arrived: a batch of changes, or
// a truncate, which empties the table.
sealed interface Step permits TableBatch, Step.Truncate {

    record Truncate(Change change) implements Step {
    }
}
