-- wrk script: the heavy analysis of issue 10 over and over, GET /api/isochrones for every 宇部市 hub, 60 minutes at 150 m/min,
-- one area per hub. done() prints how the server answered (200 computed, 429/503 turned away), in a form run.sh reads.

-- Each request asks a slightly different question (pace 101–150 m/min, 60 minutes): answers are computed once per URL and
-- kept (the answer cache), and a bench of one repeated URL would measure the cache, not the analyses.
local path = os.getenv("HEAVY_PATH")
local threads = {}
local counter = 0

local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

function init(args)
  ok, busy, other = 0, 0, 0
end

function request()
  counter = counter + 1
  if path then return wrk.format("GET", path) end
  local pace = 101 + (counter * 7 + (id or 0) * 13) % 50
  return wrk.format("GET", "/api/isochrones?municipality=35202&minutes=60&grouping=per-hub&pace=" .. pace .. "&walk_off=" .. (counter % 40 + 1))
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
