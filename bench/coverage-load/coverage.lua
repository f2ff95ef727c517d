-- wrk script: the planners' training session of issue 14, everyone pressing the same button: GET /api/coverage as GeoJSON and
-- /api/coverage/gaps for 宇部市, in turn, each request sending Accept-Encoding: gzip as browsers do. done() prints the answers per
-- second, the percentiles in milliseconds and the error counts (connect, read, write, timeout, and status >= 400), as run.sh reads.

local paths = {}
for p in (os.getenv("COVERAGE_LOAD_PATHS") or
    "/api/coverage?municipality=35202&minutes=10&pace=80&format=geojson /api/coverage/gaps?municipality=35202&minutes=10&pace=80")
    :gmatch("%S+") do
  paths[#paths + 1] = p
end
local headers = { ["Accept-Encoding"] = "gzip, deflate" }

local thread_count = 0
function setup(thread)
  thread:set("offset", thread_count)
  thread_count = thread_count + 1
end

local i = 0
function init(args)
  i = tonumber(offset) or 0
end

function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_s=%.1f rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d status_errors=%d timeouts=%d bytes=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.status + e.timeout, e.status, e.timeout, summary.bytes))
end
