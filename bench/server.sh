# Shared by the bench scripts that start their own server: sourced, with $root set to the repository.
#   bench_publish            builds the server as ./fukushimap serve runs it (ReadyToRun; only when a source changed) and sets $dll
#   bench_launch <log> [env] starts it on a free loopback port (extra VAR=value settings allowed), sets $url, $port and
#                            $server_pid, and returns at once
#   bench_start <log> [env]  the same, and returns once it answers (1 when it never does; the log's tail is shown)
#   bench_rss_mb             the server's resident memory now, MB
# Sourcing also makes $work (a temporary folder) and a trap on EXIT that calls bench_on_exit when the script defines it,
#   stops the server and removes $work.

work=$(mktemp -d)
server_pid=""
bench_cleanup() {
  if declare -F bench_on_exit >/dev/null; then bench_on_exit || true; fi
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap bench_cleanup EXIT

bench_publish() {
  (source "$root/fukushimap" && ensure_dotnet && publish_app)
  dll="$root/src/FukushiMap.Server/bin/Release/app/FukushiMap.Server.dll"
}

bench_launch() {
  local log=$1; shift
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  url="http://127.0.0.1:$port"
  env "$@" FukushiMap__Url="$url" dotnet "$dll" serve --urls "$url" >"$log" 2>&1 &
  server_pid=$!
}

bench_start() {
  local log=$1
  bench_launch "$@"
  # Up to 15 minutes: a first start on an empty database imports the reference data.
  local deadline=$((SECONDS + 900))
  while [ "$SECONDS" -lt "$deadline" ]; do
    curl -sf -o /dev/null "$url/api/hub-types" 2>/dev/null && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.02
  done
  tail -20 "$log" >&2
  echo "サーバーが起動しませんでした" >&2
  return 1
}

bench_rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server_pid/status"; }
