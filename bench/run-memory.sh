#!/usr/bin/env bash
# What unrelated Secrets cost the operator: bash bench/run-memory.sh [resources] [unrelated Secrets] [bytes each]
# Defaults: 1000 resources, 20000 unrelated Secrets of 4096 bytes. Run it with 0 and with 20000 and compare the
# operator's share.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
exec java -Xmx3g -XX:+UseG1GC -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.connectorcert.bench.MemoryBench "$@"
