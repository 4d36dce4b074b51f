#!/usr/bin/env bash
# The benchmark harness (issue 3): paraglue against a naive Spark job written the usual way, one
# Java thread with paraglue's splitter, and GNU awk's paragraph mode, side by side on the same
# deterministic corpus. Checks that paraglue's documents are byte-identical to an independent
# reference, and writes jobs/bench/RESULTS.md.
#
#   jobs/bench/run.sh [--size 1g] [--docs 20000] [--big 2.4g] [--repeat 1]
#                     [--scenarios many,double,big] [--bzip2-size 512m] [--out DIR]
#
# Scenario bzip2 (not run by default) compresses one document of --bzip2-size and runs paraglue
# on it twice: as byte ranges of blocks, and read whole by one task (a range size above the file).
#
# Needs Java 17 and Maven; GNU awk (apt-get install gawk) for the awk column.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
command_line="jobs/bench/run.sh $*"
size=1g
docs=20000
big=2.4g
bzip2_size=512m
repeat=1
scenarios=many,double,big
work=$root/target/bench
while (($#)); do
  case $1 in
    --size) size=$2; shift 2 ;;
    --docs) docs=$2; shift 2 ;;
    --big) big=$2; shift 2 ;;
    --bzip2-size) bzip2_size=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --out) work=$2; shift 2 ;;
    -h | --help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
bench=$root/jobs/bench
jar=$root/target/paraglue-glue.jar
classpath_file=$root/target/paraglue-local.classpath
results=$work/results.tsv
: >"$results"
: >"$work/failures.tsv"

echo "bench: building paraglue" >&2
(cd "$root" && mvn -B -q -DskipTests package \
  && mvn -B -q dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile="$classpath_file")
read -r -a spark_flags <<<"$(sed -n 's/^spark.java17.flags=//p' "$root/conf/spark-java17.properties")"

to_bytes() {
  awk -v s="$1" 'BEGIN { m = 1; u = tolower(substr(s, length(s)));
    if (u == "g") m = 1073741824; else if (u == "m") m = 1048576; else if (u == "k") m = 1024;
    if (m > 1) s = substr(s, 1, length(s) - 1); printf "%d", s * m }'
}

corpus() { # docs size -> path (generated once, deterministic)
  local dir=$work/corpus-$1-$2
  if [[ ! -f $dir.done ]]; then
    rm -rf "$dir"
    java -Xmx2g "$bench/GenCorpus.java" --out "$dir" --docs "$1" --bytes "$2" --seed 1 >&2
    touch "$dir.done"
  fi
  echo "$dir"
}

bzip2_corpus() { # size -> a corpus of one document, bzip2-compressed (made once)
  local plain dir=$work/corpus-bzip2-$1 f
  plain=$(corpus 1 "$1")
  if [[ ! -f $dir.done ]]; then
    rm -rf "$dir"
    f=$(cd "$plain" && find . -type f | head -n 1)
    java -cp "$(cat "$classpath_file")" "$bench/Bzip2File.java" "$plain/$f" "$dir/$f.bz2" >&2
    touch "$dir.done"
  fi
  echo "$dir"
}

reference() { # corpus -> reference documents (independent implementation)
  local dir=$1.reference
  if [[ ! -f $dir.done ]]; then
    rm -rf "$dir"
    java -Xmx2g "$bench/ReferenceSplit.java" "$1" "$dir" >&2
    touch "$dir.done"
  fi
  echo "$dir"
}

# measure SCENARIO TOOL BYTES LOG CMD... : appends "scenario tool seconds rss_mb exit" to results
measure() {
  local scenario=$1 tool=$2 nbytes=$3 log=$4
  shift 4
  local timing=$work/time.$$
  local rc=0
  /usr/bin/time -f "%e %M" -o "$timing" "$@" >"$log" 2>&1 || rc=$?
  local secs rss
  read -r secs rss < <(tail -n 1 "$timing")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$tool" "$secs" "$((rss / 1024))" "$rc" "$nbytes" >>"$results"
  if ((rc != 0)); then
    printf '%s\t%s\t%s\n' "$scenario" "$tool" \
      "$(grep -m1 -E '^[a-z]+\.[A-Za-z.]+(Error|Exception)' "$log" | cut -c1-160 || echo "exit $rc")" >>"$work/failures.tsv"
  fi
  printf 'bench: %-8s %-14s %8ss  %6s MB peak  exit %s\n' "$scenario" "$tool" "$secs" "$((rss / 1024))" "$rc" >&2
}

run_paraglue() { # scenario corpus nbytes memory [tool [java options]]
  local scenario=$1 input=$2 nbytes=$3 memory=$4 tool=${5:-paraglue} options=${6:-}
  local home=$work/home-$scenario-$tool out=$work/out-$scenario${5:+-$5}
  rm -rf "$home" "$out"
  # The embedded metastore's one-time schema creation is not part of a run (Glue has a catalog).
  PARAGLUE_HOME="$home" "$root/jobs/paraglue" sql "CREATE DATABASE IF NOT EXISTS bench" >/dev/null 2>&1
  measure "$scenario" "$tool" "$nbytes" "$work/$tool-$scenario.log" \
    env PARAGLUE_HOME="$home" PARAGLUE_DRIVER_MEMORY="$memory" ${options:+JAVA_TOOL_OPTIONS="$options"} \
    "$root/jobs/paraglue" run --source_paths "$input" --output_path "$out" \
    --paragraph_table bench.paragraphs --documents_table bench.documents
}

identical() { # corpus output-dir -> "yes" or "NO (n differ)"
  local ref diffs=$work/diff.$$
  ref=$(reference "$1")
  if diff -r -q "$ref" "$2/documents" >"$diffs"; then
    echo yes
  else
    echo "NO ($(wc -l <"$diffs") differ)"
  fi
}

check_identical() { # scenario corpus
  printf '%s\tidentical\t%s\n' "$1" "$(identical "$2" "$work/out-$1")" >>"$work/checks.tsv"
}

# Each round runs every tool once, one after the other, so that the machine's drift over time
# (this kind of machine varies by 15% or more) falls on all of them alike; figures are medians.
rounds() { # scenario corpus nbytes memory [others]
  for ((i = 1; i <= repeat; i++)); do
    echo "bench: $1 round $i of $repeat" >&2
    run_paraglue "$1" "$2" "$3" "$4"
    if [[ ${5:-} == others ]]; then
      run_others "$1" "$2" "$3" "$4"
    fi
  done
  check_identical "$1" "$2"
}

run_others() { # scenario corpus nbytes memory
  local scenario=$1 input=$2 nbytes=$3 memory=$4
  rm -rf "$work/single-$scenario"
  measure "$scenario" single-thread "$nbytes" "$work/single-$scenario.log" \
    java -Xmx1g -cp "$jar" "$bench/SingleThreadSplit.java" "$input" "$work/single-$scenario"
  rm -rf "$work/naive-$scenario"
  measure "$scenario" naive-spark "$nbytes" "$work/naive-$scenario.log" \
    env SPARK_LOCAL_IP=127.0.0.1 java "${spark_flags[@]}" "-Xmx$memory" \
    -Djava.io.tmpdir="$work" -cp "$(cat "$classpath_file")" \
    "$bench/NaiveSparkBaseline.java" "$input" "$work/naive-$scenario"
  if command -v gawk >/dev/null; then
    rm -rf "$work/awk-$scenario"
    # shellcheck disable=SC2016 # the script is for the inner bash and gawk, not this shell
    measure "$scenario" gawk "$nbytes" "$work/awk-$scenario.log" \
      bash -c 'mkdir -p "$2" && find "$1" -type f -print0 | xargs -0 gawk -v RS= -v out="$2" -v root="$1" '\''
        FNR == 1 { if (o) { printf "\n" > o; close(o) } rel = substr(FILENAME, length(root) + 2); gsub(/\//, "_", rel); o = out "/" rel; n = 0 }
        { printf "%s%s", (n++ ? "\n\n" : ""), $0 > o }'\''' _ "$input" "$work/awk-$scenario"
  fi
  rm -rf "$work/single-$scenario" "$work/naive-$scenario" "$work/awk-$scenario"
}

: >"$work/checks.tsv"
IFS=, read -r -a wanted <<<"$scenarios"
for s in "${wanted[@]}"; do
  case $s in
    many)
      c=$(corpus "$docs" "$size")
      n=$(to_bytes "$size")
      rounds many "$c" "$n" 4g others
      ;;
    double)
      c=$(corpus "$((docs * 2))" "$(($(to_bytes "$size") * 2))")
      n=$(($(to_bytes "$size") * 2))
      rounds double "$c" "$n" 4g
      ;;
    big)
      c=$(corpus 1 "$big")
      n=$(to_bytes "$big")
      rounds big "$c" "$n" 3g others
      ;;
    bzip2)
      c=$(bzip2_corpus "$bzip2_size")
      n=$(to_bytes "$bzip2_size")
      for ((i = 1; i <= repeat; i++)); do
        echo "bench: bzip2 round $i of $repeat" >&2
        run_paraglue bzip2 "$c" "$n" 3g
        run_paraglue bzip2 "$c" "$n" 3g paraglue-whole -Dspark.paraglue.bzip2RangeBytes=1099511627776
      done
      plain=$(corpus 1 "$bzip2_size")
      printf 'bzip2\tidentical\t%s (ranges), %s (whole)\n' "$(identical "$plain" "$work/out-bzip2")" \
        "$(identical "$plain" "$work/out-bzip2-paraglue-whole")" >>"$work/checks.tsv"
      ;;
    *) echo "bench: unknown scenario $s" >&2; exit 2 ;;
  esac
done

java "$bench/Report.java" "$results" "$work/checks.tsv" "$root/jobs/bench/RESULTS.md" "$command_line" \
  "$work/failures.tsv"
echo "bench: wrote jobs/bench/RESULTS.md" >&2
