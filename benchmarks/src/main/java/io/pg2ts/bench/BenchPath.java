package io.pg2ts.bench;

/** One way of moving the workload from source to target, measured on fresh databases. */
interface BenchPath {

    /** Short name for options, database names and logs: {@code copy}, {@code native}, ... */
    String name();

    /** What the path is, as its row of the table says. */
    String label();

    /**
     * Moves the seeded table (and the streaming mix, where the path has a change stream) from
     * {@code src_<name>} to {@code tgt_<name>}, which exist when this is called, and puts each
     * phase's figures into {@code result} as soon as it has them.
     */
    void run(BenchContext context, PathResult result) throws Exception;
}
