#!/usr/bin/env bash
# Overload run (issue 8 item 3; perf/run.sh runs it for docs/PERFORMANCE.md).
# One shard on cpu0, the open-loop load tool (perf/overload_load.cc) on cpu1:
#   1. sustainable throughput S: open-loop rates stepped up from the closed
#      loop's answer rate (CONNS connections x 4 in flight), PERF_STEP_S s
#      each; S is the highest rate at which 99% of the requests are decided
#      (not shed) with a p99 under 50 ms (half their tmax). (Closed loop alone
#      underestimates it: at high open-loop rates each read carries more requests.)
#   2. open loop at 0.8 S (the baseline in the same run), S and 2 S, DURATION
#      s each: answers decided per second, their p50/p99 (from the intended
#      send time), shed answers per second by reason (client headers and
#      /v1/stats), engine RSS before and after.
# Prints Markdown tables; with PERF_RESULTS=FILE it also appends the figures
# to FILE as overload.* key=value lines (perf/run.sh renders them).
#
# usage: perf/overload.sh [BUILD_DIR] [DURATION_S] [CONNS]     (defaults build 10 32)
#   PERF_STEP_S   seconds per rate step while looking for S (default 3)
#   PERF_RESULTS  file for the key=value figures
#   BASELINE_BIN=path/to/older/bidline perf/overload.sh ...  also measures that
#   binary the same way, in the same run (it has no shedding: its rows show
#   what overload does without it; its figures are overload_baseline.* lines).
set -euo pipefail
BUILD=${1:-build}
DURATION=${2:-10}
CONNS=${3:-32}
STEP_S=${PERF_STEP_S:-3}
RESULTS=${PERF_RESULTS:-}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d /tmp/overload.XXXXXX)
ENGINE_PID=
cleanup() { [[ -n $ENGINE_PID ]] && kill "$ENGINE_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$OUT"; }

trap cleanup EXIT

c++ -O2 -std=c++20 -pthread "$HERE/overload_load.cc" -o "$OUT/overload_load"

KEY=overload  # results prefix of the binary being measured
put() { [[ -z $RESULTS ]] || echo "$KEY.$1=$2" >> "$RESULTS"; }
put_load() {  # KEY JSON: one overload_load result as KEY.* lines
  [[ -z $RESULTS ]] || python3 "$HERE/report.py" load-json "$KEY.$1" <<< "$2" >> "$RESULTS"
}

echo "# overload: commit $(git -C "$HERE/.." rev-parse --short HEAD 2>/dev/null || echo '?') (+ working tree), $(date -u +%FT%TZ)"
echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) vCPUs, compiler: $(c++ --version | head -1)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

cat > "$OUT/overload.toml" <<'EOF'
[engine]
listen = "127.0.0.1:0"
shards = 1
[[advertiser]]
id = "adv"
[[campaign]]
id = "cmp"
advertiser = "adv"
daily_budget = 1000000000
start = 2024-01-01
end = 2035-12-31
[[line_item]]
id = "li"
campaign = "cmp"
[line_item.bid]
strategy = "manual_cpm"
cpm = 1.0
[[line_item.creative]]
id = "cr"
format = "banner"
w = 300
h = 250
markup = "<div>ad</div>"
EOF
# A 1.3 KB request the line item bids on, tmax 100 ms.
python3 - "$OUT/body.json" <<'PY'
import json, sys
r = {"id": "perf", "at": 2, "tmax": 100, "cur": ["USD"],
     "imp": [{"id": "1", "bidfloor": 0.01, "banner": {"w": 300, "h": 250, "pos": 1}}],
     "site": {"id": "s1", "domain": "news.example", "page": "https://news.example/a", "publisher": {"id": "p1"}},
     "device": {"ua": "Mozilla/5.0", "ip": "192.0.2.1", "devicetype": 2, "os": "Linux"},
     "user": {"id": "u1"}, "ext": {"pad": "x" * 900}}
open(sys.argv[1], "w").write(json.dumps(r, separators=(",", ":")))
PY

start_engine() {  # binary
  rm -rf "$OUT/data" "$OUT/engine.log"
  taskset -c 0 "$1" serve --config "$OUT/overload.toml" --port 0 --data-dir "$OUT/data" > "$OUT/engine.log" 2>&1 &
  ENGINE_PID=$!
  for _ in $(seq 200); do grep -aq 'listening on http://' "$OUT/engine.log" && break; sleep 0.05; done
  PORT=$(grep -ao 'listening on http://[^ ]*' "$OUT/engine.log" | head -1 | sed 's/.*://; s#/##')
  [[ -n $PORT ]] || { cat "$OUT/engine.log"; exit 1; }
}
stop_engine() { kill "$ENGINE_PID"; wait "$ENGINE_PID" 2>/dev/null || true; ENGINE_PID=; }

rss() { awk '/VmRSS/ {print $2}' "/proc/$ENGINE_PID/status"; }
shed_stats() {  # tmax_expired shed_overload requests (summed over shards; 0 where the binary has no such counter)
  curl -s "127.0.0.1:$PORT/v1/stats" | python3 -c '
import json, sys
s = json.load(sys.stdin)["shards"]
print(sum(x["no_bid"].get("tmax_expired", 0) for x in s), sum(x["no_bid"].get("shed_overload", 0) for x in s), sum(x["requests"] for x in s))'
}
load() { taskset -c 1 "$OUT/overload_load" --port "$PORT" --body "$OUT/body.json" --connections "$CONNS" "$@" || true; }

run() {  # label, factor
  local rate rss0 rss1 s0 s1 json
  rate=$(python3 -c "print(int($CAPACITY * $2))")
  sleep 1  # let the control tick publish stats before the snapshot
  rss0=$(rss); s0=$(shed_stats)
  json=$(load --rate "$rate" --duration "$DURATION" --warmup 1)
  sleep 1
  rss1=$(rss); s1=$(shed_stats)
  echo "$1 ($2 x capacity = $rate/s offered): $json" >&2
  put_load "x$2" "$json"
  put "x$2.rss_before_kb" "$rss0"
  put "x$2.rss_after_kb" "$rss1"
  # What /v1/stats counted meanwhile (warm-up second included): are the sheds counted?
  local c0 c1
  read -ra c0 <<< "$s0"; read -ra c1 <<< "$s1"
  put "x$2.stats.tmax_expired" $((c1[0] - c0[0]))
  put "x$2.stats.shed_overload" $((c1[1] - c0[1]))
  put "x$2.stats.requests" $((c1[2] - c0[2]))
  python3 - "$1" "$2" "$rate" "$rss0" "$rss1" "$s0" "$s1" "$json" "$DURATION" <<'PY'
import json, sys
label, factor, rate, rss0, rss1, s0, s1, j, dur = sys.argv[1:]
j = json.loads(j); s0 = list(map(int, s0.split())); s1 = list(map(int, s1.split())); dur = float(dur)
print(f"| {label} | {int(rate)} | {j['answered_per_s']:.0f} | {j['decided_per_s']:.0f} | "
      f"{j['decided_ms']['p50']:.2f} / {j['decided_ms']['p99']:.2f} / {j['decided_ms']['max']:.1f} | "
      f"{(s1[0]-s0[0])/(dur+1):.0f} / {(s1[1]-s0[1])/(dur+1):.0f} | "
      f"{j['status_other']} / {j['unanswered']} | {int(rss0)//1024} -> {int(rss1)//1024} |")
PY
}

measure() {  # binary, label, results prefix
  KEY=$3
  start_engine "$1"
  load --rate 0 --depth 4 --duration 2 --warmup 1 > /dev/null  # warm-up: leases granted, buffers sized
  local cap_json closed step json ok
  cap_json=$(load --rate 0 --depth 4 --duration 3 --warmup 1)
  closed=$(python3 -c 'import json,sys; print(int(json.loads(sys.argv[1])["decided_per_s"]))' "$cap_json")
  echo "$2 closed loop ($CONNS conns x 4 in flight): $cap_json" >&2
  CAPACITY=0
  for step in 0.8 1.0 1.2 1.4 1.7 2.0 2.4 2.8; do
    local rate
    rate=$(python3 -c "print(int($closed * $step))")
    json=$(load --rate "$rate" --duration "$STEP_S" --warmup 0.5)
    echo "$2 step $rate/s: $json" >&2
    ok=$(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); r=float(sys.argv[2]); print(int(j["decided_per_s"] >= 0.99*r and j["decided_ms"]["p99"] <= 50 and j["unanswered"] == 0))' "$json" "$rate")
    [[ $ok == 1 ]] || break
    CAPACITY=$rate
  done
  [[ $CAPACITY -gt 0 ]] || CAPACITY=$closed
  put closed_per_s "$closed"
  put sustainable_per_s "$CAPACITY"
  put duration_s "$DURATION"
  put step_s "$STEP_S"
  put connections "$CONNS"
  echo
  echo "$2: closed loop $closed answers/s; sustainable open-loop rate S = $CAPACITY req/s (99% decided, p99 <= 50 ms = half the requests' tmax)"
  echo
  echo "| run | offered req/s | answered/s | decided/s | decided ms p50 / p99 / max | shed/s tmax_expired / shed_overload (stats) | 5xx / unanswered | RSS MiB |"
  echo "|---|---|---|---|---|---|---|---|"
  run "$2 0.8 S" 0.8
  run "$2 S" 1
  run "$2 2 S" 2
  stop_engine
}

measure "$BUILD/bidline" "this build" overload
[[ -n ${BASELINE_BIN:-} ]] && measure "$BASELINE_BIN" "baseline $(basename "$(dirname "$BASELINE_BIN")")" overload_baseline
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
