#!/usr/bin/env bash
# The throughput benchmark: bash bench/run-throughput.sh [resources] [renewals] [latency-ms] [concurrency]
# Defaults: 1000 resources in sync restarted, 100 renewals at once, Graph latency 100 ms, GRAPH_MAX_CONCURRENCY=8.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
echo "$(date -u +%FT%TZ) $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
exec java -Xmx2g -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.connectorcert.bench.ThroughputBench "$@"
