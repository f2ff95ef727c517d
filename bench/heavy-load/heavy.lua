-- wrk script: the heavy analysis of issue 10 over and over, GET /api/isochrones for every 宇部市 hub, 60 minutes at 150 m/min,
-- one area per hub. done() prints how the server answered (200 computed, 429/503 turned away), in a form run.sh reads.

local path = os.getenv("HEAVY_PATH") or "/api/isochrones?municipality=35202&minutes=60&pace=150&grouping=per-hub"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok, busy, other = 0, 0, 0
end

function request()
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1
  elseif status == 429 or status == 503 then busy = busy + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local o, b, x = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok"); b = b + t:get("busy"); x = x + t:get("other")
  end
  io.write(string.format("HEAVY requests=%d ok=%d refused=%d other=%d p50_s=%.1f max_s=%.1f timeouts=%d\n",
    summary.requests, o, b, x, latency:percentile(50) / 1e6, latency.max / 1e6, summary.errors.timeout))
end
