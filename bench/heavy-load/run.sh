#!/usr/bin/env bash
# Finder latency while heavy analyses run (issue 10, deliverable 6): 20 connections keep asking for per-hub 60-minute isochrones
# of every 宇部市 hub (the request that once took 26 s each and starved the finder) while /api/nearest-hubs is measured.
# Prints finder p50/p95 idle and under the heavy load, what the heavy requests got (200 / 429·503), and the server's peak RSS.
# Target: finder p95 <= 50 ms with 20 heavy analyses in flight, server memory <= 1 GB. Exits 1 when missed.
#
#   export FUKUSHIMAP_DB="$(./fukushimap db | sed -n 's/^FUKUSHIMAP_DB=//p')"   # the project's cluster (quoted: it holds ';')
#   bench/heavy-load/run.sh                           # starts its own server (as serve does) on a free loopback port
#
# Settings: HEAVY_BENCH_SECONDS (20), HEAVY_BENCH_CONNECTIONS (20), FINDER_BENCH_CONNECTIONS (2), FINDER_BENCH_P95_MS (50),
# HEAVY_BENCH_RSS_MB (1024).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${HEAVY_BENCH_SECONDS:-20}
heavy_connections=${HEAVY_BENCH_CONNECTIONS:-20}
finder_connections=${FINDER_BENCH_CONNECTIONS:-2}
target_ms=${FINDER_BENCH_P95_MS:-50}
target_mb=${HEAVY_BENCH_RSS_MB:-1024}
data=${FUKUSHIMAP_DATA:-$root/../shared/gis-data}
command -v wrk >/dev/null || { echo "wrk がありません（apt-get install wrk、または ./fukushimap test が入れます）" >&2; exit 2; }
[ -n "${FUKUSHIMAP_DB:-}" ] || { echo "FUKUSHIMAP_DB を設定してください（./fukushimap db）" >&2; exit 2; }
[ "$seconds" -le 120 ] || { echo "HEAVY_BENCH_SECONDS は 120 秒までです" >&2; exit 2; }

source "$root/bench/server.sh"
heavy_pid=""
bench_on_exit() { if [ -n "$heavy_pid" ]; then kill "$heavy_pid" 2>/dev/null && wait "$heavy_pid" 2>/dev/null; fi; }
bench_publish
echo "==> サーバーを起動中（初回は参照データの取り込みに数分かかります）"
bench_start "$work/server.log"
echo "    $url"

# Starting points for the finder, as in bench/finder-load.
grep -oE '"lat":[0-9.]+,"lng":[0-9.]+' "$data/geolonia-japanese-addresses/35202_"*.json \
  | sed -E 's/"lat":([0-9.]+),"lng":([0-9.]+)/\1 \2/' \
  | awk '$1 >= 33.925 && $1 <= 34.001 && $2 >= 131.219 && $2 <= 131.326' >"$work/candidates.txt"
: >"$work/points.txt"
while read -r lat lon; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$url/api/nearest-hubs?lat=$lat&lon=$lon&limit=5")
  [ "$code" = 200 ] && echo "$lat $lon" >>"$work/points.txt"
done <"$work/candidates.txt"
export FINDER_POINTS="$work/points.txt"
echo "==> 出発点: $(wc -l <"$work/points.txt") か所"

finder() { wrk -t1 -c"$finder_connections" -d"$1" --timeout 5s -s "$root/bench/finder-load/nearest-hubs.lua" "$url" | grep '^RESULT'; }

echo "==> ウォームアップ（5 秒）と、重い解析 1 件の時間"
finder 5s >/dev/null
single=$(curl -s -o /dev/null -w '%{time_total}' "$url/api/isochrones?municipality=35202&minutes=60&pace=150&grouping=per-hub")
echo "    重い解析 1 件（待ちなし）: ${single} 秒"
echo "==> 何もしていないときの近くの拠点さがし（${seconds} 秒、$finder_connections 接続）"
idle=$(finder "${seconds}s"); echo "    $idle"

echo "==> 重い解析 $heavy_connections 件を途切れなく送りながら（${seconds} 秒 + 準備 5 秒）"
wrk -t1 -c"$heavy_connections" -d"$((seconds + 15))s" --timeout 120s -s "$here/heavy.lua" "$url" >"$work/heavy.txt" 2>&1 &
heavy_pid=$!
peak=0
( while kill -0 "$heavy_pid" 2>/dev/null; do r=$(bench_rss_mb); echo "$r"; sleep 0.5; done ) >"$work/rss.txt" &
sampler=$!
sleep 5
loaded=$(finder "${seconds}s"); echo "    $loaded"
wait "$heavy_pid" || true
heavy_pid=""
wait "$sampler" 2>/dev/null || true
heavy=$(grep '^HEAVY' "$work/heavy.txt" || echo "HEAVY (結果なし)")
echo "    $heavy"
peak=$(sort -n "$work/rss.txt" | tail -1)
hwm=$(awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$server_pid/status")
echo "    サーバーの RSS: 重い解析中の最大 ${peak} MB（起動からの最大 VmHWM ${hwm} MB）"

get() { sed -E "s/.*$1=([0-9.]+).*/\\1/" <<<"$2"; }
date=$(date -u +%Y-%m-%d)
result="$root/bench/results/$date-heavy-load.md"
{
  echo "# 重い解析と近くの拠点さがし（$date, $(nproc) コア, 負荷 $(cut -d' ' -f1-3 /proc/loadavg)）"
  echo
  echo "重い解析: \`/api/isochrones?municipality=35202&minutes=60&grouping=per-hub\`（宇部市の拠点すべて、速さ 101〜150 m/分・walk_off 1〜40 m を 1 件ごとに変えて、答えの再利用なし）を $heavy_connections 接続で途切れなく。"
  echo "近くの拠点さがし: \`/api/nearest-hubs\`（bench/finder-load と同じ出発点と速さ）を $finder_connections 接続で ${seconds} 秒。"
  echo
  echo "| | p50 (ms) | p95 (ms) | p99 (ms) | 件数 |"
  echo "|---|---|---|---|---|"
  echo "| 何もしていないとき | $(get p50_ms "$idle") | $(get p95_ms "$idle") | $(get p99_ms "$idle") | $(get requests "$idle") |"
  echo "| 重い解析 $heavy_connections 件の最中 | $(get p50_ms "$loaded") | $(get p95_ms "$loaded") | $(get p99_ms "$loaded") | $(get requests "$loaded") |"
  echo
  echo "- 重い解析 1 件（待ちなし）: ${single} 秒"
  echo "- 重い解析の結果: \`$heavy\`（ok = 計算して 200、refused = 429/503）"
  echo "- サーバーの RSS: 重い解析中の最大 ${peak} MB、起動からの最大（VmHWM）${hwm} MB"
} >"$result"
echo "==> 記録: ${result#$root/}"

p95=$(get p95_ms "$loaded")
if awk -v p="$p95" -v t="$target_ms" -v m="$peak" -v mt="$target_mb" 'BEGIN { exit !(p <= t && m <= mt) }'; then
  echo "OK: 重い解析の最中の p95 ${p95} ms <= ${target_ms} ms、RSS ${peak} MB <= ${target_mb} MB"
else
  echo "NG: 重い解析の最中の p95 ${p95} ms（目標 ${target_ms} ms 以下）、RSS ${peak} MB（目標 ${target_mb} MB 以下）" >&2
  exit 1
fi
