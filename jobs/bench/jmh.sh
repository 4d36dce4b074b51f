#!/usr/bin/env bash
# The splitter alone under JMH (one thread): ASCII and CJK inputs. Prints MB/s per case, then
# checks the splitter's output on every input measured against the independent reference
# (ReferenceSplit.java) and fails when they differ.
#   jobs/bench/jmh.sh [JMH options]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test.classpath
java -cp "target/test-classes:target/classes:$(cat target/test.classpath)" org.openjdk.jmh.Main \
  -rf json -rff target/jmh.json "${@:-SplitterBenchmark}" | tee target/jmh.txt
# Inputs are 64 MiB (ascii) and about 64 MiB (cjk): ops/s x input MiB = MiB/s.
check=target/jmh-check
rm -rf "$check"
java -cp "target/test-classes:target/classes:$(cat target/test.classpath)" \
  jobs/bench/JmhThroughput.java target/jmh.json "$check"
java -Xmx1g jobs/bench/ReferenceSplit.java "$check/input" "$check/reference"
for f in "$check"/paraglue/*; do
  name=$(basename "$f")
  if cmp -s "$f" "$check/reference/$name"; then
    echo "reference check: $name identical ($(wc -c <"$f") bytes)"
  else
    echo "reference check: $name DIFFERS from the reference" >&2
    exit 1
  fi
done
