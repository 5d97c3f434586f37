#!/usr/bin/env bash
# The performance report (`tools/dev perf`): writes docs/PERFORMANCE.md.
#
# On loopback, one core for the server (cpu0) and one for the load (cpu1):
#   1. `bidline serve`, one shard, with a realistic book (perf_config_gen:
#      1,000 line items, ~10 eligible per request, a 100-tree depth-6 click
#      model trained by `bidline train`, pacing on) under wrk POSTing
#      ~1.6 KB OpenRTB requests built from Prebid's fixtures
#      (perf/make_requests.py);
#   2. nginx, one worker, answering the same load with a fixed bid-sized
#      body: the baseline of what loopback HTTP can do on this machine;
#   3. the in-process bid decision on the same config and requests
#      (perf_bid_path_probe), with its heap allocations per request;
#   4. VmRSS of serve with 10,000 line items;
#   5. changes under load (perf/stalls.sh): p99 while click models swap, the
#      config reloads and the optimizer runs, against quiet phases;
#   6. overload (perf/overload.sh): the sustainable open-loop rate S, then
#      0.8 S, S and 2 S: decided answers, their p99, sheds, RSS;
#   7. feed ingestion (bench/event_stream_bench, and `bidline stream` into
#      the running engine) and replay rates (bench/replay_bench, `bidline
#      replay`): the existing tools, run as they are.
# Every figure of the report comes from this one run (the steps append
# key=value lines to DIR/results; report.py renders them). It prints its
# figures and exits non-zero if a component is missing or a step fails.
# About eight minutes with the defaults (most of it in steps 5 and 6).
#
# usage: perf/run.sh [--without-model] [BUILD_DIR]     (default BUILD_DIR: build)
#   --without-model   leave the [models] table out of the engine's config
#                     (for an engine that does not read it yet)
# Environment: PERF_DURATION (s of measured load per server, default 20),
# PERF_WARMUP (s, default 5), PERF_CONNECTIONS (default 64),
# PERF_STALLS_PHASE (s per stalls.sh phase, 5 phases, default 40),
# PERF_OVERLOAD_DURATION (s per overload.sh run at 0.8 S, S and 2 S, default 20),
# PERF_OVERLOAD_STEP (s per rate step while overload.sh looks for S, default 3),
# PERF_REPORT (default docs/PERFORMANCE.md), BIDLINE_DATA (default ../shared/data),
# PERF_NOTE (a paragraph of Markdown printed under the report's header),
# PERF_KEEP=1 (keep the scratch directory: `report.py write DIR/results` re-renders).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=build
with_model=1
for arg in "$@"; do
  case $arg in
    --without-model) with_model=0 ;;
    -h|--help) sed -n '2,37p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "perf/run.sh: unknown option $arg" >&2; exit 2 ;;
    *) build=$arg ;;
  esac
done
cd "$root"
duration=${PERF_DURATION:-20}
warmup=${PERF_WARMUP:-5}
connections=${PERF_CONNECTIONS:-64}
stalls_phase=${PERF_STALLS_PHASE:-40}
overload_duration=${PERF_OVERLOAD_DURATION:-20}
overload_step=${PERF_OVERLOAD_STEP:-3}
report=${PERF_REPORT:-docs/PERFORMANCE.md}
data=${BIDLINE_DATA:-$root/../shared/data}

say() { printf '\033[1m[perf %d:%02d]\033[0m %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }  # elapsed m:ss
die() { printf '\033[1;31m[perf] FAILED:\033[0m %s\n' "$*" >&2; exit 1; }

# --- Everything needed is there, or stop now -------------------------------
bin=$build/bidline
for f in "$bin" "$build/perf/perf_config_gen" "$build/perf/perf_bid_path_probe" \
         "$build/bench/event_stream_bench" "$build/bench/replay_bench"; do
  [ -x "$f" ] || die "$f is missing: ninja -C $build bidline perf_config_gen perf_bid_path_probe event_stream_bench replay_bench"
done
for tool in nginx wrk taskset curl python3 c++; do  # c++: stalls.sh and overload.sh build their load tool
  command -v "$tool" >/dev/null || die "$tool is not installed (tools/dev setup installs it)"
done
[ -d "$data/prebid-requests" ] || die "no request fixtures at $data/prebid-requests (set BIDLINE_DATA)"
[ "$(nproc)" -ge 2 ] || die "needs two CPUs (server on cpu0, load on cpu1); this machine has $(nproc)"

out=$(mktemp -d /tmp/bidline-perf.XXXXXX)
results=$out/results
servers=()
stop_servers() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  servers=()
}
# A failed run keeps its scratch directory (logs, configs, wrk output) for a look.
trap 'rc=$?; stop_servers; if [ $rc -eq 0 ] && [ -z "${PERF_KEEP:-}" ]; then rm -rf "$out"; else echo "[perf] kept $out" >&2; fi' EXIT

put() { echo "$1=$2" >> "$results"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {  # URL PID LOG SECONDS: until URL answers; dies if PID exits or SECONDS pass
  local url=$1 pid=$2 log=$3 deadline=$((SECONDS + $4))
  until curl -sf -o /dev/null "$url"; do
    kill -0 "$pid" 2>/dev/null || { tail -5 "$log" >&2; die "the server for $url exited"; }
    [ $SECONDS -lt "$deadline" ] || { tail -5 "$log" >&2; die "nothing answers at $url after $4 s"; }
    sleep 0.1
  done
}
# CPU seconds (user + system) used so far by the processes PID... and their children.
cpu_seconds() {
  local pids=("$@") p
  for p in "$@"; do pids+=($(cat /proc/"$p"/task/*/children 2>/dev/null)); done
  cat $(printf '/proc/%s/task/*/stat ' "${pids[@]}") 2>/dev/null |
    awk '{ sub(/.*\) /, ""); t += $12 + $13 } END { printf "%.2f\n", t / 100 }'  # utime+stime, USER_HZ 100
}
# load NAME PORT PID: warm-up, then the measured wrk run pinned on cpu1; its figures, and the
# server's CPU time per request, become NAME_* results.
load() {
  local name=$1 url=http://127.0.0.1:$2 pid=$3
  taskset -c 1 wrk -t1 -c"$connections" -d"${warmup}s" -s perf/bid_requests.lua "$url" -- "$out/requests.ndjson" \
    > /dev/null || die "wrk failed against $name"
  local cpu_before
  cpu_before=$(cpu_seconds "$pid")
  cat /proc/"$pid"/task/*/stat > "$out/threads-$name-before.txt"
  taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" -s perf/bid_requests.lua "$url" -- "$out/requests.ndjson" \
    > "$out/wrk-$name.txt" || die "wrk failed against $name"
  local cpu_after line
  cpu_after=$(cpu_seconds "$pid")
  cat /proc/"$pid"/task/*/stat > "$out/threads-$name-after.txt"
  line=$(grep '^wrk_result ' "$out/wrk-$name.txt") || die "wrk printed no result for $name"
  say "$name: ${line#wrk_result }"
  for kv in ${line#wrk_result }; do put "${name}_${kv%%=*}" "${kv#*=}"; done
  put "${name}_cpu_s" "$(awk "BEGIN { print $cpu_after - $cpu_before }")"
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

# --- Machine and build ------------------------------------------------------
git_state() { echo "$(git -C "$1" rev-parse --short HEAD)$( [ -z "$(git -C "$1" status --porcelain --untracked-files=no)" ] || echo ' + uncommitted changes')"; }
# The commit is that of the sources the binaries were built from; the scripts' own if they differ.
source_dir=$(sed -n 's/^CMAKE_HOME_DIRECTORY:[A-Z]*=//p' "$build/CMakeCache.txt")
put commit "$(git_state "${source_dir:-$root}")"
[ "${source_dir:-$root}" -ef "$root" ] || put perf_commit "$(git_state "$root") (perf/ scripts, in $root; binaries from $source_dir)"
put date "$(date -u +%FT%TZ)"
put cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) ($(nproc) CPUs)"
compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
put compiler "$("${compiler:-c++}" --version | head -1)"
put build_type "$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")"
put kernel "$(uname -r)"
put nginx "$(nginx -v 2>&1 | sed 's/^nginx version: nginx.//')"
put wrk "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
put load_before "$(cut -d' ' -f1-3 /proc/loadavg)"
put duration_s "$duration"
put warmup_s "$warmup"
put connections "$connections"
put with_model "$with_model"
put note "${PERF_NOTE:-}"
put build_dir "$build"

# --- Inputs: requests, model, configurations -------------------------------
say "requests from $data/prebid-requests"
line=$(python3 perf/make_requests.py --data "$data" --count 2000 --seed 1 --out "$out/requests.ndjson")
say "$line"
put requests_summary "${line#make_requests.py: }"

say "click model: bidline gen + bidline train --rounds 100 --depth 6"
"$bin" gen --hours 24 --requests 100000 --seed 5 --out "$out/market.ndjson" 2>/dev/null
if [ "$with_model" = 1 ]; then
  "$bin" train --log "$out/market.ndjson" --target click --rounds 100 --depth 6 --min-child-weight 1 \
    --out "$out/ctr" > "$out/train.txt" 2>&1 || { cat "$out/train.txt" >&2; die "bidline train failed"; }
  trees=$(python3 perf/report.py model-shape "$out/ctr/model.json") || die "cannot read $out/ctr/model.json"
  say "model: $trees"
  put model "$trees"
  model_args=(--click-model "$out/ctr")
else
  say "WITHOUT the click model (--without-model): the [models] table is left out of the config"
  put model "none (run with --without-model)"
  model_args=()
fi
"$build/perf/perf_config_gen" --line-items 1000 "${model_args[@]}" --out "$out/perf.toml"
"$build/perf/perf_config_gen" --line-items 10000 "${model_args[@]}" --out "$out/perf10k.toml"
# (perf10k.toml is checked by the serve that loads it: loading 10,000 line items takes a while.)
"$bin" serve --check-config "$out/perf.toml" >&2 || die "$out/perf.toml is not a valid configuration"

# --- In-process bid decision ------------------------------------------------
say "in-process bid path (perf_bid_path_probe, cpu0)"
taskset -c 0 "$build/perf/perf_bid_path_probe" --config "$out/perf.toml" --requests "$out/requests.ndjson" \
  --data-dir "$out/probe-data" --rounds 20 > "$out/probe.txt" || die "perf_bid_path_probe failed"
while IFS='=' read -r k v; do put "inproc_$k" "$v"; done < "$out/probe.txt"
say "$(grep -E '^(p50|p99)_us|^eligible_mean|^allocations' "$out/probe.txt" | tr '\n' ' ')"
if [ "$with_model" = 1 ]; then  # the same book without [models]: what scoring costs
  "$build/perf/perf_config_gen" --line-items 1000 --out "$out/perf-nomodel.toml" 2>/dev/null
  taskset -c 0 "$build/perf/perf_bid_path_probe" --config "$out/perf-nomodel.toml" --requests "$out/requests.ndjson" \
    --data-dir "$out/probe-nomodel-data" --rounds 20 > "$out/probe-nomodel.txt" || die "perf_bid_path_probe failed"
  while IFS='=' read -r k v; do put "nomodel_$k" "$v"; done < "$out/probe-nomodel.txt"
  say "without the model: $(grep -E '^(p50|p99)_us' "$out/probe-nomodel.txt" | tr '\n' ' ')"
fi

# --- The engine under load --------------------------------------------------
port=$(free_port)
stream_port=$(free_port)
say "bidline serve on cpu0 (1 shard, port $port) under wrk on cpu1: ${connections} connections, ${duration} s"
taskset -c 0 "$bin" serve --config "$out/perf.toml" --shards 1 --host 127.0.0.1 --port "$port" \
  --stream-port "$stream_port" --data-dir "$out/engine-data" > "$out/engine.log" 2>&1 &
engine=$!
servers+=("$engine")
wait_http "http://127.0.0.1:$port/healthz" "$engine" "$out/engine.log" 60
load engine "$port" "$engine"
python3 perf/report.py thread-cpu "$out/threads-engine-before.txt" "$out/threads-engine-after.txt" >> "$results"
sleep 0.6  # one control tick, so that /v1/stats counts the last requests
curl -sf "http://127.0.0.1:$port/v1/stats" > "$out/engine-stats.json" || die "no /v1/stats"
python3 perf/report.py bid-mix "$out/engine-stats.json" >> "$results"
put engine_rss_kb "$(rss_kb "$engine")"
put engine_hwm_kb "$(hwm_kb "$engine")"

say "bidline stream: 200,000 win events into the running engine"
python3 - "$out/events.ndjson" <<'PY'
import sys, time
ts = int(time.time() * 1000)
with open(sys.argv[1], "w") as f:
    for i in range(200_000):
        f.write(f'{{"type":"win","event_id":"perf{i}","bid_id":"{0x6000000000000000 + i:016x}",'
                f'"line_item":"li-0","price":1.0,"ts":{ts}}}\n')
PY
start=$(date +%s.%N)
taskset -c 1 "$bin" stream --to "127.0.0.1:$stream_port" --name perf "$out/events.ndjson" > "$out/stream.txt" 2>&1 \
  || { cat "$out/stream.txt" >&2; die "bidline stream failed"; }
end=$(date +%s.%N)
put stream_cli_events_per_s "$(python3 -c "print(round(200000 / ($end - $start)))")"
put stream_cli_result "$(tail -1 "$out/stream.txt")"
stop_servers

# --- nginx, the loopback baseline --------------------------------------------
port=$(free_port)
mkdir -p "$out/nginx/logs"
sed "s/@PORT@/$port/" perf/nginx.conf > "$out/nginx/nginx.conf"
say "nginx on cpu0 (1 worker, port $port), same load"
taskset -c 0 nginx -p "$out/nginx" -c "$out/nginx/nginx.conf" > "$out/nginx.log" 2>&1 &
nginx_pid=$!
servers+=("$nginx_pid")
wait_http "http://127.0.0.1:$port/" "$nginx_pid" "$out/nginx.log" 30
put nginx_body_bytes "$(curl -s -X POST --data-binary x "http://127.0.0.1:$port/openrtb2/bid" | wc -c)"
load nginx "$port" "$nginx_pid"
stop_servers

# --- Memory with 10,000 line items --------------------------------------------
port=$(free_port)
say "bidline serve with 10,000 line items: start-up time, VmRSS after ${warmup} s of load"
start=$SECONDS
taskset -c 0 "$bin" serve --config "$out/perf10k.toml" --shards 1 --host 127.0.0.1 --port "$port" \
  --data-dir "$out/engine10k-data" > "$out/engine10k.log" 2>&1 &
engine=$!
servers+=("$engine")
wait_http "http://127.0.0.1:$port/healthz" "$engine" "$out/engine10k.log" 300
put rss10k_start_s $((SECONDS - start))
put rss10k_idle_kb "$(rss_kb "$engine")"
taskset -c 1 wrk -t1 -c"$connections" -d"${warmup}s" -s perf/bid_requests.lua "http://127.0.0.1:$port" \
  -- "$out/requests.ndjson" > "$out/wrk-10k.txt" || die "wrk failed against the 10,000-line-item engine"
put rss10k_kb "$(rss_kb "$engine")"
put rss10k_hwm_kb "$(hwm_kb "$engine")"
put rss10k_rps "$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' "$out/wrk-10k.txt")"
stop_servers

# --- Changes under load, and overload: their own scripts ------------------------
# Each starts its own engine and appends stalls.* / overload.* lines to the results.
# step NAME LOG COMMAND...: runs a script's step; on failure, its log's tail and stop.
step() {
  local name=$1 log=$2; shift 2
  PERF_RESULTS=$results BIDLINE_DATA=$data "$@" > "$out/$name.md" 2> "$log" \
    || { tail -5 "$log" >&2; die "perf/$name.sh failed (log: $log)"; }
}
say "perf/stalls.sh: p99 while models swap, the config reloads, the optimizer runs (5 phases of ${stalls_phase} s)"
PERF_DURATION=$stalls_phase step stalls "$out/stalls.log" perf/stalls.sh "$build"
say "$(grep '^p99 against quiet' "$out/stalls.md")"

say "perf/overload.sh: the sustainable rate S, then 0.8 S, S and 2 S for ${overload_duration} s each"
PERF_STEP_S=$overload_step step overload "$out/overload.log" perf/overload.sh "$build" "$overload_duration"
say "$(grep 'sustainable open-loop rate' "$out/overload.md")"

# --- Feed ingestion and replay: the existing benchmarks ------------------------
say "bench/event_stream_bench (500,000 stream events, 50,000 over HTTP)"
BIDLINE_STREAM_BENCH_EVENTS=500000 "$build/bench/event_stream_bench" --benchmark_out="$out/stream-bench.json" \
  --benchmark_out_format=json > "$out/stream-bench.txt" 2>&1 || { cat "$out/stream-bench.txt" >&2; die "event_stream_bench failed"; }
python3 perf/report.py bench-counters "$out/stream-bench.json" feed events/s >> "$results"

say "bench/replay_bench (1,000,000 three-column rows, 200,000 NDJSON rows)"
"$build/bench/replay_bench" --benchmark_out="$out/replay-bench.json" --benchmark_out_format=json \
  > "$out/replay-bench.txt" 2>&1 || { cat "$out/replay-bench.txt" >&2; die "replay_bench failed"; }
python3 perf/report.py bench-counters "$out/replay-bench.json" replay rows_per_s >> "$results"

say "bidline replay: 100,000 NDJSON rows, one process"
start=$(date +%s.%N)
taskset -c 0 "$bin" replay --input "$out/market.ndjson" --budget 300 --strategy manual_cpm --bid 1.5 --pacing even \
  --out "$out/replay.json" > /dev/null 2>&1 || die "bidline replay failed"
end=$(date +%s.%N)
put replay_cli_rows_per_s "$(python3 -c "print(round(100000 / ($end - $start)))")"

put load_after "$(cut -d' ' -f1-3 /proc/loadavg)"
put run_s "$SECONDS"
python3 perf/report.py write "$results" > "$report"
say "wrote $report"
sed -n '/^## Summary/,/^## /p' "$report" | sed '$d'
