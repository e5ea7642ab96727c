#!/usr/bin/env bash
# Regenerates the configuration reference sections of README.md from the connectors' ConfigDefs.
# The connector modules' tests fail while the README is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install -pl common,source-connector,sink-connector -am
for pair in "source-connector source io.pg2ts.source.PostgresSourceConfig" "sink-connector sink io.pg2ts.sink.TimescaleSinkConfig" \
            "common converter io.pg2ts.common.format.Pg2tsConverterConfig"; do
  set -- $pair
  mvn -B -q -pl "$1" exec:java -Dexec.classpathScope=compile -Dexec.mainClass=io.pg2ts.common.ConfigReference \
    -Dexec.args="$PWD/README.md $2 $3"
done
echo "README.md configuration reference regenerated"
