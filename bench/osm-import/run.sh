#!/usr/bin/env bash
# Clipping a regional OSM PBF to one municipality: FukushiMap's `./fukushimap import network <region.osm.pbf> --municipality`
# against Debian's `osmium extract -p <boundary + margin>` + `osmium cat` (to OSM XML) + `osm2pgrouting`, on the same file,
# into the same PostgreSQL cluster (the project's; osm2pgrouting into a scratch database of it).
# Target (issue 13): a synthetic region of at least 3 million nodes clipped in <= 60 s and <= 1.5 GB peak memory.
#
#   bench/osm-import/run.sh                 # 3 rounds; the region is generated once (bench/osm-import/Program.cs)
#   OSM_BENCH_ROUNDS=5 OSM_BENCH_NODES=4000000 bench/osm-import/run.sh
#
# Settings: OSM_BENCH_ROUNDS (3), OSM_BENCH_NODES (3200000), OSM_BENCH_BOX ("west south east north" of the region, default
# "130.85 33.70 131.75 34.40"), OSM_BENCH_MUNICIPALITY (35202), OSM_BENCH_MARGIN (1000 m),
# OSM_BENCH_DIR (scratch files, default .fukushimap/osm-bench), OSM_BENCH_OUT (bench/results/latest-osm-import.md).
# Wall time and peak RSS come from /usr/bin/time for each process (the project's import is the front door's whole run:
# .NET start, database checks, both passes, splitting, COPY into PostGIS; osm2pgrouting's peak is its own process).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=${OSM_BENCH_ROUNDS:-3}
nodes=${OSM_BENCH_NODES:-3200000}
read -r west south east north <<<"${OSM_BENCH_BOX:-130.85 33.70 131.75 34.40}"
code=${OSM_BENCH_MUNICIPALITY:-35202}
margin=${OSM_BENCH_MARGIN:-1000}
dir=${OSM_BENCH_DIR:-$root/.fukushimap/osm-bench}
out=${OSM_BENCH_OUT:-$root/bench/results/latest-osm-import.md}
scratch_db=fukushimap_osm_bench
network=bench-osm-import
data=${FUKUSHIMAP_DATA:-$root/../shared/gis-data}
mkdir -p "$dir"

# The front door's functions (package installation, the project's cluster) without running a command.
# shellcheck source=../../fukushimap
source "$root/fukushimap"
mkdir -p "$STATE"
ensure_dotnet
ensure_packages "${server_packages[@]}" osmium-tool osm2pgrouting time
ensure_cluster
export_pg_env
pg() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# 1. The region, generated once per size.
region="$dir/region-$nodes-$west-$south-$east-$north.osm.pbf"
if [ ! -s "$region" ]; then
  say "地域の PBF を生成中（ノード約 ${nodes} 個）…"
  (cd "$here" && dotnet build -c Release -nologo -v q -clp:ErrorsOnly 1>&2)
  dotnet "$here/bin/Release/net10.0/FukushiMap.Bench.OsmImport.dll" "$region.tmp" --nodes "$nodes" --west "$west" --south "$south" --east "$east" --north "$north"
  mv "$region.tmp" "$region"
fi
region_nodes=$(osmium fileinfo -e -g data.count.nodes "$region")
region_ways=$(osmium fileinfo -e -g data.count.ways "$region")
region_mb=$(du -m "$region" | cut -f1)

# 2. The municipality's boundary (the reference data's N03 when missing) and the same boundary + margin for osmium.
has_boundary=$(pg -tAc "SELECT count(*) FROM municipalities WHERE code = '$code' AND boundary IS NOT NULL" 2>/dev/null || echo 0)
if [ "$has_boundary" != 1 ]; then
  say "市区町村 $code の境界を参照データから取り込み中…"
  "$root/fukushimap" import boundary "$data/n03-municipality-boundaries/n03_2021_reference_cities_s0010.geojson" -m "$code" >&2
fi
muni_name=$(pg -tAc "SELECT name FROM municipalities WHERE code = '$code'")
polygon="$dir/boundary-$code-$margin.geojson"
pg -tAc "SELECT json_build_object('type', 'Feature', 'properties', json_build_object('code', code), 'geometry',
           ST_AsGeoJSON(ST_Transform(ST_Buffer(ST_Transform(boundary, plane_srid), $margin, 'quad_segs=32'), 6668), 7)::json)
         FROM municipalities WHERE code = '$code'" >"$polygon"

# 3. The scratch database osm2pgrouting writes into.
if ! pg -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$scratch_db'" | grep -q 1; then
  pg -d postgres -c "CREATE DATABASE $scratch_db"
fi
pg -d "$scratch_db" -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pgrouting; CREATE EXTENSION IF NOT EXISTS hstore;" 2>/dev/null

# osm2pgrouting sends an empty password unless given one on its command line (where ps shows it): libpq then reads PGPASSFILE.
export PGPASSFILE="$dir/pgpass"
(umask 077 && printf '%s:%s:%s:%s:%s\n' "$PGHOST" "$PGPORT" "$scratch_db" "$PGUSER" "$PGPASSWORD" >"$PGPASSFILE")

# Debian's mapconfig_for_pedestrian.xml ends with a comment holding "--" (not well-formed XML; osm2pgrouting refuses it):
# the same file up to </configuration>.
mapconfig="$dir/mapconfig_for_pedestrian.xml"
sed '/<\/configuration>/q' /usr/share/osm2pgrouting/mapconfig_for_pedestrian.xml >"$mapconfig"

# The project's import, built and prepared before the clock starts (as a planner's second run would be).
"$root/fukushimap" network list --municipality "$code" >/dev/null

# One timed step: "<seconds> <peak RSS KB>" appended to $dir/<name>.times; the command's output to $dir/<name>.log.
timed() {
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$dir/$name.time1" "$@" >"$dir/$name.log" 2>&1 || { tail -20 "$dir/$name.log" >&2; fail "$name が失敗しました"; }
  cat "$dir/$name.time1" >>"$dir/$name.times"
}

rm -f "$dir"/*.times
load_before=$(cat /proc/loadavg)
for round in $(seq 1 "$rounds"); do
  say "計測 $round / $rounds 回目…"
  # Alternate who goes first, so a busy moment does not always fall on the same side.
  if [ $((round % 2)) = 1 ]; then order="project peer"; else order="peer project"; fi
  for side in $order; do
    if [ "$side" = project ]; then
      timed project "$root/fukushimap" import network "$region" --municipality "$code" --margin "$margin" --name "$network" --replace
    else
      timed osmium-extract osmium extract -p "$polygon" -s complete_ways -O -o "$dir/clip.osm.pbf" "$region"
      timed osmium-cat osmium cat -O -o "$dir/clip.osm" "$dir/clip.osm.pbf"
      timed osm2pgrouting osm2pgrouting -f "$dir/clip.osm" -c "$mapconfig" --clean \
        -d "$scratch_db" -U "$PGUSER" -h "$PGHOST" -p "$PGPORT"
    fi
  done
done
load_after=$(cat /proc/loadavg)

# Medians of seconds and of peak MB; the peer's total time is the sum of its three steps per round.
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }
secs() { cut -d' ' -f1 "$dir/$1.times" | median; }
peak_mb() { awk '{printf "%.0f\n", $2 / 1024}' "$dir/$1.times" | median; }
peer_total=$(paste -d' ' "$dir/osmium-extract.times" "$dir/osmium-cat.times" "$dir/osm2pgrouting.times" | awk '{print $1 + $3 + $5}' | median)
peer_peak=$(cat "$dir"/osmium-extract.times "$dir"/osmium-cat.times "$dir"/osm2pgrouting.times | awk '{print $2 / 1024}' | sort -g | tail -1)
project_s=$(secs project); project_mb=$(peak_mb project)
project_edges=$(pg -tAc "SELECT edge_count FROM networks WHERE name = '$network'")
project_nodes=$(pg -tAc "SELECT node_count FROM networks WHERE name = '$network'")
project_km=$(pg -tAc "SELECT round(sum(length_m)::numeric / 1000, 1) FROM network_edges e JOIN networks n ON n.id = e.network_id WHERE n.name = '$network'")
peer_edges=$(pg -d "$scratch_db" -tAc "SELECT count(*) FROM ways")
peer_nodes=$(pg -d "$scratch_db" -tAc "SELECT count(*) FROM ways_vertices_pgr")
peer_km=$(pg -d "$scratch_db" -tAc "SELECT round(sum(length_m)::numeric / 1000, 1) FROM ways")
clip_ways=$(osmium fileinfo -e -g data.count.ways "$dir/clip.osm.pbf")
clip_nodes=$(osmium fileinfo -e -g data.count.nodes "$dir/clip.osm.pbf")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v s="$project_s" -v m="$project_mb" 'BEGIN {print (s <= 60 && m <= 1536) ? "達成" : "未達"}'; }

mkdir -p "$(dirname "$out")"
cat >"$out" <<EOF
# 地域 PBF から 1 市区町村の歩行ネットワークを切り出す（$(date -u '+%Y-%m-%d %H:%M UTC')）

- 地域: 合成 PBF（bench/osm-import/Program.cs、格子状の道路・建物・高速道路など、経度 ${west}〜${east}・緯度 ${south}〜${north}）ノード ${region_nodes} 個、ウェイ ${region_ways} 本、${region_mb} MB
- 市区町村: ${muni_name}（${code}）の境界 + 余白 ${margin} m（平面直角座標系で測る）
- マシン: $(nproc) コア、$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo)。ロードアベレージ 開始 ${load_before% *}、終了 ${load_after% *}
- ${rounds} 回ずつ、順番を交互に。値は中央値（最大メモリは各プロセスの最大常駐メモリ /usr/bin/time の %M）
- 目標（issue 13）: 60 秒以内、1.5 GB 以内 → **$(verdict)**

| | 経過時間 (s) | 最大メモリ (MB) | 道路（辺） | ノード | 総延長 (km) |
|---|---:|---:|---:|---:|---:|
| FukushiMap \`import network --municipality ${code}\`（PostGIS へ保存まで） | ${project_s} | ${project_mb} | ${project_edges} | ${project_nodes} | ${project_km} |
| osmium extract（complete_ways） | $(secs osmium-extract) | $(peak_mb osmium-extract) | （ウェイ ${clip_ways}） | ${clip_nodes} | |
| osmium cat → OSM XML | $(secs osmium-cat) | $(peak_mb osmium-cat) | | | |
| osm2pgrouting（mapconfig_for_pedestrian） | $(secs osm2pgrouting) | $(peak_mb osm2pgrouting) | ${peer_edges} | ${peer_nodes} | ${peer_km} |
| osmium + osm2pgrouting 合計 | ${peer_total} | ${peer_peak%.*}（3 つのうち最大） | | | |

- 比（osmium + osm2pgrouting ÷ FukushiMap）: 時間 **$(ratio "$peer_total" "$project_s")**、最大メモリ $(ratio "${peer_peak}" "$project_mb")
- 各回の値（秒 KB）: FukushiMap $(tr '\n' ' ' <"$dir/project.times")／ osmium extract $(tr '\n' ' ' <"$dir/osmium-extract.times")／ osmium cat $(tr '\n' ' ' <"$dir/osmium-cat.times")／ osm2pgrouting $(tr '\n' ' ' <"$dir/osm2pgrouting.times")
EOF
cat "$out"
