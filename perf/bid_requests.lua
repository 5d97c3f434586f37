-- wrk script of perf/run.sh: POSTs the bid requests of an NDJSON file (one
-- OpenRTB request per line, perf/make_requests.py) to /openrtb2/bid in turn,
-- and prints one machine-readable summary line at the end.
--   wrk -t1 -c64 -d20s -s perf/bid_requests.lua http://127.0.0.1:PORT -- requests.ndjson
-- The requests are formatted once in init(): per request, wrk only picks the
-- next string, so the load generator spends its core on I/O, not on Lua.
local wire = {}
local count = 0
local next_index = 0

function init(args)
   local path = args[1] or error("usage: ... -- REQUESTS.ndjson")
   local headers = { ["Content-Type"] = "application/json", ["x-openrtb-version"] = "2.6" }
   for line in io.lines(path) do
      if #line > 0 then
         count = count + 1
         wire[count] = wrk.format("POST", "/openrtb2/bid", headers, line)
      end
   end
   if count == 0 then error("no requests in " .. path) end
end

function request()
   next_index = next_index % count + 1
   return wire[next_index]
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "wrk_result requests=%d seconds=%.3f rps=%.1f response_bytes=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
      "errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      summary.bytes / math.max(summary.requests, 1),
      latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
      latency.max / 1e3, e.connect, e.read, e.write, e.status, e.timeout))
end
