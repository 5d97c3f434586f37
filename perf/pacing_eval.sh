#!/usr/bin/env bash
# Pacing evaluation on replayed traffic (issue 5 targets; figures go to
# pacing/README.md). Generates a day of synthetic traffic with a noisy pCTR,
# replays max_clicks under each pacing mode and controller with a daily
# budget well below what the traffic could absorb, and compares with
# constant bids (manual_cpm, a grid of CPMs, the best one) and, on the
# 3-column iPinYou form of the same rows, with linear bidders
# (bid = base × pCTR, i.e. manual_cpc, a grid, the best one).
#
# usage: perf/pacing_eval.sh [BUILD_DIR] [BUDGET] [SEED] [REQUESTS]
set -euo pipefail
BUILD=${1:-build}
BUDGET=${2:-100}
SEED=${3:-7}
REQUESTS=${4:-500000}
BIN=$BUILD/bidline
OUT=$(mktemp -d /tmp/pacing_eval.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

echo "# pacing eval: commit $(git -C "$(dirname "$0")/.." rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%FT%TZ)"
echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), compiler: $(c++ --version | head -1)"
echo "# traffic: $REQUESTS requests over 24 h, seed $SEED; daily budget $BUDGET"
"$BIN" gen --hours 24 --requests "$REQUESTS" --seed "$SEED" --with-pctr --out "$OUT/day.ndjson" 2>/dev/null
# The 3-column iPinYou form: click market_price pctr.
python3 - "$OUT/day.ndjson" "$OUT/day.3col" <<'PY'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as o:
    for line in f:
        r = json.loads(line)
        o.write(f"{r['click']} {r['market_price']:.4f} {r['pctr']:.6f}\n")
PY

run() {  # name, args...
  local name=$1; shift
  "$BIN" replay "$@" --out "$OUT/$name.json" >/dev/null
  echo "$name" >> "$OUT/runs"
}
for pacing in even traffic front_loaded asap; do
  for controller in dual pid throttle; do
    [[ $pacing == asap && $controller != dual ]] && continue
    run "max_clicks.$pacing.$controller" --input "$OUT/day.ndjson" --budget "$BUDGET" --strategy max_clicks \
        --pacing "$pacing" --controller "$controller"
  done
done
for cpm in 0.5 0.6 0.7 0.8 0.9 1.0 1.1 1.25 1.5 2.0 3.0; do
  run "const_cpm.even.$cpm" --input "$OUT/day.ndjson" --budget "$BUDGET" --strategy manual_cpm --bid "$cpm" --pacing even
  run "const_cpm.asap.$cpm" --input "$OUT/day.ndjson" --budget "$BUDGET" --strategy manual_cpm --bid "$cpm" --pacing asap
done
# iPinYou form: max_clicks untuned vs linear bidders tuned on the same rows.
for controller in pid dual; do
  run "ipinyou.max_clicks.even.$controller" --input "$OUT/day.3col" --format ipinyou --budget "$BUDGET" \
      --strategy max_clicks --pacing even --controller "$controller"
done
for cpc in 0.03 0.04 0.045 0.05 0.055 0.06 0.065 0.07 0.08 0.09 0.1 0.12 0.15 0.2 0.3; do
  run "ipinyou.linear.asap.$cpc" --input "$OUT/day.3col" --format ipinyou --budget "$BUDGET" --strategy manual_cpc \
      --bid 0 --pacing asap --cpc "$cpc"
done

python3 - "$OUT" <<'PY'
import json, os, sys
d = sys.argv[1]
rows = []
for name in open(os.path.join(d, "runs")).read().split():
    p = os.path.join(d, name + ".json")
    if not os.path.exists(p): continue
    r = json.load(open(p))
    t, budget = r["totals"], r["budget"]
    # Worst hourly gap between cumulative spend and the plan to date, as a
    # share of the plan to date (hours with a plan ≥ 1 % of the budget) and
    # of the daily budget.
    rel = absb = 0.0
    for b in r["timeline"]:
        plan, cum = b.get("planned_spend", 0), b.get("cumulative_spend", 0)
        if plan >= 0.01 * budget: rel = max(rel, abs(cum - plan) / plan)
        absb = max(absb, abs(cum - plan) / budget)
    rows.append((name, t["spend"] / budget * 100, rel * 100, absb * 100, t["clicks"],
                 t["clicks"] / t["spend"] if t["spend"] else 0.0))
print(f"{'run':36} {'spend%':>7} {'maxdev%plan':>11} {'maxdev%bud':>10} {'clicks':>7} {'clicks/$':>8}")
for n, s, rel, ab, c, cpd in rows:
    print(f"{n:36} {s:7.2f} {rel:11.2f} {ab:10.2f} {c:7d} {cpd:8.3f}")
def best(prefix):
    c = [r for r in rows if r[0].startswith(prefix)]
    return max(c, key=lambda r: r[4]) if c else None
for prefix in ("const_cpm.even.", "const_cpm.asap.", "ipinyou.linear.asap."):
    b = best(prefix)
    if b: print(f"best {prefix:28} {b[0]}: clicks {b[4]}, clicks/$ {b[5]:.3f}, spend {b[1]:.1f}%")
PY
