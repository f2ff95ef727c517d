-- wrk script: GET /api/nearest-hubs at varied starting points (one a request, round robin from a different offset per
-- thread) and the three paces, limit=5 as the finder page asks. Points come from FINDER_POINTS (one "lat lon" a line).
-- done() prints p50/p95/p99 in milliseconds and the error counts, in a form run.sh reads.

local points = {}
local paces = { 80, 60, 48 }

local function load_points()
  local path = os.getenv("FINDER_POINTS")
  assert(path, "FINDER_POINTS is not set")
  for line in io.lines(path) do
    local lat, lon = line:match("^%s*([%d%.%-]+)%s+([%d%.%-]+)")
    if lat then points[#points + 1] = { lat, lon } end
  end
  assert(#points > 0, "no points in " .. path)
end

local thread_count = 0
function setup(thread)
  thread:set("offset", thread_count * 7919)
  thread_count = thread_count + 1
end

local i = 0
function init(args)
  load_points()
  i = tonumber(offset) or 0
end

function request()
  i = i + 1
  local p = points[(i % #points) + 1]
  local pace = paces[(i % #paces) + 1]
  return wrk.format("GET", "/api/nearest-hubs?lat=" .. p[1] .. "&lon=" .. p[2] .. "&pace=" .. pace .. "&limit=5")
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d duration_s=%.1f rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d status_errors=%d timeouts=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors, summary.errors.status, summary.errors.timeout))
end
