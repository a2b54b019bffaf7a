#!/usr/bin/env bash
# The soak benchmark: bash bench/run-soak.sh [resources] [renewals] [rate] [concurrency]
# Defaults: 1000 resources, 3 renewals each, GRAPH_RATE_LIMIT=20, GRAPH_MAX_CONCURRENCY=8.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
exec java -Xmx2g -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.connectorcert.bench.SoakBench "$@"
