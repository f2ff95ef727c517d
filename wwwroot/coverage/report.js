// The printable A4 report of one coverage analysis: title and conditions, summary, map with legend, scale and credits,
// gaps, hubs, the district table, the method and the data credits. Parameters come from the query string.
import { h, clear, formatNumber } from '../js/dom.js';
import {
  apiParams, paramsFromQuery, getJson, percent, reachableShare, districtStyle, gapStyle, ISOCHRONE_STYLE, createMap,
  legendItems, hubIcon, reachableBounds, defaultLayerKey, rankedDistricts, districtFlags, rulesText, gapShareNote, REPORT_TOP_DISTRICTS,
  STRAIGHT_LABEL, isStraightOnly, straightShare,
} from './common.js';
import { RULE_STATUS } from './rules.js';

const $ = (id) => document.getElementById(id);
const p = paramsFromQuery(location.search);
$('print').addEventListener('click', () => window.print());

const { map, base } = createMap('map', {
  zoomControl: false, dragging: false, scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false,
  initial: 'base', layersControl: false, fit: false,
});
const tiles = base.roadMap;

function table(el, head, rows) {
  clear(el.tHead).append(h('tr', {}, head.map((x) => h('th', { scope: 'col' }, x))));
  clear(el.tBodies[0]).append(...rows);
}
const td = (v, cls = 'num') => h('td', { class: cls }, v);

(async () => {
  try {
    if (!p.by) p.by = defaultLayerKey(await getJson(`../api/coverage/layers?municipality=${encodeURIComponent(p.municipality)}`));
    const q = apiParams(p);
    $('back').href = `./?${q}`;
    const districtsQuery = new URLSearchParams(q);
    districtsQuery.set('format', 'geojson');
    const gapsQuery = new URLSearchParams(q);
    gapsQuery.set('format', 'geojson');
    const [fc, gaps] = await Promise.all([getJson(`../api/coverage?${districtsQuery}`), getJson(`../api/coverage/gaps?${gapsQuery}`)]);
    const t = fc.totals;
    const name = fc.municipality.name;
    const straightOnly = isStraightOnly(t);
    const straight = t.noNetwork > 0;
    const radius = `${formatNumber(fc.parameters.straightLineMetres)} m`;
    document.title = straightOnly ? `${name} 半径 ${radius}（${STRAIGHT_LABEL}）の人口カバー｜福祉マップ` : `${name} 徒歩 ${p.minutes} 分圏の人口カバー｜福祉マップ`;
    $('title').textContent = straightOnly
      ? `${name}　拠点から半径 ${radius} 以内に住む人・住まない人（${STRAIGHT_LABEL}）`
      : `${name}　拠点から歩いて ${p.minutes} 分で届く人・届かない人`;
    const types = [...new Set(fc.hubs.map((x) => x.typeName))].join('・') || '（拠点なし）';
    const whatIf = fc.hubs.some((x) => x.whatIf) || fc.parameters.closed.length ? '（もしもの変更を含む）' : '';
    $('conditions').textContent = `拠点：${types} ${formatNumber(fc.hubs.length)} か所${whatIf}／歩く速さ 毎分 ${p.pace} m、${p.minutes} 分（${formatNumber(fc.parameters.walkMetres)} m）／区域：${fc.layer.name}${straight ? `／道路データのない所：${STRAIGHT_LABEL}・半径 ${radius}` : ''}`;
    $('date').textContent = `作成日 ${new Date().toLocaleDateString('ja-JP', { year: 'numeric', month: 'long', day: 'numeric' })}　福祉マップ`;

    const straightRows = straight ? [
      [`${STRAIGHT_LABEL}・半径 ${radius} で届く`, formatNumber(t.noNetworkStraightLineCovered),
        percent(straightShare({ no_network: t.noNetwork, no_network_straight_covered: t.noNetworkStraightLineCovered }))],
      [`${STRAIGHT_LABEL}で届かない`, formatNumber(t.noNetworkStraightLineUncovered), ''],
    ] : [];
    const summaryRows = straightOnly ? [['人口', formatNumber(t.population), ''], ...straightRows] : [
      ['人口', formatNumber(t.population), ''],
      [`歩いて ${p.minutes} 分で届く`, formatNumber(t.covered), `${percent(t.coveredShare)}（道路データのある人の ${percent(t.coveredShareOfReachable)}）`],
      ['届かない', formatNumber(t.uncovered), percent(t.population ? t.uncovered / t.population : null)],
      ['道路データなし', formatNumber(t.noNetwork), `${percent(t.population ? t.noNetwork / t.population : null)}（歩行ネットワークの範囲外）`],
      ...straightRows,
      [`比べるため：直線 ${radius} なら届く（全員）`, formatNumber(t.straightLineCovered), percent(t.straightLineCoveredShare)],
      ...t.bands.map((b) => [`${b.name}：届く／届かない`, `${formatNumber(b.covered)} ／ ${formatNumber(b.uncovered)}`, '']),
    ];
    clear($('summary').tBodies[0]).append(...summaryRows.map(([a, b, c]) => h('tr', {}, h('th', { scope: 'row' }, a), td(`${b} 人`), td(c, 'note'))));
    $('layer-note').hidden = !fc.layer.note;
    $('layer-note').textContent = fc.layer.note ?? '';

    // Map: districts, gaps, walking areas and hubs, fitted to the municipality.
    const districts = L.geoJSON(fc, { style: (f) => districtStyle(f.properties) }).addTo(map);
    L.geoJSON(gaps, { style: gapStyle, interactive: false }).addTo(map);
    for (const hub of fc.hubs) L.marker([hub.lat, hub.lon], { icon: hubIcon(hub.whatIf === 'moved'), interactive: false, keyboard: false }).addTo(map);
    const bounds = reachableBounds(districts);
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [4, 4] });
    const ids = fc.hubs.filter((x) => x.id !== null && !x.whatIf && (x.onNetwork || straightOnly)).map((x) => x.id);
    if (ids.length) {
      // For a city without network data the circles are the radius counted (pace 100 m/min × radius/100 minutes).
      const reach = straightOnly ? { minutes: String(fc.parameters.straightLineMetres / 100), pace: '100' } : { minutes: String(p.minutes), pace: String(p.pace) };
      const iso = await getJson(`../api/isochrones?${new URLSearchParams({ municipality: p.municipality, ...reach, hub_ids: ids.join(',') })}`);
      L.geoJSON(iso, { style: () => ISOCHRONE_STYLE }).addTo(map);
    }
    clear($('legend')).append(...legendItems(p.minutes, p.pace, fc.parameters, t));
    // The credit of the base map actually drawn (the report starts on FukushiMap's road map), from the map factory.
    $('map-credits').textContent = `${straightOnly ? `${STRAIGHT_LABEL}で数えた結果です。` : '地図は歩行ネットワークのある範囲を中心に表示（破線の区域は道路データなし）。'}${base.baseCredit()} ｜ Leaflet ｜ ${fc.attribution.join(' ｜ ')}`;

    const byUnits = fc.layer.key === 'units';
    const gapHead = ['順位', '届かない人', ...(fc.totals.bands.some((b) => b.key === 'age_65_plus') ? ['65歳以上'] : []), 'いちばん近い拠点まで',
      ...(byUnits ? ['町丁・字'] : ['区域', '町丁・字']), '区域の表との関係'];
    const allGaps = gaps.features.map((f) => f.properties);
    const byCode = new Map(fc.features.map((f) => [f.properties.district_code, f.properties]));
    table($('gaps'), gapHead, gaps.features.slice(0, 20).map((f) => {
      const g = f.properties;
      return h('tr', {}, td(String(g.rank)), td(formatNumber(g.uncovered)),
        ...(g.age_65_plus_uncovered !== undefined ? [td(formatNumber(g.age_65_plus_uncovered))] : []),
        td(g.nearest_minutes === null ? '道がつながっていない' : g.distance === STRAIGHT_LABEL
          ? `直線 ${formatNumber(Math.round(g.nearest_minutes * p.pace))} m（${g.nearest_hub_name}、${STRAIGHT_LABEL}）`
          : `${g.nearest_minutes} 分〜（${g.nearest_hub_name}）`, 'text'),
        ...(byUnits ? [] : [td(g.district_name ?? '', 'text')]), td(g.units, 'text'), td(gapShareNote(g, allGaps, byCode), 'text'));
    }));
    if (!gaps.features.length) clear($('gaps').tBodies[0]).append(h('tr', {}, h('td', { colspan: gapHead.length }, '届かない人はいません。')));

    table($('hubs'), ['拠点', '区域', '歩いて届く人', 'その拠点だけ', '直線なら届く', '備考'], fc.hubs.map((x) => h('tr', {},
      h('th', { scope: 'row' }, x.name), td(x.districtName ?? '', 'text'), td(formatNumber(x.covered)), td(formatNumber(x.unique)),
      td(formatNumber(x.straightLineCovered)),
      td([x.whatIf === 'moved' ? '動かした場所' : '', x.onNetwork ? '' : x.snapMetres === null ? `道路データなし（${STRAIGHT_LABEL}）`
        : `道路から ${formatNumber(Math.round(x.snapMetres))} m（歩行ネットワークの範囲外）`].filter(Boolean).join('・'), 'text'))));

    $('rules').textContent = rulesText(fc);
    const ranked = rankedDistricts(fc);
    const top = ranked.slice(0, REPORT_TOP_DISTRICTS);
    const straightHead = straight ? [`${STRAIGHT_LABEL}で届く`, '同・届かない'] : ['直線なら届く'];
    const straightCells = (d) => (straight ? [td(formatNumber(d.no_network_straight_covered)), td(formatNumber(d.no_network_straight_uncovered))]
      : [td(formatNumber(d.straight_line_covered))]);
    table($('districts'), ['順位', '区域', '人口', '歩いて届く', '歩いて届かない', '道路データなし', '歩いて届く割合', ...straightHead, '拠点数', '目安'], [
      ...top.map((d, i) => h('tr', {}, td(String(i + 1)), h('th', { scope: 'row' }, d.district_name), td(formatNumber(d.population)),
        td(formatNumber(d.covered)), td(formatNumber(d.uncovered)), td(formatNumber(d.no_network)), td(percent(reachableShare(d))),
        ...straightCells(d), td(formatNumber(d.hubs)), td(districtFlags(d, fc.layer), 'text'))),
      h('tr', { class: 'rp-total' }, td(''), h('th', { scope: 'row' }, `合計（${formatNumber(ranked.length)} 区域）`), td(formatNumber(t.population)),
        td(formatNumber(t.covered)), td(formatNumber(t.uncovered)), td(formatNumber(t.noNetwork)), td(percent(t.coveredShareOfReachable)),
        ...straightCells({ no_network_straight_covered: t.noNetworkStraightLineCovered, no_network_straight_uncovered: t.noNetworkStraightLineUncovered,
          straight_line_covered: t.straightLineCovered }),
        td(formatNumber(fc.hubs.length)), td('', 'text')),
    ]);
    const csv = new URLSearchParams(q);
    csv.set('format', 'csv');
    $('districts-more').hidden = ranked.length <= top.length;
    clear($('districts-more')).append(`ほか ${formatNumber(ranked.length - top.length)} 区域は `,
      h('a', { href: `../api/coverage?${csv}`, download: '' }, 'CSV'), ' をご覧ください。');

    // The city's planning rules as they stand now (the same check as on the screen; short districts by most people first).
    const rules = await getJson(`../api/coverage/rules?municipality=${encodeURIComponent(p.municipality)}`).catch(() => []);
    clear($('plan-rules')).append(...(rules.length ? rules.map((r) => {
      const short = r.districts.filter((d) => !d.met).sort((a, b) => b.population - a.population).slice(0, 5);
      return h('li', {}, h('strong', {}, `【${(RULE_STATUS[r.status] ?? RULE_STATUS.unknown).text}】${r.rule.name}`), `　${r.summary}`,
        short.length ? `（例：${short.map((d) => `${d.name} ${d.shortfall}`).join('、')}）` : '');
    }) : [h('li', {}, 'この市区町村の目安はまだありません。')]));
    clear($('method')).append(...fc.method.map((m) => h('p', {}, m)));
    clear($('credits')).append(...fc.attribution.map((line) => h('li', {}, line)), h('li', {}, base.baseCredit()),
      h('li', {}, '地図表示：Leaflet'));
    await tilesSettled();
    $('status').textContent = '準備ができました。「印刷する」で A4 に印刷できます。';
    $('report').setAttribute('aria-busy', 'false');
    document.body.dataset.ready = 'true';
  } catch (e) {
    $('status').textContent = `レポートを作れませんでした：${e.message}`;
  }
})();

/** Waits (at most 3 s) for the background tiles, so a print right away is complete; offline the report prints without them. */
function tilesSettled() {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => { if (!done) { done = true; resolve(); } };
    tiles.once('load', finish);
    setTimeout(finish, 3000);
  });
}
