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


def verdict(ok):
    return "**met**" if ok else "**NOT met**"


def write(path):
    r = read_results(path)
    engine_rps, nginx_rps = num(r, "engine_rps"), num(r, "nginx_rps")
    ratio = engine_rps / nginx_rps if nginx_rps else float("nan")
    p50, p99 = num(r, "inproc_p50_us"), num(r, "inproc_p99_us")
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
    w("## Summary")
    w("")
    w("| target (issue 8) | measured | |")
    w("|---|---|---|")
    w(f"| in-process bid decision p50 ≤ 5 µs | {p50:.2f} µs | {verdict(p50 <= 5)} |")
    w(f"| in-process bid decision p99 ≤ 20 µs | {p99:.2f} µs | {verdict(p99 <= 20)} |")
    w(f"| loopback throughput ≥ 0.8 × nginx | {engine_rps:,.0f} / {nginx_rps:,.0f} req/s = {ratio:.2f} × | {verdict(ratio >= 0.8)} |")
    w(f"| loopback p99 ≤ 2 ms | {num(r, 'engine_p99_ms'):.3f} ms | {verdict(num(r, 'engine_p99_ms') <= 2)} |")
    w(f"| zero allocations per request | {allocs:.4f} per request on this config (probe); tests/alloc | {verdict(allocs == 0)} |")
    w(f"| RSS ≤ 256 MB with 10,000 line items | {rss10k_mb:.1f} MB (VmHWM) | {verdict(rss10k_mb <= 256)} |")
    w(f"| binary event stream ≥ 500 k events/s | {num(r, 'feed_StreamIngest'):,.0f} events/s | {verdict(num(r, 'feed_StreamIngest') >= 500e3)} |")
    w(f"| `POST /v1/events` ≥ 200 k events/s | {num(r, 'feed_HttpIngest'):,.0f} events/s | {verdict(num(r, 'feed_HttpIngest') >= 200e3)} |")
    w(f"| replay, 3-column iPinYou ≥ 1 M rows/s | {num(r, 'replay_Replay_ipinyou3'):,.0f} rows/s | {verdict(num(r, 'replay_Replay_ipinyou3') >= 1e6)} |")
    w(f"| replay, NDJSON OpenRTB ≥ 200 k rows/s | {num(r, 'replay_Replay_ndjson'):,.0f} rows/s | {verdict(num(r, 'replay_Replay_ndjson') >= 200e3)} |")
    w("")
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
    w("## Reproduce")
    w("")
    w("```sh")
    w("tools/dev perf                      # builds, runs perf/run.sh build, rewrites this file")
    w("perf/run.sh build-perf              # on an existing build dir")
    w("PERF_DURATION=60 perf/run.sh        # longer measured runs")
    w("```")
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
