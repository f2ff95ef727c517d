#!/usr/bin/env bash
# Load test of /api/nearest-hubs on loopback: 100 concurrent connections, bounded in time, varied 宇部市 starting points.
# Target (issue 6): p95 <= 20 ms and no errors. Exits non-zero when the target is missed.
#
#   eval "$(./fukushimap db | sed 's/^/export /')"   # FUKUSHIMAP_DB of the project's cluster
#   bench/finder-load/run.sh                          # starts its own server on a free loopback port
#   FINDER_BENCH_URL=http://127.0.0.1:5080 bench/finder-load/run.sh   # or measure a running one (loopback only)
#
# Settings: FINDER_BENCH_SECONDS (20), FINDER_BENCH_CONNECTIONS (100), FINDER_BENCH_THREADS (2), FINDER_BENCH_P95_MS (20).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${FINDER_BENCH_SECONDS:-20}
connections=${FINDER_BENCH_CONNECTIONS:-100}
threads=${FINDER_BENCH_THREADS:-2}
target_ms=${FINDER_BENCH_P95_MS:-20}
data=${FUKUSHIMAP_DATA:-$root/../shared/gis-data}
command -v wrk >/dev/null || { echo "wrk がありません（apt-get install wrk、または ./fukushimap test が入れます）" >&2; exit 2; }
[ "$seconds" -le 120 ] || { echo "FINDER_BENCH_SECONDS は 120 秒までです" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

url=${FINDER_BENCH_URL:-}
if [ -z "$url" ]; then
  [ -n "${FUKUSHIMAP_DB:-}" ] || { echo "FUKUSHIMAP_DB を設定してください（./fukushimap db）" >&2; exit 2; }
  dll="$root/src/FukushiMap.Server/bin/Release/net10.0/FukushiMap.Server.dll"
  [ -f "$dll" ] || (cd "$root" && dotnet build src/FukushiMap.Server -c Release -nologo -v q -clp:ErrorsOnly)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 5189)
  url="http://127.0.0.1:$port"
  FukushiMap__Url="$url" dotnet "$dll" serve --urls "$url" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do curl -sf "$url/api/hub-types" >/dev/null 2>&1 && break; sleep 1; done
fi
case "$url" in
  http://127.*|http://localhost*|http://\[::1\]*) ;;
  *) echo "負荷をかけるのはループバック（127.0.0.1 / localhost）だけです: $url" >&2; exit 2 ;;
esac

# Starting points: the Geolonia 町丁 points of 宇部市 inside the walking network's extent that the API answers with 200.
grep -oE '"lat":[0-9.]+,"lng":[0-9.]+' "$data/geolonia-japanese-addresses/35202_"*.json \
  | sed -E 's/"lat":([0-9.]+),"lng":([0-9.]+)/\1 \2/' \
  | awk '$1 >= 33.925 && $1 <= 34.001 && $2 >= 131.219 && $2 <= 131.326' >"$work/candidates.txt"
: >"$work/points.txt"
while read -r lat lon; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$url/api/nearest-hubs?lat=$lat&lon=$lon&limit=5")
  [ "$code" = 200 ] && echo "$lat $lon" >>"$work/points.txt"
done <"$work/candidates.txt"
echo "==> 出発点: $(wc -l <"$work/points.txt") か所（候補 $(wc -l <"$work/candidates.txt")）"

export FINDER_POINTS="$work/points.txt"
echo "==> ウォームアップ（5 秒）"
wrk -t"$threads" -c"$connections" -d5s --timeout 2s -s "$here/nearest-hubs.lua" "$url" >/dev/null
cpu_ticks() { [ -n "$server_pid" ] && awk '{print $14 + $15}' "/proc/$server_pid/stat" || echo 0; }
echo "==> 計測: $connections 同時接続, ${seconds} 秒, $url/api/nearest-hubs（マシンの負荷: $(cut -d' ' -f1-3 /proc/loadavg)）"
before=$(cpu_ticks)
wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 2s --latency -s "$here/nearest-hubs.lua" "$url" | tee "$work/wrk.txt"
after=$(cpu_ticks)
result=$(grep '^RESULT' "$work/wrk.txt")
if [ -n "$server_pid" ]; then
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$result")
  # Server CPU per request (user + system), independent of how busy the rest of the machine is.
  awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN { if (n > 0) printf "==> サーバーの CPU 時間: 1 リクエストあたり %.0f µs（%d 件）\n", t / hz * 1e6 / n, n }'
fi
p95=$(sed -E 's/.*p95_ms=([0-9.]+).*/\1/' <<<"$result")
errors=$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$result")
if awk -v p="$p95" -v t="$target_ms" 'BEGIN { exit !(p <= t) }' && [ "$errors" = 0 ]; then
  echo "OK: p95 ${p95} ms <= ${target_ms} ms, エラー 0"
else
  echo "NG: p95 ${p95} ms（目標 ${target_ms} ms 以下）, エラー ${errors}" >&2
  exit 1
fi
