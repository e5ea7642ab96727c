#!/usr/bin/env bash
# Runs the pg2ts benchmark (README.md beside this file): builds what it needs, then moves one
# workload along each path and prints the table. Options go to the benchmark, e.g.
#   benchmarks/run.sh                        the issue's workload: 2,000,000 rows, 650,000 changes
#   benchmarks/run.sh --scale 0.01           a quick run
#   benchmarks/run.sh --paths pg2ts,debezium --help
# BENCH_BUILD=reactor (default) builds the benchmark and every module it uses (mvn -am);
# BENCH_BUILD=benchmarks only the benchmark modules, taking pg2ts from ~/.m2 and cli/target/plugins
# as they are; BENCH_BUILD=none builds nothing.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
case "${BENCH_BUILD:-reactor}" in
  reactor) mvn -B -q -Pbench -pl benchmarks -am package -DskipTests ;;
  benchmarks) mvn -B -q -Pbench -pl benchmarks/plugins/debezium-postgres,benchmarks/plugins/debezium-jdbc,benchmarks \
                package -DskipTests ;;
  none) ;;
  *) echo "BENCH_BUILD must be reactor, benchmarks or none" >&2; exit 2 ;;
esac
target="$home/benchmarks/target"
mkdir -p "$target/tmp"
jar=$(ls "$target"/pg2ts-benchmarks-*.jar | head -n 1)
exec java -Xmx2g -Djava.io.tmpdir="$target/tmp" \
  -Dlog4j.configuration=bench-log4j.properties -Dbench.log="$target/bench.log" \
  -cp "$jar:$target/lib/*" io.pg2ts.bench.Benchmark "$@"
