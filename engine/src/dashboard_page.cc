// The campaign dashboard served at GET /dashboard: one self-contained page
// (inline CSS, vanilla JS, charts drawn on <canvas>), so it works with no
// network beyond the engine itself. It polls /v1/stats every 2 s and
// /v1/stats/series (24 h of one-minute buckets) every 30 s, and labels
// campaigns from /dashboard/catalog.json.
//
// For tests and tools the page writes what it drew into data attributes:
// body[data-updates] (successful polls), body[data-errors] (script errors
// and console.error calls), body[data-stats-time-us], and per campaign card
// data-campaign, data-spend-micros, data-budget-micros, data-win-rate; each
// chart canvas data-drawn-spend-micros (the last point of its spend line).
//
// With API keys the page itself needs none (it holds no data); its requests
// send the key given as /dashboard#key=KEY (read scope). A fragment never
// reaches the server or its logs; the page keeps the key in sessionStorage
// and takes it out of the address bar. body[data-auth] = "needed" when the
// engine refused the page's requests for want of a key.
#include "bidline/engine/observability_routes.h"

namespace bidline {
namespace {

constexpr std::string_view kPage = R"bidline_html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bidline — campaigns</title>
<link rel="icon" href="data:,">
<style>
  :root { --bg:#f4f6f9; --card:#fff; --ink:#1c2430; --muted:#667085; --line:#e3e7ee;
          --blue:#2563eb; --plan:#9aa4b2; --green:#16a34a; --amber:#d97706; --red:#dc2626; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
         background:var(--bg); color:var(--ink); }
  header { display:flex; align-items:center; gap:24px; padding:14px 24px; background:#111827; color:#f9fafb; }
  header h1 { font-size:18px; margin:0; font-weight:600; }
  header .status { margin-left:auto; font-size:13px; color:#cbd5e1; }
  .dot { display:inline-block; width:9px; height:9px; border-radius:50%; background:var(--amber); margin-right:6px; }
  .dot.live { background:#22c55e; } .dot.stale { background:var(--red); }
  main { padding:18px 24px; }
  .tiles { display:grid; grid-template-columns:repeat(6, 1fr); gap:12px; margin-bottom:16px; }
  .tile { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 14px; }
  .tile .k { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
  .tile .v { font-size:22px; font-weight:600; margin-top:2px; font-variant-numeric:tabular-nums; }
  .tile canvas { width:100%; height:28px; display:block; margin-top:4px; }
  .alerts { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 14px; margin-bottom:16px; }
  .alerts h2, .card h2 { font-size:15px; margin:0 0 6px; }
  .alerts ul { margin:0; padding-left:18px; } .alerts li.crit { color:var(--red); } .alerts li.warn { color:var(--amber); }
  .ok { color:var(--green); }
  .cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(620px, 1fr)); gap:16px; }
  .card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:14px 16px; }
  .card .sub { color:var(--muted); font-size:12px; margin-bottom:8px; }
  .kpis { display:grid; grid-template-columns:repeat(5, 1fr); gap:8px; margin:8px 0; }
  .kpi .k { color:var(--muted); font-size:11px; text-transform:uppercase; letter-spacing:.04em; }
  .kpi .v { font-size:18px; font-weight:600; font-variant-numeric:tabular-nums; }
  .kpi .t { font-size:11px; color:var(--muted); }
  .good { color:var(--green); } .bad { color:var(--red); } .warn { color:var(--amber); }
  .bar { height:8px; background:#eef1f5; border-radius:4px; overflow:hidden; margin:4px 0 8px; position:relative; }
  .bar > i { display:block; height:100%; background:var(--blue); }
  .bar > b { position:absolute; top:-2px; width:2px; height:12px; background:#111827; }
  canvas.day { width:100%; height:170px; display:block; }
  table { width:100%; border-collapse:collapse; margin-top:8px; font-size:12.5px; font-variant-numeric:tabular-nums; }
  th { text-align:right; color:var(--muted); font-weight:500; border-bottom:1px solid var(--line); padding:3px 6px; }
  td { text-align:right; border-bottom:1px solid #f0f2f5; padding:3px 6px; }
  th:first-child, td:first-child { text-align:left; }
  .legend { font-size:11px; color:var(--muted); }
  .legend span { display:inline-block; width:14px; height:3px; vertical-align:middle; margin:0 4px 0 10px; }
  .empty { color:var(--muted); padding:30px; text-align:center; }
</style>
</head>
<body data-errors="0" data-updates="0">
<header>
  <h1>bidline · campaign dashboard</h1>
  <span id="engine-facts" style="color:#cbd5e1;font-size:13px"></span>
  <span class="status"><span id="dot" class="dot"></span><span id="status">connecting…</span></span>
</header>
<main>
  <section class="tiles">
    <div class="tile"><div class="k">Spend today</div><div class="v" id="t-spend">–</div><div class="t legend" id="t-spend-of"></div></div>
    <div class="tile"><div class="k">Win rate</div><div class="v" id="t-winrate">–</div></div>
    <div class="tile"><div class="k">Requests / s</div><div class="v" id="t-qps">–</div><canvas id="s-qps"></canvas></div>
    <div class="tile"><div class="k">Latency p50</div><div class="v" id="t-p50">–</div></div>
    <div class="tile"><div class="k">Latency p99</div><div class="v" id="t-p99">–</div><canvas id="s-p99"></canvas></div>
    <div class="tile"><div class="k">Bids / wins today</div><div class="v" id="t-bids">–</div></div>
  </section>
  <section class="alerts" id="alerts"><h2>Active alerts</h2><div id="alert-body">loading…</div></section>
  <section class="cards" id="cards"><div class="empty">waiting for the engine…</div></section>
</main>
<script>
"use strict";
(function () {
  var errors = 0;
  function noteError() { errors++; document.body.dataset.errors = String(errors); }
  window.addEventListener("error", noteError);
  window.addEventListener("unhandledrejection", noteError);
  var origError = console.error;
  console.error = function () { noteError(); origError.apply(console, arguments); };

  var STATS_MS = 2000, SERIES_MS = 30000;
  var catalog = null, catalogVersion = -1, series = null, lastStats = null, updates = 0;
  var qpsHist = [], p99Hist = [];

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function money(micros, cur) {
    var v = micros / 1e6, s = Math.abs(v) >= 1000 ? v.toLocaleString("en-US", {maximumFractionDigits: 0})
                                                  : v.toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2});
    return (cur === "USD" || !cur ? "$" : cur + " ") + s;
  }
  function pct(x) { return isFinite(x) ? (x * 100).toFixed(1) + "%" : "–"; }
  function us(v) { return v >= 1000 ? (v / 1000).toFixed(2) + " ms" : v.toFixed(0) + " µs"; }
  var apiKey = (function () {
    var m = /(?:^#|&)key=([^&]+)/.exec(location.hash);
    try {
      if (m) {
        sessionStorage.setItem("bidline-key", decodeURIComponent(m[1]));
        history.replaceState(null, "", location.pathname + location.search);
      }
      return sessionStorage.getItem("bidline-key");
    } catch (e) {
      return m ? decodeURIComponent(m[1]) : null;
    }
  })();
  function getJson(url) {
    var options = {cache: "no-store"};
    if (apiKey) options.headers = {"Authorization": "Bearer " + apiKey};
    return fetch(url, options).then(function (r) {
      if (r.status === 401 || r.status === 403) {
        document.body.dataset.auth = "needed";
        throw new Error("this engine needs an API key with the read scope: open /dashboard#key=YOUR_KEY");
      }
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }
  function setStatus(kind, text) { $("dot").className = "dot " + kind; $("status").textContent = text; }

  // ---- charts ---------------------------------------------------------
  function sizeCanvas(c) {
    var dpr = window.devicePixelRatio || 1, w = c.clientWidth || 300, h = c.clientHeight || 150;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) { c.width = Math.round(w * dpr); c.height = Math.round(h * dpr); }
    var g = c.getContext("2d"); g.setTransform(dpr, 0, 0, dpr, 0, 0); g.clearRect(0, 0, w, h);
    return {g: g, w: w, h: h};
  }
  function sparkline(c, values, color) {
    var s = sizeCanvas(c), g = s.g;
    if (values.length < 2) return;
    var max = Math.max.apply(null, values) || 1;
    g.strokeStyle = color; g.lineWidth = 1.5; g.beginPath();
    values.forEach(function (v, i) {
      var x = i / (values.length - 1) * s.w, y = s.h - 2 - v / max * (s.h - 4);
      if (i) g.lineTo(x, y); else g.moveTo(x, y);
    });
    g.stroke();
  }
  // Cumulative spend over the UTC day: actual (blue) against the plan
  // (grey dashed: even pacing of the daily budget); a dot marks the
  // engine's own plan-to-now figure when it reports one.
  function dayChart(c, points, budget, nowFrac, planNow, cur) {
    var s = sizeCanvas(c), g = s.g, L = 58, R = 10, T = 8, B = 20, W = s.w - L - R, H = s.h - T - B;
    var last = points.length ? points[points.length - 1][1] : 0;
    var top = Math.max(budget, last, planNow || 0) * 1.05 || 1;
    function X(f) { return L + f * W; } function Y(v) { return T + H - v / top * H; }
    g.font = "11px system-ui, sans-serif"; g.fillStyle = "#667085"; g.strokeStyle = "#eef1f5"; g.lineWidth = 1;
    for (var i = 0; i <= 4; i++) {
      var v = top / 4 * i, y = Y(v);
      g.beginPath(); g.moveTo(L, y); g.lineTo(L + W, y); g.stroke();
      g.textAlign = "right"; g.fillText(money(v, cur), L - 6, y + 4);
    }
    g.textAlign = "center";
    for (var hr = 0; hr <= 24; hr += 3) g.fillText(String(hr).padStart(2, "0") + ":00", X(hr / 24), s.h - 5);
    if (budget > 0) {
      g.strokeStyle = "#9aa4b2"; g.setLineDash([5, 4]); g.lineWidth = 1.5;
      g.beginPath(); g.moveTo(X(0), Y(0)); g.lineTo(X(1), Y(budget)); g.stroke(); g.setLineDash([]);
      g.strokeStyle = "#fca5a5"; g.beginPath(); g.moveTo(L, Y(budget)); g.lineTo(L + W, Y(budget)); g.stroke();
    }
    g.strokeStyle = "#cbd5e1"; g.beginPath(); g.moveTo(X(nowFrac), T); g.lineTo(X(nowFrac), T + H); g.stroke();
    if (points.length) {
      g.strokeStyle = "#2563eb"; g.lineWidth = 2.2; g.beginPath();
      points.forEach(function (p, i) { if (i) g.lineTo(X(p[0]), Y(p[1])); else g.moveTo(X(p[0]), Y(p[1])); });
      g.stroke();
      g.fillStyle = "#2563eb"; g.beginPath(); g.arc(X(points[points.length - 1][0]), Y(last), 3.5, 0, 7); g.fill();
    }
    if (planNow != null) { g.fillStyle = "#111827"; g.beginPath(); g.arc(X(nowFrac), Y(planNow), 3, 0, 7); g.fill(); }
    c.dataset.drawnSpendMicros = String(last);
    c.dataset.drawnPoints = String(points.length);
  }

  // ---- data shaping ---------------------------------------------------
  function campaignRows(stats) {
    var byId = {};
    (stats.campaigns || []).forEach(function (c) {
      byId[c.id] = {stat: c, items: [], bids: 0, wins: 0, clicks: 0, conv: 0, value: 0, spend: 0};
    });
    (stats.line_items || []).forEach(function (li) {
      var c = byId[li.campaign]; if (!c) return;
      c.items.push(li); c.bids += li.bids; c.wins += li.wins; c.clicks += li.clicks;
      c.conv += li.conversions; c.value += li.conversion_value_micros; c.spend += li.spend_micros;
    });
    return byId;
  }
  function catalogCampaign(id) {
    if (!catalog) return null;
    for (var i = 0; i < catalog.campaigns.length; i++) if (catalog.campaigns[i].id === id) return catalog.campaigns[i];
    return null;
  }
  function targetsOf(cc) {
    var t = {cpa: 0, roas: 0};
    if (!cc) return t;
    cc.line_items.forEach(function (li) {
      if (li.target_cpa_micros > 0) t.cpa = t.cpa ? Math.min(t.cpa, li.target_cpa_micros) : li.target_cpa_micros;
      if (li.target_roas > 0) t.roas = Math.max(t.roas, li.target_roas);
    });
    return t;
  }
  function pick(obj, names) {
    for (var i = 0; i < names.length; i++) if (obj && typeof obj[names[i]] === "number") return obj[names[i]];
    return null;
  }
  // Cumulative spend today per campaign from the minute series; the points
  // end at the live figure from /v1/stats.
  function spendCurve(campaignId, spendNow, dayStartMin, nowMin) {
    var perMin = {}, firstMin = null;
    if (series) series.line_items.forEach(function (li) {
      if (li.campaign !== campaignId) return;
      var s = li.series;
      for (var i = 0; i < s.minutes; i++) {
        var m = s.start_minute + i; if (m < dayStartMin) continue;
        perMin[m] = (perMin[m] || 0) + s.spend_micros[i];
        if (firstMin === null || m < firstMin) firstMin = m;
      }
    });
    var mins = Object.keys(perMin).map(Number).sort(function (a, b) { return a - b; });
    var inSeries = mins.reduce(function (a, m) { return a + perMin[m]; }, 0);
    var acc = Math.max(0, spendNow - inSeries);  // spent before the series began (e.g. before a restart)
    var pts = [[(firstMin === null ? nowMin : firstMin) - dayStartMin, acc]];
    mins.forEach(function (m) { acc += perMin[m]; pts.push([m + 1 - dayStartMin, Math.min(acc, spendNow)]); });
    pts.push([nowMin - dayStartMin, spendNow]);
    return pts.map(function (p) { return [Math.max(0, Math.min(1, p[0] / 1440)), p[1]]; });
  }

  // ---- rendering ------------------------------------------------------
  function kpi(label, value, cls, note) {
    var d = el("div", "kpi"); d.appendChild(el("div", "k", label));
    d.appendChild(el("div", "v " + (cls || ""), value));
    if (note) d.appendChild(el("div", "t", note));
    return d;
  }
  // How far through its own day (0..1) the campaign's time zone is: pacing
  // plans run from the campaign's local midnight.
  function dayFraction(tz, ms) {
    try {
      var parts = new Intl.DateTimeFormat("en-GB", {timeZone: tz || "UTC", hour: "2-digit", minute: "2-digit",
                                                    second: "2-digit", hourCycle: "h23"}).formatToParts(new Date(ms));
      var v = {}; parts.forEach(function (p) { v[p.type] = Number(p.value); });
      return (v.hour * 3600 + v.minute * 60 + v.second) / 86400;
    } catch (e) {
      return (ms / 864e5) % 1;
    }
  }
  function renderCampaigns(stats) {
    var rows = campaignRows(stats), cards = $("cards");
    var nowUs = stats.time_us, nowMinF = nowUs / 6e7;
    cards.textContent = "";
    (stats.campaigns || []).forEach(function (c) {
      var nowFrac = dayFraction(c.timezone, nowUs / 1000), dayStartMin = nowMinF - nowFrac * 1440;
      var r = rows[c.id], cc = catalogCampaign(c.id), cur = cc ? cc.currency : "USD";
      var budget = c.budget_micros, spend = c.spend_micros, left = Math.max(0, budget - spend);
      var planNow = pick(c, ["planned_spend_micros"]);
      var plan = planNow != null ? planNow : budget * nowFrac;
      var winRate = r.bids ? r.wins / r.bids : NaN;
      var card = el("article", "card");
      card.dataset.campaign = c.id; card.dataset.spendMicros = String(spend);
      card.dataset.budgetMicros = String(budget); card.dataset.winRate = isFinite(winRate) ? winRate.toFixed(4) : "";
      card.appendChild(el("h2", null, (cc && cc.name ? cc.name + " " : "") + "· " + c.id));
      card.appendChild(el("div", "sub", (cc ? cc.advertiser : c.advertiser) + " · pacing " + c.pacing +
                                          " · day in " + (c.timezone || "UTC")));
      var k = el("div", "kpis");
      var pace = plan > 0 ? spend / plan - 1 : NaN;
      k.appendChild(kpi("Spent today", money(spend, cur), "", budget > 0 ? "of " + money(budget, cur) : "no daily cap"));
      k.appendChild(kpi("Budget left", budget > 0 ? money(left, cur) : "uncapped", left === 0 && budget > 0 ? "bad" : ""));
      k.appendChild(kpi("vs plan now", isFinite(pace) ? (pace >= 0 ? "+" : "") + (pace * 100).toFixed(0) + "%" : "–",
                        !isFinite(pace) ? "" : Math.abs(pace) <= 0.1 ? "good" : pace > 0 ? "warn" : "bad",
                        "plan " + money(plan, cur) + (planNow != null ? " (engine)" : " (even pace)")));
      k.appendChild(kpi("Win rate", pct(winRate), "", r.wins + " / " + r.bids + " bids"));
      var t = targetsOf(cc), mult = pick(c, ["bid_multiplier", "pacing_multiplier", "multiplier"]);
      if (t.roas > 0) {
        var roas = r.spend ? r.value / r.spend : NaN;
        k.appendChild(kpi("ROAS", isFinite(roas) ? roas.toFixed(2) + "×" : "–", isFinite(roas) ? (roas >= t.roas ? "good" : "bad") : "",
                          "target " + t.roas.toFixed(2) + "×"));
      } else {
        var cpa = r.conv ? r.spend / r.conv : NaN;
        k.appendChild(kpi("CPA", isFinite(cpa) ? money(cpa, cur) : "–",
                          t.cpa > 0 && isFinite(cpa) ? (cpa <= t.cpa ? "good" : "bad") : "",
                          (t.cpa > 0 ? "target " + money(t.cpa, cur) : "no target") + " · " + r.conv + " conv"));
      }
      card.appendChild(k);
      var bar = el("div", "bar"), fill = el("i"), mark = el("b");
      fill.style.width = (budget > 0 ? Math.min(100, spend / budget * 100) : 0) + "%";
      mark.style.left = (budget > 0 ? Math.min(100, plan / budget * 100) : 0) + "%";
      bar.appendChild(fill); bar.appendChild(mark); card.appendChild(bar);
      var canvas = el("canvas", "day"); canvas.dataset.campaign = c.id; card.appendChild(canvas);
      var lg = el("div", "legend");
      lg.innerHTML = '<span style="background:#2563eb"></span>spend today<span style="background:#9aa4b2"></span>plan (even pacing)' +
                     '<span style="background:#fca5a5"></span>daily budget' + (planNow != null ? " · ● engine plan by now" : "") + (mult != null ? " · bid multiplier " + mult.toFixed(2) + "×" : "");
      card.appendChild(lg);
      var table = el("table"), head = el("tr");
      ["Line item", "Strategy", "Spend", "Bids", "Wins", "Win rate", "Clicks", "CTR", "Bid mult."].forEach(function (h) { head.appendChild(el("th", null, h)); });
      table.appendChild(head);
      r.items.forEach(function (li) {
        var tr = el("tr"), m = pick(li, ["bid_multiplier", "pacing_multiplier", "multiplier"]);
        [li.id, li.strategy, money(li.spend_micros, cur), li.bids, li.wins, pct(li.bids ? li.wins / li.bids : NaN), li.clicks,
         pct(li.wins ? li.clicks / li.wins : NaN), m != null ? m.toFixed(2) + "×" : "–"].forEach(function (v) { tr.appendChild(el("td", null, String(v))); });
        table.appendChild(tr);
      });
      card.appendChild(table);
      cards.appendChild(card);
      dayChart(canvas, spendCurve(c.id, spend, dayStartMin, nowMinF), budget, nowFrac, planNow, cur);
    });
    if (!(stats.campaigns || []).length) cards.appendChild(el("div", "empty", "no campaigns configured"));
  }
  function renderEngine(stats) {
    var e = stats.engine, t = stats.totals, p50 = 0, p99 = 0, budget = 0;
    (stats.shards || []).forEach(function (s) { p50 = Math.max(p50, s.latency_us.p50); p99 = Math.max(p99, s.latency_us.p99); });
    (stats.campaigns || []).forEach(function (c) { budget += c.budget_micros; });
    qpsHist.push(e.qps); p99Hist.push(p99);
    if (qpsHist.length > 150) { qpsHist.shift(); p99Hist.shift(); }
    $("t-spend").textContent = money(t.spend_micros, "USD");
    $("t-spend-of").textContent = budget > 0 ? "of " + money(budget, "USD") + " daily budgets" : "";
    $("t-winrate").textContent = pct(t.bids ? t.wins / t.bids : NaN);
    $("t-qps").textContent = e.qps.toFixed(0);
    $("t-p50").textContent = us(p50);
    $("t-p99").textContent = us(p99);
    $("t-bids").textContent = t.bids.toLocaleString("en-US") + " / " + t.wins.toLocaleString("en-US");
    $("engine-facts").textContent = e.shards + " shards · " + e.io_backend + " · up " + Math.floor(e.uptime_s / 60) + " min";
    sparkline($("s-qps"), qpsHist, "#2563eb");
    sparkline($("s-p99"), p99Hist, "#d97706");
    document.body.dataset.qps = String(e.qps);
    document.body.dataset.p99Us = String(p99);
  }
  function renderAlerts(a) {
    var body = $("alert-body"); body.textContent = "";
    var list = ((a && a.alerts) || []).filter(function (x) { return x.state !== "resolved"; });
    if (!list.length) { body.appendChild(el("span", "ok", a && a.available === false ? "No alerts (alerting is not enabled on this engine)" : "No active alerts")); return; }
    var ul = el("ul");
    list.forEach(function (x) {
      ul.appendChild(el("li", x.severity === "critical" ? "crit" : "warn",
                        (x.severity || "warning") + " · " + (x.line_item || x.campaign || x.subject || "engine") +
                        " · " + (x.rule || "") + ": " + (x.message || JSON.stringify(x)) +
                        (x.since ? " (since " + x.since.slice(11, 16) + " UTC)" : "")));
    });
    body.appendChild(ul);
  }

  // ---- polling --------------------------------------------------------
  function refreshCatalog(version) {
    if (version === catalogVersion && catalog) return Promise.resolve();
    return getJson("/dashboard/catalog.json").then(function (c) { catalog = c; catalogVersion = version; });
  }
  function refreshSeries() {
    return getJson("/v1/stats/series?minutes=1440").then(function (s) { series = s; });
  }
  function poll() {
    getJson("/v1/stats").then(function (stats) {
      return refreshCatalog(stats.engine.catalog_version).then(function () {
        lastStats = stats;
        renderEngine(stats);
        renderCampaigns(stats);
        updates++;
        document.body.dataset.updates = String(updates);
        document.body.dataset.statsTimeUs = String(stats.time_us);
        setStatus("live", "live · updated " + new Date(stats.time_us / 1000).toISOString().substr(11, 8) + " UTC");
      });
    }).catch(function (err) {
      setStatus("stale", document.body.dataset.auth === "needed" ? err.message : "engine unreachable: " + err.message);
    });
    getJson("/dashboard/alerts.json").then(renderAlerts).catch(function () { renderAlerts(null); });
  }
  refreshSeries().catch(function () {}).then(poll);
  setInterval(poll, STATS_MS);
  setInterval(function () { refreshSeries().then(function () { if (lastStats) renderCampaigns(lastStats); }).catch(function () {}); }, SERIES_MS);
  window.addEventListener("resize", function () { if (lastStats) renderCampaigns(lastStats); });
})();
</script>
</body>
</html>
)bidline_html";

}  // namespace

std::string_view dashboard_page() { return kPage; }

}  // namespace bidline
