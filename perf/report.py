#!/usr/bin/env python3
"""Figures of perf/run.sh: reads the raw outputs of one run and writes the report.

  report.py model-shape MODEL.json          "100 trees, depth 6, ..." (XGBoost JSON)
  report.py bid-mix STATS.json              engine_* lines from GET /v1/stats
  report.py bench-counters OUT.json PREFIX COUNTER   PREFIX_<benchmark>=<counter> lines
  report.py thread-cpu BEFORE AFTER         engine_thread_cpu.<name>[<tid>]= lines: CPU seconds
                                            per thread between two reads of /proc/PID/task/*/stat
  report.py load-json PREFIX < JSON         PREFIX.<key>= lines from one overload_load result
                                            (perf/stalls.sh and perf/overload.sh use it)
  report.py write RESULTS                   docs/PERFORMANCE.md on stdout

RESULTS holds the run's key=value lines (run.sh appends to it).
"""
import json
import math
import sys


def model_shape(path):
    trees = json.load(open(path))["learner"]["gradient_booster"]["model"]["trees"]

    def depth(t, node=0):
        left, right = t["left_children"][node], t["right_children"][node]
        return 0 if left == -1 else 1 + max(depth(t, left), depth(t, right))

    depths = [depth(t) for t in trees]
    leaves = sum(sum(1 for c in t["left_children"] if c == -1) for t in trees)
    print(f"{len(trees)} trees, depth {min(depths)}-{max(depths)}, {leaves / len(trees):.1f} leaves per tree")


def bid_mix(path):
    stats = json.load(open(path))
    shards = stats["shards"]
    total = sum(s["requests"] for s in shards)
    print(f"engine_server_requests={total}")
    if total == 0:
        return
    print(f"engine_answer_bid={sum(s['bid_responses'] for s in shards) / total:.4f}")
    print(f"engine_answer_bad_request={sum(s['bad_requests'] for s in shards) / total:.4f}")
    reasons = {}
    for s in shards:
        for reason, n in s["no_bid"].items():
            reasons[reason] = reasons.get(reason, 0) + n
    for reason, n in sorted(reasons.items()):
        if n:
            print(f"engine_answer_no_bid.{reason}={n / total:.6f}")
    print(f"engine_server_p50_us={max(s['latency_us']['p50'] for s in shards)}")
    print(f"engine_server_p99_us={max(s['latency_us']['p99'] for s in shards)}")


def bench_counters(path, prefix, counter):
    for b in json.load(open(path))["benchmarks"]:
        if b.get("error_occurred"):
            sys.exit(f"{b['name']}: {b.get('error_message')}")
        parts = b["name"].split("/")  # BM_Replay/ndjson, BM_StreamIngest/500000/iterations:1/real_time
        name = parts[0].replace("BM_", "")
        if len(parts) > 1 and not parts[1].isdigit():
            name += "_" + parts[1]
        if counter in b:
            print(f"{prefix}_{name}={b[counter]:.0f}")


def thread_cpu(before_path, after_path):
    def read(path):
        ticks = {}
        for line in open(path):
            tid, rest = line.split(" (", 1)
            name, fields = rest.rsplit(") ", 1)
            f = fields.split()
            ticks[tid] = (name, int(f[11]) + int(f[12]))  # utime + stime, in clock ticks
        return ticks

    before, after = read(before_path), read(after_path)
    # Threads may share a name: each is named by its name and its thread id.
    used = {f"{name.replace(' ', '_')}[{tid}]": t - before.get(tid, (name, 0))[1] for tid, (name, t) in after.items()}
    for name, t in sorted(used.items(), key=lambda x: -x[1]):
        if t:
            print(f"engine_thread_cpu.{name}={t / 100:.2f}")  # USER_HZ = 100


def load_json(prefix):
    """Flattens overload_load's JSON ({"decided_ms": {"p99": ..}, "shed": {..}}) to PREFIX.decided_ms.p99=..."""
    def flat(key, v):
        if isinstance(v, dict):
            for k, sub in v.items():
                flat(f"{key}.{k}", sub)
        else:
            print(f"{key}={v}")

    flat(prefix, json.load(sys.stdin))


def read_results(path):
    r = {}
    for line in open(path):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            r[k] = v
    return r


def num(r, key):
    try:
        return float(r[key])
    except (KeyError, ValueError):
        return float("nan")


def share(v):
    p = float(v) * 100
    return f"{p:.1f} %" if p >= 0.1 or p == 0 else "< 0.1 %"


def verdict(ok, *figures):
    """met / NOT met; "not measured" if a figure it depends on is missing from the results."""
    if any(math.isnan(f) for f in figures):
        return "not measured"
    return "**met**" if ok else "**NOT met**"


# perf/stalls.sh phases: results key, row label, whether it is a change measured against the quiet ones.
STALL_PHASES = (("quiet_first", "quiet (first)", False),
                ("swaps", "model swaps (`POST /v1/models/click/activate`, two versions in turn)", True),
                ("reloads", "config reloads (SIGHUP, 1,000 line items, one CPM changed)", True),
                ("optimizer", "optimizer runs (`POST /v1/optimizer/run`)", True),
                ("quiet_last", "quiet (last)", False))
STALL_TARGET = 1.20  # issue 8 item 2: p99 at most 20 % above quiet
OVERLOAD_RUNS = (("x0.8", "0.8 S"), ("x1", "S"), ("x2", "2 S"))
OVERLOAD_TMAX_MS = 100  # the tmax of perf/overload.sh's request: an answer later than this is useless
RSS_LIMIT_MB = 256      # issue 8's memory ceiling


def stall_ratios(r):
    """p99 of each change phase against the mean p99 of the two quiet phases; and that mean and spread."""
    q1, q2 = num(r, "stalls.quiet_first.decided_ms.p99"), num(r, "stalls.quiet_last.decided_ms.p99")
    quiet = (q1 + q2) / 2
    ratios = {key: num(r, f"stalls.{key}.decided_ms.p99") / quiet for key, _, change in STALL_PHASES if change}
    return ratios, quiet, abs(q1 - q2) / quiet


def shed_rates(r, prefix, seconds):
    """Shed answers per second by the engine's reason (the Bidline-Shed header, measured window only)."""
    return {reason: num(r, f"{prefix}.shed.{reason}") / seconds if f"{prefix}.shed.{reason}" in r else 0.0
            for reason in ("tmax_expired", "shed_overload")}


def summary(r, w):
    """One row per issue-8 target: the figure of this run and whether it meets the target."""
    def row(target, measured, ok, *figures):
        w(f"| {target} | {measured} | {verdict(ok, *figures)} |")

    w("## Summary")
    w("")
    w("| target (issue 8) | measured | |")
    w("|---|---|---|")
    p50, p99 = num(r, "inproc_p50_us"), num(r, "inproc_p99_us")
    row("in-process bid decision p50 ≤ 5 µs", f"{p50:.2f} µs", p50 <= 5, p50)
    row("in-process bid decision p99 ≤ 20 µs", f"{p99:.2f} µs", p99 <= 20, p99)
    engine_rps, nginx_rps = num(r, "engine_rps"), num(r, "nginx_rps")
    ratio = engine_rps / nginx_rps if nginx_rps else float("nan")
    row("loopback throughput ≥ 0.8 × nginx", f"{engine_rps:,.0f} / {nginx_rps:,.0f} req/s = {ratio:.2f} ×",
        ratio >= 0.8, ratio)
    lp99 = num(r, "engine_p99_ms")
    row("loopback p99 ≤ 2 ms", f"{lp99:.3f} ms", lp99 <= 2, lp99)
    allocs = num(r, "inproc_allocations_per_request")
    row("zero allocations per request", f"{allocs:.4f} per request on this config (probe); tests/alloc",
        allocs == 0, allocs)
    rss10k = num(r, "rss10k_hwm_kb") / 1024
    row(f"RSS ≤ {RSS_LIMIT_MB} MB with 10,000 line items", f"{rss10k:.1f} MB (VmHWM)", rss10k <= RSS_LIMIT_MB, rss10k)

    ratios, quiet, spread = stall_ratios(r)
    noisy = f"; the quiet phases differ by {spread * 100:.0f} %" if spread > STALL_TARGET - 1 else ""
    for key, label, change in STALL_PHASES:
        if change:
            p = num(r, f"stalls.{key}.decided_ms.p99")
            row(f"{label.split(' (')[0]} under load: p99 ≤ {STALL_TARGET:.2f} × quiet",
                f"{ratios[key]:.2f} × ({p:.2f} ms against {quiet:.2f} ms{noisy})", ratios[key] <= STALL_TARGET,
                ratios[key])

    o = "overload.x2"
    p99_2s = num(r, o + ".decided_ms.p99")
    row(f"overload, 2 × the sustainable rate S: p99 of decided answers ≤ the requests' tmax ({OVERLOAD_TMAX_MS} ms)",
        f"{p99_2s:.1f} ms", p99_2s <= OVERLOAD_TMAX_MS, p99_2s)
    lost = num(r, o + ".status_other") + num(r, o + ".unanswered")
    seen = sum(num(r, k) for k in r if k.startswith(o + ".shed."))  # the Bidline-Shed answers the client got
    counted = num(r, o + ".stats.tmax_expired") + num(r, o + ".stats.shed_overload")
    row("overload, 2 S: every request answered (decided or shed), sheds counted in `/v1/stats`",
        f"{num(r, o + '.decided_per_s'):,.0f} decided/s + {num(r, o + '.shed_per_s'):,.0f} shed/s of "
        f"{num(r, o + '.offered_per_s'):,.0f} offered; {lost:.0f} 5xx or unanswered; "
        f"`/v1/stats` counted {counted:,.0f} sheds, the client got {seen:,.0f}", lost == 0 and counted >= seen,
        lost, counted)
    growth, expected = overload_memory(r)
    row("overload, 2 S: memory bounded (shed requests hold none: RSS grows by at most 1.2 × what its decided "
        "answers grew it at S, + 4 MiB)",
        f"+{growth:.1f} MiB over the 2 S run; +{expected:.1f} MiB expected from its decided answers",
        growth <= 1.2 * expected + 4, growth, expected)

    for key, target, limit, unit in (
            ("feed_StreamIngest", "binary event stream ≥ 500 k events/s", 500e3, "events/s"),
            ("feed_HttpIngest", "`POST /v1/events` ≥ 200 k events/s", 200e3, "events/s"),
            ("replay_Replay_ipinyou3", "replay, 3-column iPinYou ≥ 1 M rows/s", 1e6, "rows/s"),
            ("replay_Replay_ndjson", "replay, NDJSON OpenRTB ≥ 200 k rows/s", 200e3, "rows/s")):
        v = num(r, key)
        row(target, f"{v:,.0f} {unit}", v >= limit, v)
    w("")


def overload_memory(r):
    """RSS growth (MiB) over the 2 S run, and the growth its decided answers would cause at S's rate of growth.

    RSS grows with the bids placed (each stays in flight until its win or expiry) whatever the load, so the
    bound is relative: the 2 S run, which decides about as many as the S run, may not grow much more than it."""
    def grew(key):
        return (num(r, f"overload.{key}.rss_after_kb") - num(r, f"overload.{key}.rss_before_kb")) / 1024

    decided_at_s = num(r, "overload.x1.decided_per_s")
    per_decided = grew("x1") / decided_at_s if decided_at_s else float("nan")
    return grew("x2"), per_decided * num(r, "overload.x2.decided_per_s")


def changes_under_load(r, w):
    ratios, quiet, spread = stall_ratios(r)
    w("## Changes under load")
    w("")
    w("perf/stalls.sh (issue 8 item 2): one shard and all engine threads on cpu0, the open-loop load tool")
    w("(perf/overload_load.cc) on cpu1 at half the closed-loop capacity "
      f"({num(r, 'stalls.closed_per_s'):,.0f} answers/s → {num(r, 'stalls.offered_per_s'):,.0f} req/s offered, "
      "16 connections, one ~1.6 KB request),")
    w(f"the 1,000-line-item book with the 100-tree click model; {r.get('stalls.phase_s')} s per phase, a change every "
      f"{r.get('stalls.churn_s')} s (far more often than production changes anything). Latency of the decided")
    w("answers from their intended send time; p99 against the mean of the two quiet phases "
      f"({quiet:.3f} ms).")
    w("")
    w(f"| phase | decided/s | decided ms p50 / p99 / max | shed/s | 5xx / unanswered | p99 vs quiet | "
      f"≤ {STALL_TARGET:.2f} × |")
    w("|---|---|---|---|---|---|---|")
    for key, label, change in STALL_PHASES:
        k = f"stalls.{key}"
        ratio = f"{ratios[key]:.2f} ×" if change else "—"
        ok = verdict(ratios[key] <= STALL_TARGET) if change else ""
        w(f"| {label} | {num(r, k + '.decided_per_s'):,.0f} | {num(r, k + '.decided_ms.p50'):.3f} / "
          f"{num(r, k + '.decided_ms.p99'):.3f} / {num(r, k + '.decided_ms.max'):.1f} | "
          f"{num(r, k + '.shed_per_s'):,.0f} | {r.get(k + '.status_other')} / {r.get(k + '.unanswered')} | "
          f"{ratio} | {ok} |")
    w("")
    w(f"Config reloads applied during the run: {r.get('stalls.reloads_applied')}, refused: "
      f"{r.get('stalls.reloads_refused')}. The two quiet phases differ by {spread * 100:.0f} %.")
    if spread > STALL_TARGET - 1:
        w(f"**That is more than the {(STALL_TARGET - 1) * 100:.0f} % the target allows: on this run the verdicts "
          "above are within the noise of the machine; re-run on a quiet one.**")
    w("")


def overload(r, w):
    w("## Overload")
    w("")
    w("perf/overload.sh (issue 8 item 3): one shard on cpu0, the open-loop load tool (perf/overload_load.cc) on cpu1, "
      f"{r.get('overload.connections')} connections,")
    w("a 1.3 KB request that the one line item of a minimal book bids on, tmax "
      f"{OVERLOAD_TMAX_MS} ms. Open loop: request k goes out at t0 + k/rate")
    w("whatever came back (wrk waits for answers, so it cannot offer more than the engine answers), and each answer")
    w("is timed from its intended send time, so queueing in the client counts. The sustainable rate S is the highest")
    w(f"rate stepped up from the closed loop's {num(r, 'overload.closed_per_s'):,.0f} answers/s "
      f"({r.get('overload.step_s')} s per step) at which 99 % of the requests are decided and")
    w(f"their p99 ≤ 50 ms: **S = {num(r, 'overload.sustainable_per_s'):,.0f} req/s**. Then "
      f"{r.get('overload.duration_s')} s at each rate below. \"Decided\" = answered by the bid path")
    w("(200 or a no-bid 204); shed = a fast 204 with `Bidline-Shed: <reason>`.")
    w("")
    w("| run | offered req/s | decided/s | decided ms p50 / p99 / max | shed/s tmax_expired / shed_overload | "
      "5xx / unanswered | RSS MiB before → after |")
    w("|---|---|---|---|---|---|---|")
    for key, label in OVERLOAD_RUNS:
        k = f"overload.{key}"
        if k + ".decided_per_s" not in r:
            continue
        shed = shed_rates(r, k, num(r, "overload.duration_s"))
        w(f"| {label} | {num(r, k + '.offered_per_s'):,.0f} | {num(r, k + '.decided_per_s'):,.0f} | "
          f"{num(r, k + '.decided_ms.p50'):.2f} / {num(r, k + '.decided_ms.p99'):.2f} / "
          f"{num(r, k + '.decided_ms.max'):.1f} | {shed['tmax_expired']:,.0f} / {shed['shed_overload']:,.0f} | "
          f"{r.get(k + '.status_other')} / {r.get(k + '.unanswered')} | "
          f"{num(r, k + '.rss_before_kb') / 1024:.0f} → {num(r, k + '.rss_after_kb') / 1024:.0f} |")
    w("")
    w("RSS grows with the bids placed (the control loop keeps each bid in flight until its win or expiry), not with")
    w("the requests shed; tests/integration/overload_test.cc checks that flooding with requests that do not bid")
    w("leaves RSS flat.")
    w("")


def reproduce(r, w):
    w("## Reproduce")
    w("")
    minutes = f", about {num(r, 'run_s') / 60:.0f} minutes" if "run_s" in r else ""
    w(f"Every figure above comes from one run of perf/run.sh{minutes}. On a quiet machine:")
    w("")
    w("```sh")
    w("tools/dev perf                # builds the release targets, runs perf/run.sh build, rewrites this file")
    w("perf/run.sh BUILD_DIR         # the same on an existing release build")
    w("```")
    w("")
    knobs = {"PERF_DURATION": r.get("duration_s"), "PERF_WARMUP": r.get("warmup_s"),
             "PERF_CONNECTIONS": r.get("connections"), "PERF_STALLS_PHASE": r.get("stalls.phase_s"),
             "PERF_OVERLOAD_DURATION": r.get("overload.duration_s"), "PERF_OVERLOAD_STEP": r.get("overload.step_s")}
    setting = " ".join(f"{k}={v}" for k, v in knobs.items() if v)
    flag = "" if r.get("with_model") == "1" else " --without-model"
    w(f"This run's settings: `{setting} perf/run.sh{flag} {r.get('build_dir', 'build')}` (perf/run.sh --help explains")
    w("them; PERF_NOTE adds a note on the run under the header). The steps also run alone and print Markdown:")
    w("`perf/stalls.sh BUILD_DIR`, `perf/overload.sh BUILD_DIR`. `PERF_KEEP=1` keeps the run's scratch directory;")
    w("`perf/report.py write DIR/results > docs/PERFORMANCE.md` renders this file again from it.")


def write(path):
    r = read_results(path)
    engine_rps, nginx_rps = num(r, "engine_rps"), num(r, "nginx_rps")
    ratio = engine_rps / nginx_rps if nginx_rps else float("nan")
    allocs = num(r, "inproc_allocations_per_request")
    rss10k_mb = num(r, "rss10k_hwm_kb") / 1024
    model_note = r.get("model", "?")
    no_model = r.get("with_model") != "1"

    out = []
    w = out.append
    w("# Performance report")
    w("")
    w("Written by `tools/dev perf` (perf/run.sh) from one run; re-run it to refresh every figure.")
    w("Figures from a shared machine move with whatever else runs on it: compare the engine with")
    w("nginx *in the same run* (the ratio), not absolute figures across runs (../shared/MACHINE-NOTES.md).")
    w("")
    w("| | |")
    w("|---|---|")
    w(f"| commit | {r.get('commit')} |")
    if r.get("perf_commit"):
        w(f"| perf scripts | {r['perf_commit']} |")
    w(f"| date | {r.get('date')} |")
    w(f"| CPU | {r.get('cpu')} |")
    w(f"| compiler | {r.get('compiler')} ({r.get('build_type')} build) |")
    w(f"| kernel, nginx, wrk | {r.get('kernel')}, nginx {r.get('nginx')}, {r.get('wrk')} |")
    w(f"| load average before / after | {r.get('load_before')} / {r.get('load_after')} |")
    w("")
    if r.get("note"):
        w(f"**Note on this run.** {r['note']}")
        w("")
    if no_model:
        w("> **This run had no click model** (`perf/run.sh --without-model`): the engine did not read a")
        w("> `[models]` table yet. The model-driven line items (half of the book) could not price a bid,")
        w("> and no tree was evaluated per candidate. Re-run without the flag once it does.")
        w("")
    summary(r, w)
    w("## Setup")
    w("")
    w(f"- **Book**: `perf_config_gen` (perf/config_gen.cc), 1,000 line items in 100 campaigns; media, countries,")
    w(f"  regions, device class, OS, site allow/block lists and creative sizes vary so that "
      f"{num(r, 'inproc_eligible_mean'):.1f} line items")
    w(f"  are eligible per request on average (median {r.get('inproc_eligible_p50')}, p90 {r.get('inproc_eligible_p90')}).")
    w("  Half bid manual CPM, half by the click model (manual CPC, max clicks, target CPA/ROAS); every campaign")
    w("  paces (even, traffic, front-loaded, ASAP), a fifth with daypart multipliers; first-price shading on.")
    w(f"- **Click model**: {model_note}; `bidline train --target click --rounds 100 --depth 6`")
    w("  on 100,000 rows of `bidline gen`, named in the config's `[models] click`.")
    w(f"- **Requests**: perf/make_requests.py, {r.get('requests_summary')}: the impressions of Prebid Server's")
    w("  adapter fixtures (banner formats, video, native, audio; up to 3 imps) with the device, geo, user, eids,")
    w("  consent, schain and floors exchanges send; 80 % first price. wrk sends them in turn (perf/bid_requests.lua).")
    w(f"- **Load**: wrk 1 thread on cpu1, {r.get('connections')} connections, {r.get('warmup_s')} s warm-up then "
      f"{r.get('duration_s')} s measured; the server on cpu0")
    w("  (`taskset`): `bidline serve --shards 1` with all its threads, or nginx with 1 worker (perf/nginx.conf,")
    w(f"  `return 200` of a fixed {r.get('nginx_body_bytes')}-byte bid response). Mean response, headers included: engine "
      f"{num(r, 'engine_response_bytes'):.0f} bytes (bids and 204 no-bids), nginx {num(r, 'nginx_response_bytes'):.0f} bytes.")
    w("")
    w("## Loopback HTTP: engine against nginx")
    w("")
    w("| server | req/s | p50 | p90 | p99 | max | errors (connect/read/write/status/timeout) |")
    w("|---|---|---|---|---|---|---|")
    for name in ("engine", "nginx"):
        errs = "/".join(r.get(f"{name}_errors_{k}", "?") for k in ("connect", "read", "write", "status", "timeout"))
        w(f"| {'bidline serve' if name == 'engine' else 'nginx'} | {num(r, name + '_rps'):,.0f} | "
          f"{num(r, name + '_p50_ms'):.3f} ms | {num(r, name + '_p90_ms'):.3f} ms | {num(r, name + '_p99_ms'):.3f} ms | "
          f"{num(r, name + '_max_ms'):.1f} ms | {errs} |")
    w(f"| **ratio engine / nginx** | **{ratio:.2f}** | | | | | |")
    w("")
    cpu_us = {n: num(r, n + "_cpu_s") / num(r, n + "_requests") * 1e6 for n in ("engine", "nginx")}
    busy = {n: num(r, n + "_cpu_s") / num(r, "duration_s") * 100 for n in ("engine", "nginx")}
    w(f"Server CPU time (user + system, all threads and children) per request during the measured run: engine "
      f"{cpu_us['engine']:.1f} µs (it used {busy['engine']:.0f} % of cpu0), nginx {cpu_us['nginx']:.1f} µs "
      f"({busy['nginx']:.0f} %); below 100 %, a server waited for wrk or lost cpu0 to other processes.")
    w(f"A server that got less than all of cpu0 (a shared machine) serves fewer requests per second; its CPU per "
      f"request moves less: nginx / engine CPU per request = "
      f"**{cpu_us['nginx'] / cpu_us['engine']:.2f}**, about the throughput ratio on a quiet cpu0 (while the server,")
    w("not wrk on cpu1, is the bottleneck). Of the engine's CPU per request, the bid decision itself takes "
      f"{num(r, 'inproc_cpu_mean_us'):.1f} µs on average (in-process CPU time, below); the rest is HTTP, I/O and the "
      "other threads.")
    w("")
    answers = sorted((k, v) for k, v in r.items() if k.startswith("engine_answer_"))
    mix = ", ".join(f"{k.replace('engine_answer_', '').replace('no_bid.', 'no bid: ')} {share(v)}" for k, v in answers)
    w(f"The engine's answers during the run (`/v1/stats`, {int(num(r, 'engine_server_requests')):,} requests): {mix}.")
    w(f"Its own bid latency histogram (`/v1/stats` shards[].latency_us, request in to response out, inside")
    w(f"the server): p50 {num(r, 'engine_server_p50_us'):.1f} µs, p99 {num(r, 'engine_server_p99_us'):.1f} µs. "
      f"RSS after the run: {num(r, 'engine_rss_kb') / 1024:.1f} MB (1,000 line items).")
    threads = [(k.replace("engine_thread_cpu.", ""), num(r, k)) for k in r if k.startswith("engine_thread_cpu.")]
    if threads:
        total = sum(t for _, t in threads)
        w(f"CPU time of the engine's threads during the measured {r.get('duration_s')} s (cpu0 is shared by all of "
          f"them; the engine does not name its threads, so they go by thread id): "
          + ", ".join(f"`{n}` {t:.2f} s ({t / total * 100:.0f} %)" for n, t in threads) + ".")
    w("")
    w("## In-process bid decision")
    w("")
    w("`perf_bid_path_probe` (perf/bid_path_probe.cc), pinned to cpu0: the same config and requests loaded into")
    w("an `EngineState` with one shard, `BidPath::handle` (parse → eligibility → features and scores → value →")
    w("pacing and lease → shading → response) timed per request, 20 rounds over the 2,000 requests after two")
    w("rounds of warm-up, on a clock simulated at 20,000 requests/s (control tick every 250 ms of it).")
    w("Percentiles and mean are wall-clock (a request preempted by another process counts its wait: the p99.9 and")
    w("the mean show it on a shared machine); the mean CPU time is the probe thread's own, which preemption does")
    w("not inflate (it includes reading the thread clock, a few hundred ns).")
    w("")
    w("| book | p50 | p90 | p99 | p99.9 | mean | mean CPU time | allocations per request |")
    w("|---|---|---|---|---|---|---|---|")
    for prefix, book in (("inproc_", "as loaded by the run" + ("" if no_model else " (with the click model)")),
                         ("nomodel_", "the same without `[models]` (only manual CPM can bid): the model's cost")):
        if prefix + "p50_us" in r:
            w(f"| {book} | {num(r, prefix + 'p50_us'):.2f} µs | {num(r, prefix + 'p90_us'):.2f} µs | "
              f"{num(r, prefix + 'p99_us'):.2f} µs | {num(r, prefix + 'p999_us'):.2f} µs | "
              f"{num(r, prefix + 'mean_us'):.2f} µs | {num(r, prefix + 'cpu_mean_us'):.2f} µs | "
              f"{num(r, prefix + 'allocations_per_request'):.4f} |")
    w("")
    for prefix, what in (("inproc_", "Answers"), ("nomodel_", "Answers without the model")):
        mix = sorted((k, v) for k, v in r.items() if k.startswith(prefix + "answer."))
        if mix:
            w(f"{what}: " + ", ".join(f"{k.replace(prefix + 'answer.', '').replace('no_bid.', 'no bid: ')} {share(v)}"
                                      for k, v in mix) + ".")
    w("")
    w("## Allocations")
    w("")
    w("Zero heap allocations per request in steady state is checked by `tests/alloc/no_allocation_test.cc`")
    w("(its own binary replaces `operator new`; requests through HTTP framing, the router and the bid path, bids")
    w("and no-bids, with and without the request log). The probe above counts the same way on this run's")
    w(f"book, model and requests: {allocs:.4f} allocations per request over {int(num(r, 'inproc_measured')):,} requests.")
    w("")
    w("## Memory with 10,000 line items")
    w("")
    w(f"`bidline serve --config` of `perf_config_gen --line-items 10000` (same mix, 1,000 campaigns), one shard,")
    w(f"answering after {r.get('rss10k_start_s')} s (start-up: loading and checking the 8.8 MB config, building the catalog):")
    w(f"VmRSS {num(r, 'rss10k_idle_kb') / 1024:.1f} MB after start, {num(r, 'rss10k_kb') / 1024:.1f} MB after "
      f"{r.get('warmup_s')} s of the same load ({num(r, 'rss10k_rps'):,.0f} req/s), peak (VmHWM) {rss10k_mb:.1f} MB.")
    w("")
    if "stalls.swaps.decided_ms.p99" in r:
        changes_under_load(r, w)
    if "overload.x2.decided_ms.p99" in r:
        overload(r, w)
    w("## Feed ingestion")
    w("")
    w("| path | events/s | target |")
    w("|---|---|---|")
    w(f"| binary event stream, in-process engine (bench/event_stream_bench, 500 k events) | {num(r, 'feed_StreamIngest'):,.0f} | ≥ 500 k |")
    w(f"| `POST /v1/events`, 2000-line NDJSON batches (same bench, 50 k events) | {num(r, 'feed_HttpIngest'):,.0f} | ≥ 200 k |")
    w(f"| `GroupCommitLog::submit` alone, the ceiling (same bench) | {num(r, 'feed_LogSubmit'):,.0f} | |")
    w(f"| `bidline stream` into the running `serve` (200 k win events, whole CLI run) | {num(r, 'stream_cli_events_per_s'):,.0f} | |")
    w("")
    w("The bench runs an engine (one shard, epoll) and its client in one process, unpinned, wall-clock rates;")
    w("`bidline stream` runs on cpu1 against the `serve` of the load run on cpu0, right after it.")
    w(f"`bidline stream` said: `{r.get('stream_cli_result')}`. Acknowledged means fdatasync'd in the event log (under /tmp).")
    w("")
    w("## Replay")
    w("")
    w("bench/replay_bench rates are per CPU second of its one thread (Google Benchmark's rate counters);")
    w("`bidline replay` is wall-clock for the whole process (start, read, replay, report), pinned to cpu0.")
    w("")
    w("| what | rows/s | target |")
    w("|---|---|---|")
    w(f"| bench/replay_bench, 3-column iPinYou, 1 M rows | {num(r, 'replay_Replay_ipinyou3'):,.0f} | ≥ 1 M |")
    w(f"| reading those rows alone (baseline) | {num(r, 'replay_ReadRows_ipinyou3'):,.0f} | |")
    w(f"| bench/replay_bench, NDJSON with OpenRTB requests, 200 k rows | {num(r, 'replay_Replay_ndjson'):,.0f} | ≥ 200 k |")
    w(f"| reading those rows alone (baseline) | {num(r, 'replay_ReadRows_ndjson'):,.0f} | |")
    w(f"| `bidline replay`, 100 k NDJSON rows of `bidline gen`, whole process | {num(r, 'replay_cli_rows_per_s'):,.0f} | |")
    w("")
    reproduce(r, w)
    print("\n".join(out))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "model-shape":
        model_shape(*args)
    elif cmd == "bid-mix":
        bid_mix(*args)
    elif cmd == "bench-counters":
        bench_counters(*args)
    elif cmd == "thread-cpu":
        thread_cpu(*args)
    elif cmd == "load-json":
        load_json(*args)
    elif cmd == "write":
        write(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
