// 徒歩圏の人口カバー: choose hubs, pace and minutes; see coverage per district, the gaps and the walking areas;
// move or close hubs to ask "what if"; print the A4 report.
import { h, clear, formatNumber, notATabStop } from '../js/dom.js';
import {
  apiParams, paramsFromQuery, getJson, paceItems, percent, people, reachableShare, districtStyle,
  gapStyle, ISOCHRONE_STYLE, createMap, legendItems, hubIcon, reachableBounds, defaultLayerKey, rankedDistricts, byUncovered,
  districtFlags, rulesText, gapShareNote, sortableTable, REPORT_TOP_DISTRICTS, STRAIGHT_LABEL, STRAIGHT_RADII, isStraightOnly, straightShare,
} from './common.js';
import { citySelect } from '../js/city.js';
import { planningRules } from './rules.js';

document.getElementById('pace-choices').append(...paceItems());
document.getElementById('straight-radius').append(...STRAIGHT_RADII.map((r) => h('option', { value: r.value }, r.label)));

const els = {
  form: document.getElementById('coverage-form'),
  municipality: document.getElementById('municipality'),
  title: document.getElementById('title-municipality'),
  hubTypes: document.getElementById('hub-type-list'),
  minutes: document.getElementById('minutes'),
  by: document.getElementById('by'),
  threshold: document.getElementById('threshold'),
  straightRadius: document.getElementById('straight-radius'),
  subtitle: document.getElementById('subtitle'),
  straightBanner: document.getElementById('straight-banner'),
  status: document.getElementById('status'),
  run: document.getElementById('run'),
  resultsHeading: document.getElementById('results-heading'),
  resultsEmpty: document.getElementById('results-empty'),
  resultsBody: document.getElementById('results-body'),
  summary: document.getElementById('summary'),
  layerNote: document.getElementById('layer-note'),
  reportLink: document.getElementById('report-link'),
  downloads: document.getElementById('downloads'),
  gapList: document.getElementById('gap-list'),
  legend: document.getElementById('legend'),
  rulesNote: document.getElementById('rules-note'),
  districtTable: document.getElementById('district-table'),
  districtsMore: document.getElementById('districts-more'),
  hubTable: document.getElementById('hub-table'),
  method: document.getElementById('method'),
  credits: document.getElementById('credits'),
  whatIf: document.getElementById('what-if'),
  whatIfText: document.getElementById('what-if-text'),
  whatIfReset: document.getElementById('what-if-reset'),
};

const initial = paramsFromQuery(location.search);
const loadRules = planningRules({
  list: document.getElementById('rule-list'), formWrap: document.getElementById('rule-form-wrap'),
  form: document.getElementById('rule-form'), status: document.getElementById('rule-status'),
});
const state = { moves: initial.moves, closed: initial.closed, runToken: 0, controller: null, lastHubs: [], runs: 0 };

const { map, base } = createMap('map');
const districtLayer = L.geoJSON(null, { style: (f) => districtStyle(f.properties), onEachFeature: bindDistrict }).addTo(map);
// Walking gaps and straight-line gaps (where there is no road data) on two layers, each switched on and off on its own: at
// city scale 宇部市's rural north (straight line) would otherwise cover the walking gaps of the town.
const isStraightGap = (f) => f.properties.distance === STRAIGHT_LABEL;
const gapLayer = L.geoJSON(null, { style: gapStyle, onEachFeature: bindGap, filter: (f) => !isStraightGap(f) }).addTo(map);
const straightGapLayer = L.geoJSON(null, { style: gapStyle, onEachFeature: bindGap, filter: isStraightGap }).addTo(map);
const isochroneLayer = L.geoJSON(null, { style: () => ISOCHRONE_STYLE }).addTo(map);
const hubLayer = L.layerGroup().addTo(map);
const credits = { update: (lines) => base.setCredits(lines) };
base.addOverlays({ '区域の色分け': districtLayer, '空白地域（歩いて）': gapLayer, [`空白地域（${STRAIGHT_LABEL}）`]: straightGapLayer, '徒歩圏': isochroneLayer, '拠点': hubLayer });

function setStatus(text) {
  els.status.textContent = text;
  els.status.hidden = !text;
}

function formParams() {
  const checked = [...els.hubTypes.querySelectorAll('input:checked')].map((i) => i.value);
  const all = els.hubTypes.querySelectorAll('input').length;
  return {
    municipality: els.municipality.value,
    minutes: Number(els.minutes.value),
    pace: Number(document.querySelector('input[name="pace"]:checked').value),
    hubTypes: checked.length === all ? [] : checked,
    by: els.by.value,
    threshold: Number(els.threshold.value) || 20000,
    straightRadius: Number(els.straightRadius.value) || null,
    moves: state.moves,
    closed: state.closed,
  };
}

async function loadChoices() {
  const code = els.municipality.value;
  const [types, hubs, layers] = await Promise.all([
    getJson('../api/hub-types'),
    getJson(`../collections/hubs/items?municipality_code=${encodeURIComponent(code)}&limit=10000`),
    getJson(`../api/coverage/layers?municipality=${encodeURIComponent(code)}`),
  ]);
  const present = new Set((hubs.features ?? []).map((f) => f.properties?.type).filter(Boolean));
  clear(els.hubTypes);
  for (const t of types.filter((t) => present.has(t.key))) {
    const id = `type-${t.key}`;
    const checked = initial.hubTypes.length === 0 || initial.hubTypes.includes(t.key);
    els.hubTypes.append(h('li', {}, h('input', { type: 'checkbox', id, value: t.key, checked }), h('label', { for: id }, t.name)));
  }
  if (!present.size) els.hubTypes.append(h('li', {}, 'この市区町村には拠点がありません。'));
  clear(els.by);
  const chosen = layers.some((l) => l.key === initial.by) ? initial.by : defaultLayerKey(layers);
  for (const l of layers) {
    els.by.append(h('option', { value: l.key, selected: l.key === chosen }, `${l.name}（${formatNumber(l.districts)}）`));
  }
}


async function run() {
  const token = ++state.runToken;
  state.controller?.abort();
  state.controller = new AbortController();
  const signal = state.controller.signal;
  const p = formParams();
  if (!(p.minutes > 0 && p.minutes <= 60)) {
    setStatus('歩く時間は 1〜60 分で指定してください。');
    els.minutes.focus();
    return;
  }
  const q = apiParams(p);
  history.replaceState(null, '', `?${q}`);
  setStatus('数えています…');
  els.run.disabled = true;
  try {
    const gapQuery = new URLSearchParams(q);
    gapQuery.set('format', 'geojson');
    const districtQuery = new URLSearchParams(q);
    districtQuery.set('format', 'geojson');
    const isoQuery = new URLSearchParams({ municipality: p.municipality, minutes: String(p.minutes), pace: String(p.pace) });
    if (p.hubTypes.length) isoQuery.set('hub_types', p.hubTypes.join(','));
    const [districts, gaps] = await Promise.all([
      getJson(`../api/coverage?${districtQuery}`, signal),
      getJson(`../api/coverage/gaps?${gapQuery}`, signal),
    ]);
    if (token !== state.runToken) return;
    showResults(p, q, districts, gaps);
    setStatus('');
    // Walking areas drawn from the hubs that were analysed (moved ones at their new place cannot be drawn by id: only unmoved, open hubs).
    const straightOnly = isStraightOnly(districts.totals);
    const ids = districts.hubs.filter((hb) => hb.id !== null && !hb.whatIf && (hb.onNetwork || straightOnly)).map((hb) => hb.id);
    isochroneLayer.clearLayers();
    if (straightOnly) {
      // The circles drawn are the radius counted (which may be 800 m or 500 m rather than minutes × pace).
      isoQuery.set('pace', '100');
      isoQuery.set('minutes', String(districts.parameters.straightLineMetres / 100));
    }
    if (ids.length) {
      isoQuery.set('hub_ids', ids.join(','));
      const iso = await getJson(`../api/isochrones?${isoQuery}`, signal);
      if (token === state.runToken) isochroneLayer.addData(iso);
    }
    // For tests and scripts: how many analyses this page has finished showing.
    if (token === state.runToken) document.body.dataset.runs = String(++state.runs);
  } catch (e) {
    if (e.name === 'AbortError') return;
    setStatus(`数えられませんでした：${e.message}`);
  } finally {
    if (token === state.runToken) els.run.disabled = false;
  }
}

function showResults(p, q, fc, gaps) {
  const t = fc.totals;
  els.title.textContent = fc.municipality.name;
  document.title = `徒歩圏の人口カバー｜${fc.municipality.name}｜福祉マップ`;
  els.resultsEmpty.hidden = true;
  els.resultsBody.hidden = false;
  clear(els.summary);
  const row = (term, value, note) => [h('dt', {}, term), h('dd', {}, value, note ? h('span', { class: 'cv-dd-note' }, note) : null)];
  const straightOnly = isStraightOnly(t);
  const radius = `${formatNumber(fc.parameters.straightLineMetres)} m`;
  els.subtitle.textContent = straightOnly
    ? `拠点から半径 ${radius} 以内に住む人・住まない人を、区域ごとに数えます（${STRAIGHT_LABEL}）`
    : '拠点から歩いて届く人・届かない人を、区域ごとに数えます（道路に沿って歩いた距離）';
  els.straightBanner.hidden = !straightOnly && !t.noNetwork;
  els.straightBanner.textContent = straightOnly
    ? `${fc.municipality.name}の歩行ネットワーク（道路データ）はまだありません。この結果はすべて${STRAIGHT_LABEL}です。実際に歩く道は直線より長くなります。`
    : `道路データのない所の ${people(t.noNetwork)} は、${STRAIGHT_LABEL}・半径 ${radius} で別に数えています。`;
  const straightRows = [
    ...row(`${STRAIGHT_LABEL}・半径 ${radius} で届く`, people(t.noNetworkStraightLineCovered), `（${percent(straightShare({
      no_network: t.noNetwork, no_network_straight_covered: t.noNetworkStraightLineCovered }))}）`),
    ...row(`${STRAIGHT_LABEL}で届かない`, people(t.noNetworkStraightLineUncovered)),
  ];
  els.summary.append(...(straightOnly
    ? [...row('人口', people(t.population)), ...straightRows]
    : [
      ...row('人口', people(t.population)),
      ...row(`歩いて ${p.minutes} 分で届く`, people(t.covered), `（${percent(t.coveredShare)}、道路データのある人の ${percent(t.coveredShareOfReachable)}）`),
      ...row('届かない', people(t.uncovered)),
      ...row('道路データなし', people(t.noNetwork), '（歩行ネットワークの範囲外。歩いて届く・届かないには数えません）'),
      ...(t.noNetwork ? straightRows : []),
      ...row(`比べるため：直線 ${radius} なら届く（全員）`, people(t.straightLineCovered), `（${percent(t.straightLineCoveredShare)}）`),
      ...t.bands.flatMap((b) => row(`${b.name}：歩いて届く／届かない`, `${formatNumber(b.covered)} ／ ${formatNumber(b.uncovered)} 人`)),
    ]));
  els.layerNote.hidden = !fc.layer.note;
  els.layerNote.textContent = fc.layer.note ?? '';
  els.reportLink.href = `report.html?${q}`;

  clear(els.downloads);
  const file = (label, path, format, extra = {}) => {
    const dq = new URLSearchParams(q);
    dq.set('format', format);
    for (const [k, v] of Object.entries(extra)) dq.set(k, v);
    return h('li', {}, h('a', { href: `../api/${path}?${dq}`, download: '' }, label));
  };
  els.downloads.append(
    file('区域ごとの表（CSV、Excel 用）', 'coverage', 'csv'),
    file('区域ごとの表・すべての列（CSV）', 'coverage', 'csv', { columns: 'all' }),
    file('区域（GeoJSON）', 'coverage', 'geojson'),
    file('区域・空白地域・拠点（GeoPackage）', 'coverage', 'gpkg'),
    file('空白地域（CSV）', 'coverage/gaps', 'csv'),
    file('空白地域（GeoJSON）', 'coverage/gaps', 'geojson'),
  );

  districtLayer.clearLayers();
  districtLayer.addData(fc);
  for (const layer of [gapLayer, straightGapLayer]) {
    layer.clearLayers();
    layer.addData(gaps);
  }
  drawHubs(fc.hubs);
  if (!state.fitted) {
    const bounds = reachableBounds(districtLayer);
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
    state.fitted = true;
  }
  clear(els.legend).append(...legendItems(p.minutes, p.pace, fc.parameters, t));
  credits.update(fc.attribution);
  clear(els.credits).append(...fc.attribution.map((line) => h('li', {}, line)), h('li', {}, base.baseCredit()));
  clear(els.method).append(...fc.method.map((para) => h('p', {}, para)));

  showGaps(gaps, p, fc);
  showDistrictTable(fc, q);
  showHubTable(fc);
  showWhatIf(fc);
}

function showGaps(gaps, p, fc) {
  clear(els.gapList);
  const all = gaps.features.map((f) => f.properties);
  const districts = new Map(fc.features.map((f) => [f.properties.district_code, f.properties]));
  const top = gaps.features.slice(0, 10);
  if (!top.length) els.gapList.append(h('li', {}, isStraightOnly(fc.totals) ? `半径 ${formatNumber(fc.parameters.straightLineMetres)} m（${STRAIGHT_LABEL}）の外に住む人はいません。` : `歩いて ${p.minutes} 分で届かない人はいません。`));
  for (const f of top) {
    const g = f.properties;
    const straight = g.distance === STRAIGHT_LABEL;
    const minutes = g.nearest_minutes === null ? '拠点まで道がつながっていません'
      : straight ? `いちばん近い拠点（${g.nearest_hub_name}）まで直線で ${formatNumber(Math.round(g.nearest_minutes * p.pace))} m（${STRAIGHT_LABEL}）`
        : `いちばん近い拠点（${g.nearest_hub_name}）まで歩いて ${g.nearest_minutes} 分〜`;
    const older = g.age_65_plus_uncovered !== undefined ? `（65歳以上 ${formatNumber(g.age_65_plus_uncovered)} 人）` : '';
    els.gapList.append(h('li', { class: 'cv-gap-item' },
      h('button', { type: 'button', class: 'cv-link-button', onclick: () => map.fitBounds(L.geoJSON(f).getBounds(), { maxZoom: 16, padding: [30, 30] }) },
        `${formatNumber(g.uncovered)} 人${older}：${g.units}`),
      h('span', { class: 'cv-gap-minutes' }, minutes),
      h('span', { class: 'cv-gap-minutes cv-gap-share' }, gapShareNote(g, all, districts))));
  }
  if (gaps.features.length > top.length) els.gapList.append(h('li', { class: 'cv-note' }, `ほか ${formatNumber(gaps.features.length - top.length)} か所（書き出しに全件）`));
}

function cell(value, numeric = true) {
  return h('td', { class: numeric ? 'num' : null }, value);
}

/** The screen shows the same top rows as the report (ranked by people out of reach); the rest are in the CSV. */
function showDistrictTable(fc, q) {
  const num = (label, value) => ({ label, value, numeric: true });
  const t = fc.totals;
  const straight = t.noNetwork > 0;
  const columns = [
    { label: '区域', value: (d) => d.district_name }, num('人口', (d) => d.population), num('歩いて届く', (d) => d.covered),
    num('歩いて届かない', (d) => d.uncovered), num('道路データなし', (d) => d.no_network), num('歩いて届く割合', (d) => reachableShare(d) ?? -1),
    ...(straight ? [num(`${STRAIGHT_LABEL}で届く`, (d) => d.no_network_straight_covered),
      num(`${STRAIGHT_LABEL}で届かない`, (d) => d.no_network_straight_uncovered)] : []),
    num('拠点数', (d) => d.hubs), { label: '目安' },
  ];
  const total = h('tr', { class: 'cv-total' }, h('th', { scope: 'row' }, '合計'), cell(formatNumber(t.population)), cell(formatNumber(t.covered)),
    cell(formatNumber(t.uncovered)), cell(formatNumber(t.noNetwork)), cell(percent(t.coveredShareOfReachable)),
    ...(straight ? [cell(formatNumber(t.noNetworkStraightLineCovered)), cell(formatNumber(t.noNetworkStraightLineUncovered))] : []),
    cell(formatNumber(fc.hubs.length)), cell('', false));
  const ranked = rankedDistricts(fc);
  const csv = new URLSearchParams(q);
  csv.set('format', 'csv');
  els.districtsMore.hidden = ranked.length <= REPORT_TOP_DISTRICTS;
  clear(els.districtsMore).append(`上位 ${REPORT_TOP_DISTRICTS} 区域を表示しています。ほか ${formatNumber(ranked.length - REPORT_TOP_DISTRICTS)} 区域は `,
    h('a', { href: `../api/coverage?${csv}`, download: '' }, 'CSV'), ' をご覧ください。');
  sortableTable(els.districtTable, columns, ranked.slice(0, REPORT_TOP_DISTRICTS), (d) => h('tr', {}, h('th', { scope: 'row' }, d.district_name),
    cell(formatNumber(d.population)), cell(formatNumber(d.covered)), cell(formatNumber(d.uncovered)), cell(formatNumber(d.no_network)),
    cell(percent(reachableShare(d))),
    ...(straight ? [cell(formatNumber(d.no_network_straight_covered)), cell(formatNumber(d.no_network_straight_uncovered))] : []),
    cell(formatNumber(d.hubs)), cell(districtFlags(d, fc.layer), false)),
  { sortBy: isStraightOnly(t) ? 7 : 3, footer: [total], tie: byUncovered });
  els.rulesNote.textContent = rulesText(fc);
}

function showHubTable(fc) {
  const shown = [...fc.hubs];
  for (const id of state.closed) {
    const known = state.lastHubs.find((x) => x.id === id);
    if (known) shown.push({ ...known, closed: true });
  }
  const open = (value) => (hub) => (hub.closed ? -1 : value(hub));
  const columns = [
    { label: '含める' }, { label: '拠点', value: (x) => x.name }, { label: '区域', value: (x) => x.districtName ?? '' },
    { label: '歩いて届く人', value: open((x) => x.covered), numeric: true }, { label: 'その拠点だけ', value: open((x) => x.unique), numeric: true },
    { label: '直線なら届く', value: open((x) => x.straightLineCovered), numeric: true }, { label: '道路まで', value: (x) => x.snapMetres ?? Infinity, numeric: true },
  ];
  sortableTable(els.hubTable, columns, shown, hubRow, { tie: (a, b) => String(a.name).localeCompare(String(b.name), 'ja') });
  state.lastHubs = [...fc.hubs.filter((x) => x.id !== null), ...state.lastHubs.filter((x) => !fc.hubs.some((y) => y.id === x.id))];
}

function hubRow(hub) {
  const box = h('input', {
    type: 'checkbox', id: `hub-include-${hub.id}`, checked: !hub.closed, 'aria-label': `${hub.name} を含める`,
    onchange: (e) => { if (e.target.checked) state.closed.delete(hub.id); else state.closed.add(hub.id); run(); },
  });
  return h('tr', { class: hub.closed ? 'cv-closed' : null }, h('td', {}, hub.id === null ? '' : box),
    h('th', { scope: 'row' }, hub.name, hub.whatIf === 'moved' ? '（動かした場所）' : '', hub.closed ? '（閉じた場合）' : ''),
    cell(hub.districtName ?? '', false), cell(hub.closed ? '―' : formatNumber(hub.covered)), cell(hub.closed ? '―' : formatNumber(hub.unique)),
    cell(hub.closed ? '―' : formatNumber(hub.straightLineCovered)),
    cell(hub.onNetwork ? `${formatNumber(Math.round(hub.snapMetres))} m`
      : hub.snapMetres === null ? '道路データなし（直線距離で数えます）' : `道路から ${formatNumber(Math.round(hub.snapMetres))} m（対象外）`, false));
}

function drawHubs(hubs) {
  hubLayer.clearLayers();
  for (const hub of hubs) {
    const marker = L.marker([hub.lat, hub.lon], {
      icon: hubIcon(hub.whatIf === 'moved'), draggable: hub.id !== null, keyboard: true, title: hub.name, alt: hub.name,
    });
    marker.bindTooltip(h('span', {}, `${hub.name}：歩いて届く ${formatNumber(hub.covered)} 人、その拠点だけ ${formatNumber(hub.unique)} 人`));
    marker.on('dragend', () => {
      state.moves.set(hub.id, marker.getLatLng());
      run();
    });
    hubLayer.addLayer(marker);
  }
}

function showWhatIf(fc) {
  const moved = fc.hubs.filter((x) => x.whatIf === 'moved').map((x) => `${x.name}を動かした`);
  const closed = [...state.closed].map((id) => state.lastHubs.find((x) => x.id === id)?.name ?? `拠点 ${id}`).map((n) => `${n}を閉じた`);
  const all = [...moved, ...closed];
  els.whatIf.hidden = all.length === 0;
  els.whatIfText.textContent = all.join('、') + (all.length ? '場合' : '');
}

function bindDistrict(feature, layer) {
  notATabStop(layer);
  const p = feature.properties;
  layer.bindTooltip(h('span', {}, `${p.district_name}：人口 ${formatNumber(p.population)}、届く ${formatNumber(p.covered)}、届かない ${formatNumber(p.uncovered)}、道路データなし ${formatNumber(p.no_network)}、拠点 ${p.hubs}`), { sticky: true });
}

function bindGap(feature, layer) {
  notATabStop(layer);
  const g = feature.properties;
  layer.bindTooltip(h('span', {}, `空白地域 ${g.rank}：届かない ${formatNumber(g.uncovered)} 人` +
    (g.nearest_minutes === null ? '' : `、いちばん近い拠点まで ${g.nearest_minutes} 分〜`)), { sticky: true });
}

els.form.addEventListener('submit', (e) => {
  e.preventDefault();
  run();
});
els.whatIfReset.addEventListener('click', () => {
  state.moves.clear();
  state.closed.clear();
  run();
});
async function cityChanged() {
  state.moves.clear();
  state.closed.clear();
  state.fitted = false;
  await loadChoices();
  run();
  loadRules(els.municipality.value);
}

(async () => {
  try {
    els.minutes.value = String(initial.minutes);
    const pace = document.querySelector(`input[name="pace"][value="${initial.pace}"]`);
    if (pace) pace.checked = true;
    els.threshold.value = String(initial.threshold);
    els.straightRadius.value = initial.straightRadius ? String(initial.straightRadius) : '';
    await citySelect(els.municipality, { current: initial.municipality, filter: (m) => m.counts.populationUnits > 0, onChange: cityChanged });
    await loadChoices();
    setStatus('');
    loadRules(els.municipality.value);
    await run();
  } catch (e) {
    setStatus(`読み込めませんでした：${e.message}`);
  }
})();
