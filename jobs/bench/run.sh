#!/usr/bin/env bash
# The benchmark harness (issue 3): paraglue against a naive Spark job written the usual way, one
# Java thread with paraglue's splitter, and GNU awk's paragraph mode, side by side on the same
# deterministic corpus. Checks that paraglue's documents are byte-identical to an independent
# reference, and writes jobs/bench/RESULTS.md.
#
#   jobs/bench/run.sh [--size 1g] [--docs 20000] [--big 2.4g] [--repeat 1]
#                     [--scenarios many,double,big] [--bzip2-size 512m] [--out DIR]
#                     [--steady-docs 1000,200000,1000000] [--steady-doc-bytes 2048]
#                     [--tiny-docs 200000] [--tiny-size 468m]
#                     [--naive true|false] [--s3lat-docs 20000] [--s3lat-buckets 100]
#                     [--s3lat-read-ahead ,0,64]
#                     [--maintain-docs 1000] [--maintain-runs 50]
#
# Scenarios many and big run, beside paraglue, one Java thread with paraglue's splitter, GNU awk and
# the naive Spark job (--naive true, the default). --naive false leaves the naive job out: it takes
# minutes per round, and the targets of issue 17 compare paraglue with the single thread only.
#
# Scenario bzip2 (not run by default) compresses one document of --bzip2-size and runs paraglue
# on it twice: as byte ranges of blocks, and read whole by one task (a range size above the file).
#
# Scenario steady (not run by default) measures one steady-state cycle on tables of each of
# --steady-docs documents (--steady-doc-bytes each): a first run, then +200 new, 200 changed and 100
# removed documents (SteadyChange.java) and a run with --remove_missing. It reports wall and CPU
# time, peak RSS, the driver's heap (GC log), bytes written to each table, and checks the documents
# and the paragraph table against the reference after each size's cycle; into DIR/steady.md.
#
# Scenario tiny (not run by default) is many tiny documents: --tiny-docs documents in --tiny-size
# (~2.3 KB each), checked against the reference like many. Scenario samples (not run by default)
# times `jobs/paraglue run` on a copy of the bundled samples on an existing home: a first run,
# (row samples-first), then one sample changed and run again (row samples, the target), then run
# unchanged (row samples-unchanged); each run's summary must show what changed.
#
# Scenario s3lat (not run by default; issue 17) writes --s3lat-docs small documents (~2.4 KB each,
# like tiny) into S3Mock's on-disk store once (S3MockStore.java; kept in DIR/s3lat/ as the corpus),
# spread over --s3lat-buckets buckets (100), starts S3Mock on loopback on it and runs paraglue over
# s3:// per round: straight to S3Mock, then through DelayProxy.java, which adds 20 ms before each
# response, once per entry of --s3lat-read-ahead (a comma list of spark.paraglue.readAhead values;
# an empty entry is the default; e.g. ",0,64"; by default one run at the default). Each run's
# documents are checked against the reference; the proxy counts requests and the most in flight.
# Into DIR/s3lat.md (RESULTS.md is left as it is).

# Scenario jmh (not run by default; issue 17) runs jobs/bench/jmh.sh on the ASCII and CJK inputs
# with --repeat forks each and checks the splitter's output against the reference; into DIR/jmh.md.
#
# Scenario maintain (not run by default; issue 14) makes a table of --maintain-docs documents, runs
# --maintain-runs small runs on it (each: 2 new documents, 1 changed, every fifth 1 removed; with
# --remove_missing), then `jobs/paraglue maintain`; it records the paragraph table's data and
# delete files and the hash of every row of both tables before and after; into DIR/maintain.md.
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
steady_docs=1000,200000,1000000
steady_doc_bytes=2048
tiny_docs=200000
maintain_docs=1000
maintain_runs=50
tiny_size=468m
naive=true
work=$root/target/bench
s3lat_docs=20000
s3lat_buckets=100
s3lat_read_ahead=""
while (($#)); do
  case $1 in
    --size) size=$2; shift 2 ;;
    --docs) docs=$2; shift 2 ;;
    --big) big=$2; shift 2 ;;
    --bzip2-size) bzip2_size=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --steady-docs) steady_docs=$2; shift 2 ;;
    --steady-doc-bytes) steady_doc_bytes=$2; shift 2 ;;
    --tiny-docs) tiny_docs=$2; shift 2 ;;
    --maintain-docs) maintain_docs=$2; shift 2 ;;
    --maintain-runs) maintain_runs=$2; shift 2 ;;
    --tiny-size) tiny_size=$2; shift 2 ;;
    --naive) naive=$2; shift 2 ;;
    --s3lat-docs) s3lat_docs=$2; shift 2 ;;
    --s3lat-buckets) s3lat_buckets=$2; shift 2 ;;
    --s3lat-read-ahead) s3lat_read_ahead=$2; shift 2 ;;
    --out) work=$2; shift 2 ;;
    -h | --help) sed -n '2,51p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ $naive != true && $naive != false ]]; then
  echo "bench: Cannot read --naive $naive: it is true or false" >&2
  exit 2
fi
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
  # The previous tool's written pages go to disk first, not inside this tool's time.
  sync
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
  if [[ $naive == true ]]; then
    rm -rf "$work/naive-$scenario"
    measure "$scenario" naive-spark "$nbytes" "$work/naive-$scenario.log" \
      env SPARK_LOCAL_IP=127.0.0.1 java "${spark_flags[@]}" "-Xmx$memory" \
      -Djava.io.tmpdir="$work" -cp "$(cat "$classpath_file")" \
      "$bench/NaiveSparkBaseline.java" "$input" "$work/naive-$scenario"
  fi
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

# steady_run SIZE LABEL: one timed run of SIZE's steady tables; appends a row to steady.tsv:
# size label wall_s user_s sys_s rss_mb exit heap_peak_mb heap_after_gc_peak_mb
steady_run() {
  local n=$1 label=$2 dir=$work/steady-$1 rc=0 secs rss user sys peak live
  rm -f "$dir"/gc-"$label".*.log
  /usr/bin/time -f "%e %M %U %S" -o "$dir/time-$label" \
    env PARAGLUE_HOME="$dir/home" PARAGLUE_DRIVER_MEMORY=4g \
    JAVA_TOOL_OPTIONS="-Xlog:gc:file=$dir/gc-$label.%p.log" \
    "$root/jobs/paraglue" run --source_paths "$dir/live" --output_path "$dir/out" \
    --paragraph_table bench.paragraphs --documents_table bench.documents \
    --remove_missing true >"$dir/run-$label.log" 2>&1 || rc=$?
  read -r secs rss user sys < <(tail -n 1 "$dir/time-$label")
  # G1 lines read "... 812M->96M(1024M) ...": before and after each collection.
  read -r peak live < <(cat "$dir"/gc-"$label".*.log | grep -oE '[0-9]+M->[0-9]+M' |
    awk -F'M->|M' '{ if ($1 > p) p = $1; if ($2 > l) l = $2 } END { print p + 0, l + 0 }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$label" "$secs" "$user" "$sys" \
    "$((rss / 1024))" "$rc" "$peak" "$live" >>"$work/steady.tsv"
  printf 'bench: steady %-8s %-6s %8ss wall %8ss CPU  %6s MB RSS  heap peak %s MB  exit %s\n' \
    "$n" "$label" "$secs" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" \
    "$((rss / 1024))" "$peak" "$rc" >&2
}

table_bytes() { # SIZE TABLE -> bytes under the table's folder (data, deletes, metadata)
  du -sb "$work/steady-$1/home/warehouse/bench.db/$2" | cut -f1
}

# steady_check SIZE REFERENCE: documents/ byte-identical to the reference, and every document's
# rows in the paragraph table, reassembled in SQL, hash to the reference's bytes.
steady_check() {
  local n=$1 ref=$2 dir=$work/steady-$1 docs rows
  docs=$(if diff -r -q "$ref" "$dir/out/documents" >"$dir/diff"; then echo yes; else
    echo "NO ($(wc -l <"$dir/diff") differ)"; fi)
  PARAGLUE_HOME="$dir/home" "$root/jobs/paraglue" sql --json "SELECT doc_id, sha2(concat(concat_ws(
    '\n\n', transform(array_sort(collect_list(struct(paragraph_index, text))), p -> p.text)),
    '\n'), 256) AS h FROM bench.paragraphs GROUP BY doc_id" 2>"$dir/check-sql.log" |
    sed -n -E 's/^\{"doc_id":"(.*)","h":"([0-9a-f]+)"\}$/\2  \1/p' | sort >"$dir/table.sha"
  (cd "$ref" && find . -type f -size +0 -printf '%P\n' | sort | xargs -d '\n' sha256sum) |
    sort >"$dir/reference.sha"
  rows=$(if cmp -s "$dir/table.sha" "$dir/reference.sha"; then
    echo "yes ($(wc -l <"$dir/table.sha") documents)"; else
    echo "NO ($(comm -3 "$dir/table.sha" "$dir/reference.sha" | wc -l) differ)"; fi)
  printf '%s\t%s\t%s\n' "$n" "$docs" "$rows" >>"$work/steady-checks.tsv"
  echo "bench: steady $n documents identical: $docs; paragraph table: $rows" >&2
}

steady() { # SIZE: first run, one cycle of changes, checks
  local n=$1 dir=$work/steady-$1 base ref p0 d0 text
  base=$(corpus "$n" "$((n * steady_doc_bytes))")
  ref=$(reference "$base")
  rm -rf "$dir" && mkdir -p "$dir/lists" "$dir/changed"
  cp -al "$base" "$dir/live"
  PARAGLUE_HOME="$dir/home" "$root/jobs/paraglue" sql "CREATE DATABASE IF NOT EXISTS bench" >/dev/null 2>&1
  steady_run "$n" first
  p0=$(table_bytes "$n" paragraphs) d0=$(table_bytes "$n" documents)
  text=$(java "$bench/SteadyChange.java" --dir "$dir/live" --docs "$n" --out "$dir/lists")
  # The reference after the cycle: the first one, less the removed, plus the written ones anew.
  cp -al "$ref" "$dir/reference"
  xargs -a "$dir/lists/removed.txt" -d '\n' -I{} rm "$dir/reference/{}"
  (cd "$dir/live" && xargs -a "$dir/lists/written.txt" -d '\n' cp --parents -t "$dir/changed")
  java -Xmx1g "$bench/ReferenceSplit.java" "$dir/changed" "$dir/changed-reference" >&2
  (cd "$dir/changed-reference" && xargs -a "$dir/lists/written.txt" -d '\n' -I{} \
    sh -c 'rm -f "$1/{}"; cp --parents "{}" "$1"' _ "$dir/reference")
  steady_run "$n" cycle
  printf '%s\t%s\t%s\t%s\n' "$n" "$text" "$(($(table_bytes "$n" paragraphs) - p0))" \
    "$(($(table_bytes "$n" documents) - d0))" >>"$work/steady-bytes.tsv"
  { tr -d ' \n' <"$(ls -t "$dir"/out/_runs/*.json | head -n 1)" |
    grep -oE '"stage_(millis|process_cpu_millis)":\{[^}]*\}'
    grep -oE '(Rows of|Committed|Run .*: [0-9]+ listed).*' "$dir/run-cycle.log"; } |
    sed "s/^/$n cycle: /" >>"$work/steady-stages.txt" || true
  steady_check "$n" "$dir/reference"
}

steady_report() { # steady.tsv, steady-bytes.tsv, steady-checks.tsv -> steady.md
  {
    echo "| documents | run | wall s | CPU s (user+sys) | peak RSS MB | driver heap peak MB (before GC / after GC) | exit |"
    echo "|---|---|---|---|---|---|---|"
    awk -F'\t' '{ printf "| %s | %s | %s | %.1f | %s | %s / %s | %s |\n", $1, $2, $3, $4 + $5, $6, $8, $9, $7 }' \
      "$work/steady.tsv"
    echo
    echo "| documents | text bytes of new + changed | bytes written to the paragraph table | ratio | bytes written to the documents table |"
    echo "|---|---|---|---|---|"
    awk -F'\t' '{ printf "| %s | %s | %s | %.2f× | %s |\n", $1, $2, $3, $3 / $2, $4 }' "$work/steady-bytes.tsv"
    echo
    echo "| documents | documents/ identical to the reference after the cycle | paragraph table's rows reassembled = reference |"
    echo "|---|---|---|"
    awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$work/steady-checks.tsv"
    echo
    sed 's/^/    /' "$work/steady-stages.txt"
  } >"$work/steady.md"
  cat "$work/steady.md" >&2
}

# --- scenario samples (the driver's fixed costs, issue 17) ---------------------------------------
# samples_run LABEL EXPECTED: a timed jobs/paraglue run on the copy of the samples; its summary
# must contain EXPECTED (the documents line).
samples_run() {
  local label=$1 expected=$2 dir=$work/samples log
  log=$dir/run-$label.log
  measure "$label" paraglue "$(du -sb "$dir/copy" | cut -f1)" "$log" \
    env PARAGLUE_HOME="$dir/home" PARAGLUE_SAMPLES="$dir/copy" "$root/jobs/paraglue" run
  if grep -qF "$expected" "$log"; then
    printf '%s\tsummary\t%s\n' "$label" "yes: $expected" >>"$work/checks.tsv"
  else
    printf '%s\tsummary\t%s\n' "$label" "NO: expected '$expected' (see $log)" >>"$work/checks.tsv"
  fi
}

samples() { # a copy of the bundled samples, a first run, then one changed sample, then none
  local dir=$work/samples i
  for ((i = 1; i <= repeat; i++)); do
    echo "bench: samples round $i of $repeat" >&2
    rm -rf "$dir" && mkdir -p "$dir"
    cp -r "$root/jobs/samples" "$dir/copy"
    samples_run samples-first "10 listed, 0 unchanged, 9 processed, 1 rejected"
    printf '\nA paragraph added by the benchmark, round %s.\n' "$i" \
      >>"$dir/copy/dt=2026-11-02/german-and-french.md"
    samples_run samples "10 listed, 9 unchanged, 1 processed, 0 rejected"
    samples_run samples-unchanged "10 listed, 10 unchanged, 0 processed, 0 rejected"
  done
}
# --- end of scenario samples ----------------------------------------------------------------------

# --- s3lat: small objects on S3Mock, read straight and through a proxy adding 20 ms -------------
s3lat_pids=()
s3lat_stop() {
  local p
  for p in "${s3lat_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  s3lat_pids=()
}
trap s3lat_stop EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The corpus goes straight into S3Mock's on-disk store, written once and kept (S3MockStore.java says
# why not through S3Mock's API), spread over --s3lat-buckets buckets: S3Mock parses a bucket's whole
# key list on every request, so a bucket of 20,000 keys would make S3Mock itself the slow part.
s3lat_start() { # corpus -> S3Mock on $s3lat_port serving it, the proxy on $s3lat_proxy, $s3lat_roots
  local dir=$work/s3lat jar i line store
  jar=$(find "$root/target/s3mock" ~/.m2/repository/com/adobe/testing/s3mock -name 's3mock-*-exec.jar' \
    2>/dev/null | head -n 1 || true)
  if [[ -z $jar ]]; then
    echo "bench: Cannot run s3lat: no S3Mock exec jar in target/s3mock or ~/.m2 (run mvn verify once)" >&2
    exit 2
  fi
  store=$dir/store-$(basename "$1")-$s3lat_buckets
  if [[ ! -f $store.done ]]; then
    rm -rf "$store"
    java -Xmx1g "$bench/S3MockStore.java" "$store" "$1" "$s3lat_buckets" >/dev/null
    touch "$store.done"
  fi
  s3lat_roots=$(cd "$store" && ls -d s3lat-* | sed 's|^|s3://|; s|$|/|' | paste -sd, -)
  s3lat_port=$(free_port)
  java -Xmx1g -jar "$jar" --http.port="$s3lat_port" --server.port=0 --server.address=127.0.0.1 \
    --com.adobe.testing.s3mock.store.root="$store" \
    --com.adobe.testing.s3mock.store.retain-files-on-exit=true \
    --logging.level.root=WARN >"$dir/s3mock.log" 2>&1 &
  s3lat_pids+=($!)
  for ((i = 0; i < 1500; i++)); do
    curl -sf -o /dev/null "http://127.0.0.1:$s3lat_port/s3lat-000?max-keys=1" && break
    sleep 0.2
  done
  coproc proxy { exec java -Xmx256m "$bench/DelayProxy.java" --listen 0 \
    --to "127.0.0.1:$s3lat_port" --delay-ms 20; }
  s3lat_pids+=("$proxy_PID")
  read -r line <&"${proxy[0]}"
  s3lat_proxy=${line#ready }
}

s3lat_proxy_stats() { # -> what the proxy counted since it was last asked
  local line=proxy-gone
  if [[ -n ${proxy_PID:-} ]] && kill -0 "$proxy_PID" 2>/dev/null; then
    { echo >&"${proxy[1]}" && read -r -t 10 line <&"${proxy[0]}"; } 2>/dev/null || line=proxy-gone
  fi
  echo "$line"
}

s3lat_stage() { # report key stage -> the stage's seconds
  tr -d ' \n' <"$1" | grep -oE "\"$2\":\\{[^}]*\\}" | grep -oE "\"$3\":[0-9]+" | grep -oE '[0-9]+$' |
    awk '{ printf "%.1f", $1 / 1000 }'
}

s3lat_run() { # label port [readAhead]: one timed run over every bucket; a row in s3lat.tsv
  local label=$1 home=$work/home-s3lat-$1 out=$work/out-s3lat-$1 rc=0 secs user sys cpu report load
  local stats=- same
  rm -rf "$home" "$out"
  PARAGLUE_HOME="$home" "$root/jobs/paraglue" sql "CREATE DATABASE IF NOT EXISTS bench" >/dev/null 2>&1
  [[ $2 == "$s3lat_proxy" ]] && s3lat_proxy_stats >/dev/null
  sync
  load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%e %U %S" -o "$work/time-s3lat" \
    env PARAGLUE_HOME="$home" PARAGLUE_S3_ENDPOINT="http://127.0.0.1:$2" AWS_ACCESS_KEY_ID=bench \
    AWS_SECRET_ACCESS_KEY=bench ${3:+JAVA_TOOL_OPTIONS=-Dspark.paraglue.readAhead=$3} \
    "$root/jobs/paraglue" run --source_paths "$s3lat_roots" \
    --output_path "$out" --paragraph_table bench.paragraphs --documents_table bench.documents \
    >"$work/paraglue-s3lat-$label.log" 2>&1 || rc=$?
  [[ $2 == "$s3lat_proxy" ]] && stats=$(s3lat_proxy_stats)
  read -r secs user sys < <(tail -n 1 "$work/time-s3lat")
  report=$(ls -t "$out"/_runs/*.json 2>/dev/null | head -n 1)
  cpu=$(tr -d ' \n' <"$report" | grep -oE '"stage_process_cpu_millis":\{[^}]*\}' | grep -oE '[0-9]+' |
    awk '{ t += $1 } END { print t / 1000 }')
  same=$(diff -r -q "$s3lat_ref" "$out/documents" >/dev/null 2>&1 && echo yes || echo NO)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$secs" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$cpu" \
    "$(s3lat_stage "$report" stage_millis resolve)" "$(s3lat_stage "$report" stage_millis read_explode_commit)" \
    "$load" "$stats" "$same" "$rc" "${3:-default}" >>"$work/s3lat.tsv"
  echo "bench: s3lat $label ${secs}s wall, $user+$sys s CPU, stages ${cpu}s CPU, load $load," \
    "proxy: $stats, identical: $same, exit $rc" >&2
}

s3lat_median() { # label -> the median wall seconds of its runs
  awk -F'\t' -v l="$1" '$1 == l { print $2 }' "$work/s3lat.tsv" | sort -n |
    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

s3lat() { # the scenario: rounds of a straight run and proxied runs, each checked; s3lat.md
  local c i d l ra label labels=()
  c=$(corpus "$s3lat_docs" "$((s3lat_docs * 2454))")
  s3lat_ref=$(reference "$c")
  : >"$work/s3lat.tsv"
  trap '' PIPE # a proxy gone makes its row say so, not the harness stop without a word
  s3lat_start "$c"
  s3lat_ras=("")
  [[ -z $s3lat_read_ahead ]] || IFS=, read -r -a s3lat_ras <<<"$s3lat_read_ahead"
  for ((i = 1; i <= repeat; i++)); do
    echo "bench: s3lat round $i of $repeat" >&2
    # The first run after S3Mock starts meets it cold (its JIT, the page cache): direct leads odd
    # rounds and follows the delayed runs in even ones, so --repeat 2 or more balances that.
    ((i % 2 == 0)) || s3lat_run direct "$s3lat_port"
    for ra in "${s3lat_ras[@]}"; do
      label=delayed${ra:+-ra$ra}
      ((i > 1)) || labels+=("$label")
      s3lat_run "$label" "$s3lat_proxy" "$ra"
    done
    ((i % 2 == 1)) || s3lat_run direct "$s3lat_port"
  done
  s3lat_stop
  {
    echo "$s3lat_docs documents of ~2.4 KB (like tiny) in $s3lat_buckets buckets on S3Mock; direct: to"
    echo "S3Mock; delayed: through DelayProxy, 20 ms before each response (raN: spark.paraglue.readAhead=N,"
    echo "else its default). Command: $command_line, on $(git -C "$root" rev-parse --short HEAD)."
    echo "Load: the 1-minute load average just before each run (2 cores)."
    echo
    echo "| run | wall s | CPU s (user+sys) | stages' CPU s | resolve wall s | read_explode_commit wall s | load | proxy | identical | exit | readAhead |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
      $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$work/s3lat.tsv"
    echo
    d=$(s3lat_median direct)
    for label in "${labels[@]}"; do
      l=$(s3lat_median "$label")
      echo "- medians: direct $d s, $label $l s: $(awk -v d="$d" -v l="$l" 'BEGIN { printf "%.2f", l / d }')×" \
        "(target ≤ 1.5×)"
    done
  } >"$work/s3lat.md"
  cat "$work/s3lat.md" >&2
}
# --- end s3lat ---

# --- scenario maintain (issue 14): many small runs, then maintain ---------------------------------
# maintain_sql QUERY: the query's rows as JSON lines on the scenario's home.
maintain_sql() {
  PARAGLUE_HOME="$work/maintain/home" "$root/jobs/paraglue" sql --json "$1" 2>>"$work/maintain/sql.log"
}

# maintain_state LABEL: the paragraph table's files by kind and the hashes of every query's answer.
maintain_state() {
  local dir=$work/maintain
  {
    echo "$1 files: $(maintain_sql "SELECT content, count(*) AS files, sum(file_size_in_bytes) AS bytes
      FROM bench.paragraphs.files GROUP BY content ORDER BY content" | tr '\n' ' ')"
    echo "$1 snapshots: $(maintain_sql "SELECT count(*) AS n FROM bench.paragraphs.snapshots")"
    echo "$1 paragraphs: $(maintain_sql "SELECT doc_id, paragraph_index, text FROM bench.paragraphs
      ORDER BY doc_id, paragraph_index" | sha256sum | cut -c1-16) (hash of every row)"
    echo "$1 documents: $(maintain_sql "SELECT * FROM bench.documents ORDER BY doc_id" |
      sha256sum | cut -c1-16) (hash of every row)"
  } | tee -a "$dir/state.txt" >&2
}

maintain_scenario() { # a first run, --maintain-runs small runs (2 new, 1 changed, every 5th 1 removed), maintain
  local dir=$work/maintain base i f rc=0
  base=$(corpus "$maintain_docs" "$((maintain_docs * steady_doc_bytes))")
  rm -rf "$dir" && mkdir -p "$dir" && cp -r "$base" "$dir/live"
  : >"$dir/state.txt"
  PARAGLUE_HOME="$dir/home" "$root/jobs/paraglue" sql "CREATE DATABASE IF NOT EXISTS bench" >/dev/null 2>&1
  mapfile -t files < <(cd "$dir/live" && find . -type f -name '*.txt' | sort)
  for ((i = 0; i <= maintain_runs; i++)); do
    if ((i > 0)); then
      printf 'New document %s a.\n\nIts second paragraph.\n' "$i" >"$dir/live/new-$i-a.txt"
      printf 'New document %s b.\n' "$i" >"$dir/live/new-$i-b.txt"
      f=$dir/live/${files[$((i * 7 % ${#files[@]}))]}
      printf '\nA paragraph added by run %s.\n' "$i" >>"$f"
      if ((i % 5 == 0)); then rm -f "$dir/live/${files[$((i * 13 % ${#files[@]}))]}"; fi
    fi
    PARAGLUE_HOME="$dir/home" "$root/jobs/paraglue" run --source_paths "$dir/live" \
      --output_path "$dir/out" --paragraph_table bench.paragraphs --documents_table bench.documents \
      --remove_missing true >"$dir/run-$i.log" 2>&1 || rc=$?
    if ((rc != 0)); then
      echo "bench: maintain run $i failed (exit $rc): see $dir/run-$i.log" >&2
      exit 1
    fi
  done
  maintain_state before
  /usr/bin/time -f "%e %U %S" -o "$dir/time-maintain" env PARAGLUE_HOME="$dir/home" \
    "$root/jobs/paraglue" maintain --paragraph_table bench.paragraphs \
    --documents_table bench.documents >"$dir/maintain.log" 2>&1
  maintain_state after
  echo "maintain: $(awk '{ printf "%s s wall, %.1f CPU-s", $1, $2 + $3 }' "$dir/time-maintain")" |
    tee -a "$dir/state.txt" >&2
  if [[ $(grep -c ' paragraphs: \| documents: ' "$dir/state.txt") == 4 ]] &&
    diff <(sed -n 's/^before \(paragraphs\|documents\)/\1/p' "$dir/state.txt") \
      <(sed -n 's/^after \(paragraphs\|documents\)/\1/p' "$dir/state.txt") >/dev/null; then
    echo "every query's answer the same before and after maintain: yes" | tee -a "$dir/state.txt" >&2
  else
    echo "every query's answer the same before and after maintain: NO" | tee -a "$dir/state.txt" >&2
  fi
  cp "$dir/state.txt" "$work/maintain.md"
}
# --- end of scenario maintain ---------------------------------------------------------------------

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
    tiny)
      c=$(corpus "$tiny_docs" "$tiny_size")
      rounds tiny "$c" "$(to_bytes "$tiny_size")" 4g
      ;;
    samples) samples ;;
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
    steady)
      : >"$work/steady.tsv" && : >"$work/steady-bytes.tsv" && : >"$work/steady-checks.tsv"
      : >"$work/steady-stages.txt"
      IFS=, read -r -a sizes <<<"$steady_docs"
      for n in "${sizes[@]}"; do
        steady "$n"
      done
      steady_report
      ;;
    s3lat) s3lat ;;
    maintain) maintain_scenario ;;
    jmh)
      # The splitter alone under JMH, --repeat forks per input, checked against the reference.
      echo "bench: jmh, $repeat fork(s) per input" >&2
      "$bench/jmh.sh" -p text=ascii,cjk -f "$repeat" >"$work/jmh.log" 2>&1 \
        || { tail -n 20 "$work/jmh.log" >&2; exit 1; }
      { echo "command: $command_line"; echo; grep -E '^(splitter|reference check)' "$work/jmh.log"; } \
        >"$work/jmh.md"
      cat "$work/jmh.md" >&2
      ;;
    *) echo "bench: unknown scenario $s" >&2; exit 2 ;;
  esac
done
if [[ ! -s $results ]]; then
  echo "bench: steady/s3lat/maintain/jmh only: RESULTS.md left as it is; the tables are in $work/{steady,s3lat,maintain,jmh}.md" >&2
  exit 0
fi

java "$bench/Report.java" "$results" "$work/checks.tsv" "$root/jobs/bench/RESULTS.md" "$command_line" \
  "$work/failures.tsv"
echo "bench: wrote jobs/bench/RESULTS.md" >&2
