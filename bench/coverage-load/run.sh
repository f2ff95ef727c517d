#!/usr/bin/env bash
# Coverage under load (issue 14, deliverable 4): 100 connections ask for the 宇部市 coverage as GeoJSON and for its gaps, in turn,
# for 60 s, each sending Accept-Encoding: gzip as browsers do (bench/coverage-load/coverage.lua). Prints answers per second, p50/p95/p99,
# errors and the server's memory growth over the run, and writes bench/results/<date>-coverage-load.md.
# Targets: >= 1,000 answers/s, p95 <= 100 ms, 0 errors, RSS growth <= 100 MB. Exits 1 when one is missed.
#
#   export FUKUSHIMAP_DB="$(./fukushimap db | sed -n 's/^FUKUSHIMAP_DB=//p')"   # the project's cluster (quoted: it holds ';')
#   bench/coverage-load/run.sh                        # starts its own Release server (as serve does) on a free loopback port
#
# Settings: COVERAGE_LOAD_SECONDS (60), COVERAGE_LOAD_CONNECTIONS (100), COVERAGE_LOAD_THREADS (2), COVERAGE_LOAD_PATHS (the two
# questions, space-separated), targets COVERAGE_LOAD_RPS (1000), COVERAGE_LOAD_P95_MS (100), COVERAGE_LOAD_RSS_MB (100).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${COVERAGE_LOAD_SECONDS:-60}
connections=${COVERAGE_LOAD_CONNECTIONS:-100}
threads=${COVERAGE_LOAD_THREADS:-2}
target_rps=${COVERAGE_LOAD_RPS:-1000}
target_ms=${COVERAGE_LOAD_P95_MS:-100}
target_mb=${COVERAGE_LOAD_RSS_MB:-100}
export COVERAGE_LOAD_PATHS=${COVERAGE_LOAD_PATHS:-"/api/coverage?municipality=35202&minutes=10&pace=80&format=geojson /api/coverage/gaps?municipality=35202&minutes=10&pace=80"}
command -v wrk >/dev/null || { echo "wrk がありません（apt-get install wrk、または ./fukushimap test が入れます）" >&2; exit 2; }
[ -n "${FUKUSHIMAP_DB:-}" ] || { echo "FUKUSHIMAP_DB を設定してください（./fukushimap db）" >&2; exit 2; }
[ "$seconds" -le 300 ] || { echo "COVERAGE_LOAD_SECONDS は 300 秒までです" >&2; exit 2; }

source "$root/bench/server.sh"
bench_publish
echo "==> サーバーを起動中"
bench_start "$work/server.log"

echo "==> 最初の答え（計算する 1 回）と、gzip で届く大きさ"
read -r -a paths <<<"$COVERAGE_LOAD_PATHS"
firsts=()
for p in "${paths[@]}"; do
  line=$(curl -s -o "$work/body" -H 'Accept-Encoding: gzip' -D "$work/headers" -w '%{http_code} %{time_total} %{size_download}' "$url$p")
  read -r code took size <<<"$line"
  [ "$code" = 200 ] || { echo "$p: HTTP $code" >&2; tail -20 "$work/server.log" >&2; exit 1; }
  encoding=$(tr -d '\r' <"$work/headers" | awk -F': ' 'tolower($1) == "content-encoding" {print $2}')
  plain=$(curl -s -o /dev/null -w '%{size_download}' "$url$p")
  firsts+=("| \`$p\` | $(awk -v t="$took" 'BEGIN {printf "%.0f", t * 1000}') | ${encoding:-なし} | $((size / 1024)) | $((plain / 1024)) |")
  echo "    $p: 初回 ${took} 秒、${encoding:-圧縮なし} $((size / 1024)) KB（圧縮なし $((plain / 1024)) KB）"
done

echo "==> ウォームアップ（5 秒）"
wrk -t"$threads" -c"$connections" -d5s --timeout 10s -s "$here/coverage.lua" "$url" >/dev/null
rss_before=$(bench_rss_mb)
echo "==> $connections 接続で ${seconds} 秒（RSS 開始時 ${rss_before} MB）"
( while kill -0 "$server_pid" 2>/dev/null; do bench_rss_mb; echo; sleep 0.5; done ) >"$work/rss.txt" &
sampler=$!
result=$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s -s "$here/coverage.lua" "$url" | grep '^RESULT')
kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
rss_after=$(bench_rss_mb)
peak=$(grep -E '^[0-9]+$' "$work/rss.txt" | sort -n | tail -1)
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "    $result"
echo "    RSS: 開始 ${rss_before} MB → 終了 ${rss_after} MB（最大 ${peak} MB）、負荷 $load"

get() { sed -E "s/.*$1=([0-9.]+).*/\\1/" <<<"$result"; }
rps=$(get rps); p95=$(get p95_ms); errors=$(get errors)
growth=$((peak - rss_before))
date=$(date -u +%Y-%m-%d)
out="$root/bench/results/$date-coverage-load.md"
{
  echo "# 解析の答えを大勢で同時に（$date, $(nproc) コア, 負荷 $load）"
  echo
  echo "\`bench/coverage-load/run.sh\`: Release のサーバーを起動し、次の問いを交互に $connections 接続・${seconds} 秒（wrk -t$threads、\`Accept-Encoding: gzip, deflate\`）。"
  echo
  echo "| 問い | 初回 (ms) | 圧縮 | 圧縮後 (KB) | 圧縮なし (KB) |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${firsts[@]}"
  echo
  echo "| 答え/秒 | p50 (ms) | p95 (ms) | p99 (ms) | 最大 (ms) | 件数 | エラー | RSS 開始 → 最大 (MB) |"
  echo "|---|---|---|---|---|---|---|---|"
  echo "| $rps | $(get p50_ms) | $p95 | $(get p99_ms) | $(get max_ms) | $(get requests) | $errors | $rss_before → $peak（+$growth） |"
  echo
  echo "目標: ${target_rps} 答え/秒以上、p95 ${target_ms} ms 以下、エラー 0、RSS の増加 ${target_mb} MB 以下。"
} >"$out"
echo "==> 記録: ${out#$root/}"

if awk -v r="$rps" -v p="$p95" -v e="$errors" -v g="$growth" -v tr="$target_rps" -v tp="$target_ms" -v tg="$target_mb" \
    'BEGIN { exit !(r >= tr && p <= tp && e == 0 && g <= tg) }'; then
  echo "OK: ${rps} 答え/秒、p95 ${p95} ms、エラー ${errors}、RSS +${growth} MB"
else
  echo "NG: ${rps} 答え/秒（目標 ${target_rps} 以上）、p95 ${p95} ms（目標 ${target_ms} 以下）、エラー ${errors}、RSS +${growth} MB（目標 ${target_mb} 以下）" >&2
  exit 1
fi
