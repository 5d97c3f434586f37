#!/usr/bin/env bash
# Does changing the engine under load stall it? (issue 8: config reloads,
# model swaps and optimizer runs during load must not raise p99 by more
# than 20%.)
#
# One shard on cpu0 serving the perf book (perf_config_gen: 1,000 line
# items, a 100-tree depth-6 click model), the open-loop load tool
# (perf/overload_load.cc) on cpu1 at half the closed-loop capacity, one
# ~1.6 KB request from perf/make_requests.py. Phases of PERF_DURATION
# seconds each at the same offered rate:
#   quiet        nothing changes (measured first and last: the noise band)
#   model swaps  POST /v1/models/click/activate, versions 1 and 2 in turn, every second
#   reloads      the config file rewritten (another CPM on line item 0) and SIGHUP, every second
#   optimizer    POST /v1/optimizer/run every second (a refit on the engine's daily series)
# (Once a second is far more often than production changes anything; the
# engine's every thread shares cpu0 with the shard, as in the perf report.)
# Prints one Markdown table: decided-answer latency p50 / p99 / max per
# phase, and p99 against the mean of the two quiet phases. With
# PERF_RESULTS=FILE it also appends its figures to FILE as stalls.* key=value
# lines (perf/run.sh renders them in docs/PERFORMANCE.md).
#
# usage: perf/stalls.sh [BUILD_DIR]      (default build; needs bidline, perf_config_gen)
# Environment: PERF_DURATION (s per phase, default 10), PERF_CHURN_S (s between
# changes, default 1), BIDLINE_DATA (../shared/data), PERF_RESULTS.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
DURATION=${PERF_DURATION:-10}
CHURN_S=${PERF_CHURN_S:-1}
DATA=${BIDLINE_DATA:-$ROOT/../shared/data}
RESULTS=${PERF_RESULTS:-}
OUT=$(mktemp -d /tmp/bidline-stalls.XXXXXX)
trap '[[ -n ${ENGINE_PID:-} ]] && kill "$ENGINE_PID" 2>/dev/null; [[ -n ${CHURN_PID:-} ]] && kill "$CHURN_PID" 2>/dev/null; rm -rf "$OUT"' EXIT
for f in "$BUILD/bidline" "$BUILD/perf/perf_config_gen"; do
  [[ -x $f ]] || { echo "perf/stalls.sh: $f is missing: ninja -C $BUILD bidline perf_config_gen" >&2; exit 1; }
done
c++ -O2 -std=c++20 -pthread "$HERE/overload_load.cc" -o "$OUT/overload_load"

put() { [[ -z $RESULTS ]] || echo "stalls.$1=$2" >> "$RESULTS"; }
put_load() {  # KEY JSON: one overload_load result as stalls.KEY.* lines
  [[ -z $RESULTS ]] || python3 "$HERE/report.py" load-json "stalls.$1" <<< "$2" >> "$RESULTS"
}

# Inputs: two click models (the swap alternates them), the book, a request.
"$BUILD/bidline" gen --hours 24 --requests 60000 --seed 5 --out "$OUT/market.ndjson" 2>/dev/null
for v in a:100:6 b:60:5; do
  IFS=: read -r name rounds depth <<< "$v"
  "$BUILD/bidline" train --log "$OUT/market.ndjson" --target click --rounds "$rounds" --depth "$depth" \
    --out "$OUT/ctr-$name" > /dev/null 2>&1
done
"$BUILD/perf/perf_config_gen" --line-items 1000 --click-model "$OUT/ctr-a" --out "$OUT/perf.toml" 2>/dev/null
python3 "$HERE/make_requests.py" --data "$DATA" --count 1 --seed 1 --out "$OUT/requests.ndjson" > /dev/null
head -1 "$OUT/requests.ndjson" > "$OUT/body.json"
# The reload alternates the book with a copy whose first CPM differs.
python3 - "$OUT/perf.toml" "$OUT/perf-b.toml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(re.sub(r"(?m)^cpm = ([0-9.]+)$", lambda m: f"cpm = {float(m.group(1)) + 0.01:.2f}", text, count=1))
PY
cp "$OUT/perf.toml" "$OUT/live.toml"

taskset -c 0 "$BUILD/bidline" serve --config "$OUT/live.toml" --shards 1 --port 0 --data-dir "$OUT/data" \
  --optimizer-interval 86400 > "$OUT/engine.log" 2>&1 &
ENGINE_PID=$!
for _ in $(seq 400); do grep -aq 'listening on http://' "$OUT/engine.log" && break; sleep 0.05; done
PORT=$(grep -ao 'listening on http://[^ ]*' "$OUT/engine.log" | head -1 | sed 's/.*://; s#/##')
[[ -n $PORT ]] || { cat "$OUT/engine.log" >&2; exit 1; }
curl -sf -XPOST "127.0.0.1:$PORT/v1/models/click/versions" -d "{\"path\":\"$OUT/ctr-b\"}" > /dev/null

load() { taskset -c 1 "$OUT/overload_load" --port "$PORT" --body "$OUT/body.json" --connections 16 "$@"; }
load --rate 0 --depth 4 --duration 2 --warmup 1 > /dev/null  # warm-up
closed=$(load --rate 0 --depth 4 --duration 3 --warmup 0.5 | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["decided_per_s"]))')
RATE=$((closed / 2))

churn() {  # what to change every CHURN_S seconds until killed
  local i=0
  while true; do
    case $1 in
      swaps) curl -s -XPOST "127.0.0.1:$PORT/v1/models/click/activate" -d "{\"version\":$((i % 2 + 1))}" > /dev/null ;;
      reloads) cp "$OUT/$([[ $((i % 2)) == 0 ]] && echo perf-b.toml || echo perf.toml)" "$OUT/live.toml.tmp"
               mv "$OUT/live.toml.tmp" "$OUT/live.toml"; kill -HUP "$ENGINE_PID" ;;
      optimizer) curl -s -XPOST "127.0.0.1:$PORT/v1/optimizer/run" > /dev/null ;;
    esac
    i=$((i + 1))
    sleep "$CHURN_S"
  done
}

declare -A P99
phase() {  # key (for PERF_RESULTS), name, churn kind or "quiet"
  local key=$1; shift
  CHURN_PID=
  [[ $2 != quiet ]] && { churn "$2" & CHURN_PID=$!; }
  local json
  json=$(load --rate "$RATE" --duration "$DURATION" --warmup 1)
  [[ -n $CHURN_PID ]] && { kill "$CHURN_PID"; wait "$CHURN_PID" 2>/dev/null || true; CHURN_PID=; }
  echo "$1: $json" >&2
  put_load "$key" "$json"
  P99[$1]=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["decided_ms"]["p99"])' "$json")
  ROWS+=("$(python3 - "$1" "$json" <<'PY'
import json, sys
j = json.loads(sys.argv[2])
d = j["decided_ms"]
print(f"| {sys.argv[1]} | {j['decided_per_s']:.0f} | {d['p50']:.3f} / {d['p99']:.3f} / {d['max']:.1f} | "
      f"{j['shed_per_s']:.0f} | {j['status_other']} / {j['unanswered']} |")
PY
)")
}
ROWS=()
put closed_per_s "$closed"
put offered_per_s "$RATE"
put phase_s "$DURATION"
put churn_s "$CHURN_S"
phase quiet_first "quiet (first)" quiet
phase swaps "model swaps" swaps
phase reloads "config reloads" reloads
phase optimizer "optimizer runs" optimizer
phase quiet_last "quiet (last)" quiet
reloaded=$(grep -ac 'configuration reloaded from' "$OUT/engine.log" || true)
refused=$(grep -ac 'configuration not reloaded' "$OUT/engine.log" || true)
put reloads_applied "$reloaded"
put reloads_refused "$refused"
kill "$ENGINE_PID"; wait "$ENGINE_PID" 2>/dev/null || true; ENGINE_PID=

echo "closed-loop capacity $closed answers/s; offered $RATE req/s (open loop, 16 connections) for ${DURATION} s per phase; a change every ${CHURN_S} s"
echo "reloads applied: $reloaded, refused: $refused"
echo
echo "| phase | decided/s | decided ms p50 / p99 / max | shed/s | 5xx / unanswered |"
echo "|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
python3 - "${P99["quiet (first)"]}" "${P99["quiet (last)"]}" "${P99["model swaps"]}" "${P99["config reloads"]}" "${P99["optimizer runs"]}" <<'PY'
import sys
q1, q2, swaps, reloads, opt = map(float, sys.argv[1:])
quiet = (q1 + q2) / 2
print(f"p99 against quiet ({quiet:.3f} ms; the two quiet phases differ by {abs(q1 - q2) / quiet * 100:.0f}%): "
      f"model swaps {swaps / quiet:.2f}x, config reloads {reloads / quiet:.2f}x, optimizer runs {opt / quiet:.2f}x "
      f"(target <= 1.20x)")
PY
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
