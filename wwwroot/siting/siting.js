// 拠点の配置を考える: ask where the next hubs should go (MCLP, LSCP, p-median; greedy or exact), see the sites, their
// walking catchments and the newly covered places on the map, the districts side by side, print it, save and compare.
// A city without a walking network is answered by straight-line distance, and every text, print and export says so
// (「直線距離（道路データなし）」, the API's distanceLabel). Data never becomes HTML: every text is a text node (h() from ../js/dom.js).
import { h, clear, formatNumber } from '../js/dom.js';
import { percent, people, paceItems, STRAIGHT_LABEL, STRAIGHT_RADII, isStraightOnly } from '../coverage/common.js';
import { getJson, postJson } from '../js/http.js';
import { createBaseMap, fitMunicipality } from '../js/basemap.js';
import { citySelect, municipalityFromUrl } from '../js/city.js';

const $ = (id) => document.getElementById(id);
document.getElementById('pace-choices').append(...paceItems());
document.getElementById('straight-radius').append(...STRAIGHT_RADII.map((r) => h('option', { value: r.value }, r.label)));

const els = {
  form: $('siting-form'), municipality: $('municipality'), title: $('title-municipality'), add: $('add'), addField: $('add-field'),
  target: $('target'), targetField: $('target-field'), minutes: $('minutes'), spacing: $('spacing'), shelters: $('shelters'), facilityChoices: $('facility-choices'),
  capacity: $('capacity'), run: $('run'), status: $('status'), drawHint: $('draw-hint'), subtitle: $('subtitle'),
  straightField: $('straight-field'), straightRadius: $('straight-radius'), spacingLabel: $('spacing-label'), distanceNote: $('distance-note'),
  sitesHeading: $('sites-heading'), districtsDistance: $('districts-distance'),
  placeCandidates: $('place-candidates'), drawExclusion: $('draw-exclusion'), finishExclusion: $('finish-exclusion'), clearDrawn: $('clear-drawn'),
  drawnSummary: $('drawn-summary'), candidatesFile: $('candidates-file'), exclusionsFile: $('exclusions-file'),
  resultsHeading: $('results-heading'), resultsEmpty: $('results-empty'), resultsBody: $('results-body'), banner: $('scenario-banner'),
  question: $('question'), summary: $('summary'), solverNote: $('solver-note'), print: $('print'),
  downloadCsv: $('download-csv'), downloadGeoJson: $('download-geojson'), coverageLink: $('coverage-link'), coverageGpkg: $('coverage-gpkg'),
  siteTable: $('site-table'), districtTable: $('district-table'), allDistricts: $('all-districts'), method: $('method'), credits: $('credits'),
  legend: $('legend'), printHead: $('print-head'),
  scenariosSignin: $('scenarios-signin'), scenariosBody: $('scenarios-body'), saveForm: $('save-form'), scenarioName: $('scenario-name'),
  scenarioNote: $('scenario-note'), save: $('save'), scenarioList: $('scenario-list'), compare: $('compare'),
  comparison: $('comparison'), comparisonTable: $('comparison-table'), comparisonDistricts: $('comparison-districts'),
};

const SITE_COLOR = '#b2182b';
const NEW_COLOR = '#1a9850';
const EXCLUDE_COLOR = '#7b3294';
const state = {
  mode: null, userCandidates: [], exclusions: [], drawing: [], fileCandidates: null, fileExclusions: null,
  report: null, body: null, controller: null, session: null, scenarios: [], runs: 0,
};

// ---------- map ----------

const base = createBaseMap('map', { doubleClickZoom: false, municipality: municipalityFromUrl() });
const map = base.map;
for (const [name, z] of [['st-new', 420], ['st-catchments', 430], ['st-exclusions', 440]]) map.createPane(name).style.zIndex = String(z);
const newLayer = L.geoJSON(null, { pane: 'st-new', style: () => ({ color: NEW_COLOR, weight: 0.5, fillColor: NEW_COLOR, fillOpacity: 0.45 }) }).addTo(map);
const catchmentLayer = L.geoJSON(null, { pane: 'st-catchments', style: () => ({ color: SITE_COLOR, weight: 2, dashArray: '6 4', fill: false, interactive: false }) }).addTo(map);
const exclusionLayer = L.layerGroup().addTo(map);
const drawingLayer = L.layerGroup().addTo(map);
const hubLayer = L.layerGroup().addTo(map);
const siteLayer = L.layerGroup().addTo(map);
const userLayer = L.layerGroup().addTo(map);
const credits = { update: (lines) => base.setCredits(lines) };
base.addOverlays({
  '新たに届く場所': newLayer, '新しい拠点の徒歩圏': catchmentLayer, '新しい拠点': siteLayer, 'いまの拠点': hubLayer,
  '除外する範囲': exclusionLayer, '置いた候補地': userLayer,
});

function setStatus(text) {
  els.status.textContent = text;
  els.status.hidden = !text;
}

const hubIcon = () => L.divIcon({ className: 'st-hub', iconSize: [14, 14], iconAnchor: [7, 7] });
const siteIcon = () => L.divIcon({ className: 'st-site', html: '', iconSize: [22, 22], iconAnchor: [11, 11] });
const userIcon = () => L.divIcon({ className: 'st-user', iconSize: [12, 12], iconAnchor: [6, 6] });

// While placing candidates or drawing an area, a click on a marker is a click on the map there.
function passClicksWhileDrawing(marker) {
  marker.on('click', (e) => {
    if (state.mode && e.originalEvent) map.fire('click', { latlng: map.mouseEventToLatLng(e.originalEvent) });
  });
  return marker;
}

function siteMarker(site) {
  const marker = L.marker([site.lat, site.lon], { icon: siteIcon(), keyboard: true, title: `${site.rank}. ${site.name}`, alt: `${site.rank}. ${site.name}` });
  marker.on('add', () => { const el = marker.getElement(); if (el) { clear(el); el.append(String(site.rank)); } });
  marker.bindPopup(() => h('div', {},
    h('strong', {}, `${site.rank}. ${site.name}`),
    h('div', {}, `新たに届く人：${people(site.newlyCovered)}`),
    site.area ? h('div', {}, `町丁・字：${site.area}`) : null,
    h('div', {}, `${site.lat.toFixed(6)}, ${site.lon.toFixed(6)}`)));
  return passClicksWhileDrawing(marker);
}

// ---------- drawing candidates and exclusion areas ----------

function setMode(mode) {
  state.mode = state.mode === mode ? null : mode;
  els.placeCandidates.setAttribute('aria-pressed', String(state.mode === 'candidate'));
  els.drawExclusion.setAttribute('aria-pressed', String(state.mode === 'exclusion'));
  els.finishExclusion.hidden = state.mode !== 'exclusion';
  $('map').classList.toggle('st-drawing', state.mode !== null);
  els.drawHint.hidden = state.mode === null;
  els.drawHint.textContent = state.mode === 'candidate'
    ? '地図をクリックすると候補地を置きます（置いた点をクリックすると消えます）。'
    : state.mode === 'exclusion' ? '範囲の角を順にクリックし、「範囲を閉じる」を押します。' : '';
  if (state.mode !== 'exclusion') finishExclusion();
}

function drawUserCandidates() {
  userLayer.clearLayers();
  state.userCandidates.forEach((c, i) => {
    const marker = L.marker([c.lat, c.lon], { icon: userIcon(), title: c.name ?? `置いた候補地 ${i + 1}` });
    marker.on('click', () => {
      if (state.mode !== 'candidate') return;
      state.userCandidates.splice(i, 1);
      drawUserCandidates();
    });
    userLayer.addLayer(marker);
  });
  for (const c of state.fileCandidates ?? []) userLayer.addLayer(L.marker([c.lat, c.lon], { icon: userIcon(), title: c.name ?? '一覧の候補地' }));
  updateDrawnSummary();
}

function drawExclusions() {
  exclusionLayer.clearLayers();
  const style = { pane: 'st-exclusions', color: EXCLUDE_COLOR, weight: 2, fillColor: EXCLUDE_COLOR, fillOpacity: 0.2, dashArray: '4 3' };
  for (const ring of state.exclusions) exclusionLayer.addLayer(L.polygon(ring.map(([lon, lat]) => [lat, lon]), style));
  if (state.fileExclusions) exclusionLayer.addLayer(L.geoJSON(state.fileExclusions, { style: () => style }));
  updateDrawnSummary();
}

function updateDrawnSummary() {
  const fileCount = (state.fileCandidates ?? []).length;
  els.drawnSummary.textContent = `置いた候補地 ${state.userCandidates.length} か所` + (fileCount ? `・一覧 ${fileCount} か所` : '') +
    `・除外する範囲 ${state.exclusions.length + (state.fileExclusions ? state.fileExclusions.features.length : 0)} 個`;
}

function finishExclusion() {
  if (state.drawing.length >= 3) {
    const ring = state.drawing.map((ll) => [ll.lng, ll.lat]);
    ring.push(ring[0]);
    state.exclusions.push(ring);
  }
  state.drawing = [];
  drawingLayer.clearLayers();
  drawExclusions();
}

map.on('click', (e) => {
  if (state.mode === 'candidate') {
    state.userCandidates.push({ lon: e.latlng.lng, lat: e.latlng.lat, name: null });
    drawUserCandidates();
  } else if (state.mode === 'exclusion') {
    state.drawing.push(e.latlng);
    drawingLayer.clearLayers();
    drawingLayer.addLayer(L.polyline(state.drawing, { color: EXCLUDE_COLOR, weight: 2 }));
    for (const ll of state.drawing) drawingLayer.addLayer(L.circleMarker(ll, { radius: 4, color: EXCLUDE_COLOR }));
  }
});
els.placeCandidates.addEventListener('click', () => setMode('candidate'));
els.drawExclusion.addEventListener('click', () => setMode('exclusion'));
els.finishExclusion.addEventListener('click', () => { finishExclusion(); setMode('exclusion'); });
els.clearDrawn.addEventListener('click', () => {
  Object.assign(state, { userCandidates: [], exclusions: [], drawing: [], fileCandidates: null, fileExclusions: null });
  els.candidatesFile.value = '';
  els.exclusionsFile.value = '';
  drawingLayer.clearLayers();
  drawUserCandidates();
  drawExclusions();
});

async function readGeoJsonFile(input) {
  const file = input.files?.[0];
  if (!file) return null;
  if (file.size > 1_500_000) throw new Error('ファイルが大きすぎます（1.5 MB まで）。');
  try {
    return JSON.parse(await file.text());
  } catch {
    throw new Error(`${file.name} は GeoJSON として読めません。`);
  }
}

function features(geojson) {
  if (!geojson) return [];
  if (geojson.type === 'FeatureCollection') return geojson.features ?? [];
  if (geojson.type === 'Feature') return [geojson];
  return [{ type: 'Feature', properties: {}, geometry: geojson }];
}

els.candidatesFile.addEventListener('change', async () => {
  try {
    const list = [];
    for (const f of features(await readGeoJsonFile(els.candidatesFile))) {
      const g = f.geometry;
      const name = f.properties?.name ?? f.properties?.['名称'] ?? null;
      if (g?.type === 'Point') list.push({ lon: g.coordinates[0], lat: g.coordinates[1], name });
      else if (g?.type === 'MultiPoint') for (const c of g.coordinates) list.push({ lon: c[0], lat: c[1], name });
    }
    state.fileCandidates = list;
    drawUserCandidates();
    setStatus(`候補地の一覧から ${list.length} か所を読み込みました。`);
  } catch (e) {
    setStatus(e.message);
  }
});

els.exclusionsFile.addEventListener('change', async () => {
  try {
    const list = features(await readGeoJsonFile(els.exclusionsFile)).filter((f) => ['Polygon', 'MultiPolygon'].includes(f.geometry?.type));
    state.fileExclusions = { type: 'FeatureCollection', features: list };
    drawExclusions();
    setStatus(`除外する範囲を ${list.length} 個読み込みました。`);
  } catch (e) {
    setStatus(e.message);
  }
});

// ---------- asking ----------

function model() { return document.querySelector('input[name="model"]:checked').value; }

function updateModelFields() {
  const lscp = model() === 'lscp';
  els.addField.hidden = lscp;
  els.targetField.hidden = !lscp;
}
for (const input of document.querySelectorAll('input[name="model"]')) input.addEventListener('change', updateModelFields);

function formBody() {
  const candidates = [...state.userCandidates, ...(state.fileCandidates ?? [])];
  const exclusionFeatures = [
    ...state.exclusions.map((ring) => ({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } })),
    ...(state.fileExclusions?.features ?? []),
  ];
  const capacity = Number(els.capacity.value);
  return {
    municipality: els.municipality.value,
    model: model(),
    solver: document.querySelector('input[name="solver"]:checked').value,
    add: Number(els.add.value),
    minutes: Number(els.minutes.value),
    pace: Number(document.querySelector('input[name="pace"]:checked').value),
    spacing: Number(els.spacing.value),
    shelters: els.shelters.checked,
    facilities: [...els.facilityChoices.querySelectorAll('input:checked')].map((i) => i.value).join(',') || null,
    target: Number(els.target.value) / 100,
    capacity: capacity > 0 ? capacity : null,
    straightRadius: Number(els.straightRadius.value) || null,
    candidates: candidates.length ? {
      type: 'FeatureCollection',
      features: candidates.map((c) => ({ type: 'Feature', properties: c.name ? { name: c.name } : {}, geometry: { type: 'Point', coordinates: [c.lon, c.lat] } })),
    } : null,
    exclusions: exclusionFeatures.length ? { type: 'FeatureCollection', features: exclusionFeatures } : null,
  };
}

async function run(event) {
  event?.preventDefault();
  if (state.mode === 'exclusion') finishExclusion();
  const body = formBody();
  state.controller?.abort();
  state.controller = new AbortController();
  els.run.disabled = true;
  const started = performance.now();
  setStatus(body.solver === 'exact' ? '厳密に解いています（最長 60 秒）…' : '求めています…');
  try {
    const report = await postJson('../api/siting/analyses', body, state.controller.signal);
    state.body = body;
    render(report, null);
    setStatus(`求めました（${((performance.now() - started) / 1000).toFixed(1)} 秒）。`);
    els.resultsHeading.focus();
  } catch (e) {
    if (e.name !== 'AbortError') setStatus(`求められませんでした：${e.message}`);
  } finally {
    els.run.disabled = false;
  }
}
els.form.addEventListener('submit', run);

// ---------- showing ----------

const MODEL_TEXT = { mclp: '届く人を増やす（MCLP）', lscp: '目標の割合に要る最小数（LSCP）', pmedian: '平均の歩く時間を縮める（p-median）' };
const SOURCE_TEXT = { 'network-node': '道路の点', facility: '施設', user: '指定した場所', 'unit-point': '町丁・字の代表点' };

/** The reach asked about, in words: 「徒歩 10 分・毎分 80 m = 800 m」, or 「直線距離 800 m（道路データなし）」. */
function reachText(report) {
  const p = report.parameters;
  return isStraightOnly(report)
    ? `直線距離 ${formatNumber(Math.round(p.straightLineMetres))} m（道路データなし）`
    : `徒歩 ${p.minutes} 分・毎分 ${p.pace} m = ${formatNumber(Math.round(p.walkMetres))} m`;
}

function questionText(report) {
  const p = report.parameters;
  const straight = isStraightOnly(report);
  const reached = straight ? `半径 ${formatNumber(Math.round(p.straightLineMetres))} m の中に拠点のある人` : '歩いて届く人';
  const what = p.model === 'lscp'
    ? `${reached}を ${Math.round(p.targetShare * 100)}% にするのに要る拠点の数`
    : p.model === 'pmedian' ? `拠点を ${p.add} か所加えて、${straight ? '平均の直線距離' : '平均の歩く時間'}を縮める` : `拠点を ${p.add} か所加えて、${reached}を増やす`;
  return `${what}（${reachText(report)}）`;
}

/** The page's words for a city with or without a walking network (before any answer: from the city list). */
function showDistanceMode(straight, name) {
  els.straightField.hidden = !straight;
  els.spacingLabel.textContent = straight ? '町丁・字の代表点の間隔（m、0 で使わない）' : '道路の点の間隔（m、0 で使わない）';
  els.subtitle.textContent = straight
    ? `いまの拠点はそのままに、次の拠点をどこに置くと近くに拠点のある人がいちばん増えるかを求めます（${STRAIGHT_LABEL}）`
    : 'いまの拠点はそのままに、次の拠点をどこに置くと歩いて届く人がいちばん増えるかを求めます（道路に沿って歩いた距離）';
  const words = document.querySelectorAll('.st-reach-word');
  words[0].textContent = straight ? '近く（直線距離）に拠点のある人' : '歩いて届く人';
  words[1].textContent = straight ? '近くに拠点のある人' : '届く人';
  document.querySelector('.st-mean-word').textContent = straight ? '平均の直線距離' : '平均の歩く時間';
  if (name !== undefined) els.title.textContent = name;
}

function render(report, scenario) {
  state.report = report;
  const p = report.parameters;
  els.title.textContent = report.municipality.name;
  els.resultsEmpty.hidden = true;
  els.resultsBody.hidden = false;
  els.banner.hidden = !scenario;
  if (scenario) {
    els.banner.textContent = `保存した案「${scenario.name}」（${scenario.createdBy}、${new Date(scenario.createdAt).toLocaleString('ja-JP')}）を、保存したときの結果のまま表示しています。`;
  }
  const straight = isStraightOnly(report);
  showDistanceMode(straight);
  els.question.textContent = questionText(report);
  els.distanceNote.hidden = !straight;
  els.distanceNote.textContent = straight
    ? `${report.municipality.name}の歩行ネットワーク（道路データ）はまだありません。この結果はすべて${STRAIGHT_LABEL}です。実際に歩く道は直線より長くなります。`
    : '';
  els.sitesHeading.textContent = straight ? `選んだ場所（効果の大きい順、${STRAIGHT_LABEL}）` : '選んだ場所（効果の大きい順）';
  els.districtsDistance.textContent = straight ? `（${STRAIGHT_LABEL}・半径 ${formatNumber(Math.round(p.straightLineMetres))} m）` : '';
  renderSummary(report);
  const s = report.solver;
  els.solverNote.textContent = `${s.name === 'exact' ? '厳密解法' : '貪欲法'}：${s.statusText}` +
    (s.gap !== null && s.gap !== undefined ? `（ギャップ ${(s.gap * 100).toFixed(2)}%）` : '') +
    `、候補地 ${formatNumber(report.candidates.total)} か所` + (report.candidates.excluded ? `（除外 ${formatNumber(report.candidates.excluded)}）` : '') +
    `、計算 ${s.seconds.toFixed(2)} 秒。`;
  renderMap(report);
  renderSites(report);
  renderDistricts(report);
  clear(els.method);
  for (const paragraph of report.method) els.method.append(h('p', {}, paragraph));
  clear(els.credits);
  for (const line of report.attribution) els.credits.append(h('li', {}, line));
  els.credits.append(h('li', {}, '背景地図：地理院タイル（国土地理院）'));
  credits.update(report.attribution);
  clear(els.printHead);
  els.printHead.append(h('p', {}, `${report.municipality.name}：${questionText(report)}　${new Date().toLocaleDateString('ja-JP')} 印刷`));
  const add = report.sites.map((x) => `${x.lon.toFixed(6)},${x.lat.toFixed(6)}`).join(';');
  const coverage = new URLSearchParams({ municipality: report.municipality.code, minutes: String(p.minutes), pace: String(p.pace), add, format: 'csv' });
  if (p.straightRadius) coverage.set('straight_radius', String(p.straightRadius));
  els.coverageLink.href = `../api/coverage?${coverage}`;
  coverage.set('format', 'gpkg');
  els.coverageGpkg.href = `../api/coverage?${coverage}`;
  els.save.disabled = !state.body || !!scenario;
  document.body.dataset.runs = String(++state.runs);
}

function renderSummary(report) {
  const b = report.before, a = report.after;
  const straight = isStraightOnly(report);
  const rows = [
    ['拠点', `${b.hubs} か所`, `${a.hubs} か所`],
    [straight ? `${STRAIGHT_LABEL}・半径 ${formatNumber(Math.round(report.parameters.straightLineMetres))} m で届く人` : '歩いて届く人', people(b.covered), people(a.covered)],
    ['届く人の割合（全人口）', percent(b.coveredShare), percent(a.coveredShare)],
  ];
  if (b.coveredOlder !== null && b.coveredOlder !== undefined) rows.push(['届く 65 歳以上', people(b.coveredOlder), people(a.coveredOlder)]);
  if (b.servedWithinCapacity !== null && b.servedWithinCapacity !== undefined) {
    rows.push([`受け入れの上限（1 か所 ${formatNumber(report.parameters.capacity)} 人）まで`, people(b.servedWithinCapacity), people(a.servedWithinCapacity)]);
  }
  if (report.parameters.model === 'pmedian' && straight && b.meanMetres !== null && b.meanMetres !== undefined) {
    rows.push([`最寄りの拠点まで（${STRAIGHT_LABEL}、${formatNumber(Math.round(report.parameters.boundMetres))} m 以内の人の平均）`,
      `${formatNumber(Math.round(b.meanMetres))} m`, `${formatNumber(Math.round(a.meanMetres))} m`]);
  } else if (report.parameters.model === 'pmedian' && b.meanWalkMinutes !== null) {
    rows.push([`最寄りの拠点まで（${Math.round(report.parameters.boundMetres / report.parameters.pace)} 分以内の人の平均）`,
      `${b.meanWalkMinutes.toFixed(1)} 分`, `${a.meanWalkMinutes.toFixed(1)} 分`]);
  }
  const tbody = els.summary.tBodies[0];
  clear(tbody);
  for (const [label, before, after] of rows) tbody.append(h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, before), h('td', {}, after)));
  tbody.append(h('tr', { class: 'st-gain' }, h('th', { scope: 'row' }, '新たに届く人'), h('td', {}, ''), h('td', {}, people(a.covered - b.covered))));
}

function renderMap(report) {
  hubLayer.clearLayers();
  for (const hub of report.hubs) {
    hubLayer.addLayer(passClicksWhileDrawing(L.marker([hub.lat, hub.lon], { icon: hubIcon(), title: hub.name, keyboard: false }).bindTooltip(h('span', {}, hub.name))));
  }
  siteLayer.clearLayers();
  catchmentLayer.clearLayers();
  for (const site of report.sites) {
    siteLayer.addLayer(siteMarker(site));
    if (site.catchment) catchmentLayer.addData({ type: 'Feature', properties: {}, geometry: site.catchment });
  }
  newLayer.clearLayers();
  if (report.newlyCoveredArea) newLayer.addData({ type: 'Feature', properties: {}, geometry: report.newlyCoveredArea });
  fitToAnswer();
  renderLegend(report);
}

/** The new sites with their walking catchments fill the map (the existing hubs when nothing is added). */
function fitToAnswer() {
  const r = state.report;
  if (!r) return;
  map.invalidateSize();
  const bounds = catchmentLayer.getBounds();
  for (const s of r.sites) bounds.extend([s.lat, s.lon]);
  if (!bounds.isValid()) for (const hub of r.hubs) bounds.extend([hub.lat, hub.lon]);
  if (bounds.isValid()) map.fitBounds(bounds.pad(0.1), { animate: false });
}

// The printed map has another size (siting.css gives it the same size on screen while printing): fit it again, and back.
function preparePrint(printing) {
  document.body.classList.toggle('st-printing', printing);
  fitToAnswer();
  document.body.dataset.fit = printing ? 'print' : 'screen';
}
window.matchMedia('print').addEventListener('change', (e) => preparePrint(e.matches));
window.addEventListener('beforeprint', () => preparePrint(true));
window.addEventListener('afterprint', () => preparePrint(false));

function renderLegend(report) {
  const p = report.parameters;
  const straight = isStraightOnly(report);
  const swatch = (style) => h('span', { class: 'st-swatch', style, 'aria-hidden': 'true' });
  clear(els.legend);
  els.legend.append(
    ...(straight ? [h('li', {}, `距離はすべて${STRAIGHT_LABEL}`)] : []),
    h('li', {}, h('span', { class: 'st-swatch st-site', style: 'width:1rem;height:1rem;border-radius:50%', 'aria-hidden': 'true' }), '新しい拠点の案（数字は順位）'),
    h('li', {}, h('span', { class: 'st-swatch st-hub', style: 'width:.9rem;height:.9rem', 'aria-hidden': 'true' }), 'いまの拠点（残します）'),
    h('li', {}, swatch(`background:transparent;border:2px dashed ${SITE_COLOR}`), straight
      ? `新しい拠点から半径 ${formatNumber(Math.round(p.straightLineMetres))} m の円（${STRAIGHT_LABEL}）`
      : `新しい拠点から歩いて ${p.minutes} 分の範囲`),
    h('li', {}, swatch(`background:${NEW_COLOR};opacity:.6`), straight
      ? '新たに届く人のいる町丁・字（代表点のまわりの推定範囲）'
      : '新たに届く人のいる場所（道路から 40 m）'),
    h('li', {}, swatch(`background:${EXCLUDE_COLOR};opacity:.3;border-style:dashed`), '除外する範囲'),
  );
}

function renderSites(report) {
  const tbody = els.siteTable.tBodies[0];
  clear(tbody);
  for (const s of report.sites) {
    const button = h('button', { type: 'button', class: 'st-link-button', onclick: () => { map.setView([s.lat, s.lon], 16); } }, s.name);
    tbody.append(h('tr', {},
      h('td', { class: 'num' }, String(s.rank)), h('td', {}, button), h('td', {}, s.area ?? ''), h('td', {}, SOURCE_TEXT[s.source] ?? s.source),
      h('td', { class: 'num gain' }, formatNumber(s.newlyCovered)), h('td', { class: 'num' }, formatNumber(Math.round(s.marginalGain))),
      h('td', { class: 'num' }, `${s.lon.toFixed(6)}, ${s.lat.toFixed(6)}`)));
  }
  if (!report.sites.length) tbody.append(h('tr', {}, h('td', { colspan: '7' }, '加える拠点はありません（いまの拠点で目標に届いています）。')));
}

function renderDistricts(report) {
  const all = els.allDistricts.checked;
  const tbody = els.districtTable.tBodies[0];
  clear(tbody);
  const rows = report.districts.filter((d) => all || d.newlyCovered > 0 || d.hubsAfter !== d.hubsBefore)
    .sort((x, y) => y.newlyCovered - x.newlyCovered || x.code.localeCompare(y.code));
  for (const d of rows) {
    tbody.append(h('tr', {},
      h('th', { scope: 'row' }, d.name), h('td', { class: 'num' }, formatNumber(d.population)),
      h('td', { class: 'num' }, formatNumber(d.coveredBefore)), h('td', { class: 'num' }, formatNumber(d.coveredAfter)),
      h('td', { class: 'num gain' }, d.newlyCovered ? `+${formatNumber(d.newlyCovered)}` : '0'),
      h('td', { class: 'num' }, d.hubsAfter !== d.hubsBefore ? `${d.hubsBefore} → ${d.hubsAfter}` : String(d.hubsBefore))));
  }
  const sum = (key) => report.districts.reduce((t, d) => t + d[key], 0);
  tbody.append(h('tr', { class: 'st-total' },
    h('th', { scope: 'row' }, `合計（${report.districtLayer}、${formatNumber(report.districts.length)} 区域）`),
    h('td', { class: 'num' }, formatNumber(sum('population'))), h('td', { class: 'num' }, formatNumber(sum('coveredBefore'))),
    h('td', { class: 'num' }, formatNumber(sum('coveredAfter'))), h('td', { class: 'num gain' }, `+${formatNumber(sum('newlyCovered'))}`),
    h('td', { class: 'num' }, `${report.before.hubs} → ${report.after.hubs}`)));
}
els.allDistricts.addEventListener('change', () => state.report && renderDistricts(state.report));
els.print.addEventListener('click', () => {
  preparePrint(true);
  window.print();
});

// ---------- downloads ----------

function download(name, type, parts) {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// The same rule as the server's CSV (Infrastructure/Csv.cs): numbers stay numbers; text that a spreadsheet would read as
// a formula (= + - @, tab, CR first) gets a leading '.
const csvField = (v) => {
  let s = v === null || v === undefined ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

els.downloadCsv.addEventListener('click', () => {
  const r = state.report;
  if (!r) return;
  const header = ['rank', 'name', 'area', 'lon', 'lat', 'source', 'newly_covered', 'newly_covered_65plus', 'marginal_gain', 'snap_metres', 'distance'];
  const lines = [header.join(',')].concat(r.sites.map((s) =>
    [s.rank, s.name, s.area, s.lon, s.lat, s.source, s.newlyCovered, s.newlyCoveredOlder, s.marginalGain, s.snapMetres, r.distanceLabel].map(csvField).join(',')));
  download(`siting-${r.municipality.code}-${r.parameters.model}.csv`, 'text/csv', ['\uFEFF', lines.join('\r\n') + '\r\n']);
});

els.downloadGeoJson.addEventListener('click', () => {
  const r = state.report;
  if (!r) return;
  const features = r.sites.map((s) => ({
    type: 'Feature', geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
    properties: { kind: 'site', rank: s.rank, name: s.name, area: s.area, source: s.source, newly_covered: s.newlyCovered, marginal_gain: s.marginalGain, distance: r.distanceLabel },
  }));
  for (const s of r.sites) if (s.catchment) features.push({ type: 'Feature', geometry: s.catchment, properties: { kind: 'catchment', rank: s.rank, name: s.name, distance: r.distanceLabel } });
  if (r.newlyCoveredArea) features.push({ type: 'Feature', geometry: r.newlyCoveredArea, properties: { kind: 'newly_covered', people: r.after.covered - r.before.covered, distance: r.distanceLabel } });
  const doc = { type: 'FeatureCollection', features, distance: r.distance, distanceLabel: r.distanceLabel, attribution: r.attribution };
  download(`siting-${r.municipality.code}-${r.parameters.model}.geojson`, 'application/geo+json', [JSON.stringify(doc)]);
});

// ---------- scenarios (計画担当・管理者) ----------

async function loadSession() {
  try {
    state.session = await getJson('../api/auth/session');
  } catch {
    state.session = null;
  }
  const planner = !!state.session?.permissions?.aggregates;
  els.scenariosSignin.hidden = planner;
  els.scenariosBody.hidden = !planner;
  if (planner) await loadScenarios();
}

async function loadScenarios() {
  state.scenarios = await getJson(`../api/siting/scenarios?municipality=${encodeURIComponent(els.municipality.value)}`);
  clear(els.scenarioList);
  for (const s of state.scenarios) {
    const id = `scenario-${s.id}`;
    els.scenarioList.append(h('li', {},
      h('input', { type: 'checkbox', id, value: String(s.id), onchange: updateCompare }),
      h('label', { for: id }, s.name,
        h('span', { class: 'st-scenario-meta' },
          `${MODEL_TEXT[s.model] ?? s.model}・${s.solver === 'exact' ? '厳密' : '貪欲'}・${s.addedSites} か所・届く ${formatNumber(s.coveredAfter)} 人（${s.createdBy}）`)),
      h('button', { type: 'button', class: 'st-link-button', onclick: () => openScenario(s.id) }, '開く')));
  }
  if (!state.scenarios.length) els.scenarioList.append(h('li', {}, 'まだ保存した案はありません。'));
  updateCompare();
}

function updateCompare() {
  const n = els.scenarioList.querySelectorAll('input:checked').length;
  els.compare.disabled = n < 2 || n > 6;
}

async function openScenario(id) {
  try {
    const view = await getJson(`../api/siting/scenarios/${id}`);
    state.body = null;
    render(view.report, view.scenario);
    setStatus(`保存した案「${view.scenario.name}」を開きました。`);
    els.resultsHeading.focus();
  } catch (e) {
    setStatus(`開けませんでした：${e.message}`);
  }
}

els.saveForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!state.body) return;
  els.save.disabled = true;
  setStatus('保存しています（同じ条件で計算し直します）…');
  try {
    const headers = { [state.session.csrfHeader]: state.session.csrfToken };
    const saved = await postJson('../api/siting/scenarios', { name: els.scenarioName.value, note: els.scenarioNote.value || null, parameters: state.body }, undefined, headers);
    setStatus(`案「${saved.scenario.name}」を保存しました。`);
    els.scenarioName.value = '';
    els.scenarioNote.value = '';
    await loadScenarios();
  } catch (e) {
    setStatus(`保存できませんでした：${e.message}`);
  } finally {
    els.save.disabled = !state.body;
  }
});

els.compare.addEventListener('click', async () => {
  const ids = [...els.scenarioList.querySelectorAll('input:checked')].map((i) => i.value);
  try {
    const c = await getJson(`../api/siting/scenarios/compare?ids=${ids.join(',')}`);
    renderComparison(c);
    els.comparison.hidden = false;
    els.comparison.scrollIntoView({ behavior: 'smooth' });
  } catch (e) {
    setStatus(`比べられませんでした：${e.message}`);
  }
});

function renderComparison(c) {
  const head = els.comparisonTable.tHead;
  const body = els.comparisonTable.tBodies[0];
  clear(head);
  clear(body);
  head.append(h('tr', {}, h('th', { scope: 'col' }, ''), c.scenarios.map((s) => h('th', { scope: 'col' }, s.scenario.name))));
  const row = (label, f) => body.append(h('tr', {}, h('th', { scope: 'row' }, label), c.scenarios.map((s) => h('td', { class: 'num' }, f(s)))));
  row('問い', (s) => MODEL_TEXT[s.scenario.model] ?? s.scenario.model);
  const straight = isStraightOnly(state.report);
  row(straight ? '距離' : '徒歩', (s) => straight && s.parameters.straightLineMetres
    ? `直線 ${formatNumber(Math.round(s.parameters.straightLineMetres))} m（道路データなし）`
    : `${s.parameters.minutes} 分・毎分 ${s.parameters.pace} m`);
  row('解き方', (s) => `${s.solver.name === 'exact' ? '厳密' : '貪欲'}（${s.solver.statusText}）`);
  row('加える拠点', (s) => `${s.scenario.addedSites} か所`);
  row('届く人（いま）', (s) => formatNumber(s.scenario.coveredBefore));
  row('届く人（案）', (s) => formatNumber(s.scenario.coveredAfter));
  row('新たに届く人', (s) => `+${formatNumber(s.scenario.coveredAfter - s.scenario.coveredBefore)}`);
  row('届く人の割合', (s) => percent(s.scenario.coveredAfter / s.scenario.population));
  row('場所（順位順）', (s) => s.sites.map((x) => `${x.rank}. ${x.name}`).join('、'));

  const dHead = els.comparisonDistricts.tHead;
  const dBody = els.comparisonDistricts.tBodies[0];
  clear(dHead);
  clear(dBody);
  dHead.append(h('tr', {}, h('th', { scope: 'col' }, '区域'), h('th', { scope: 'col' }, '人口'), h('th', { scope: 'col' }, 'いま'),
    c.scenarios.map((s) => h('th', { scope: 'col' }, s.scenario.name))));
  for (const d of c.districts.filter((d) => d.coveredAfter.some((v) => v !== d.coveredBefore))) {
    dBody.append(h('tr', {}, h('th', { scope: 'row' }, d.name), h('td', { class: 'num' }, formatNumber(d.population)),
      h('td', { class: 'num' }, formatNumber(d.coveredBefore)), d.coveredAfter.map((v) => h('td', { class: 'num' }, formatNumber(v)))));
  }
}

// ---------- start ----------

/** The existing facilities of the city that may be offered as candidate sites (宇部市: its 介護サービス事業所), one checkbox each. */
function showFacilityChoices(m) {
  clear(els.facilityChoices);
  for (const f of m?.facilities ?? []) {
    const id = `facilities-${f.key}`;
    els.facilityChoices.append(h('li', {}, h('input', { type: 'checkbox', id, value: f.key }),
      h('label', { for: id }, `既存の施設も候補にする：${f.title ?? f.key}（${formatNumber(f.count)} か所）`)));
  }
}

async function loadMunicipalities() {
  const list = await citySelect(els.municipality, {
    filter: (m) => m.counts.populationUnits > 0,
    onChange: async (code, m) => {
      showCity(m);
      await fitMunicipality(base.map, code);
      setStatus(readyText(m));
      await loadSession();
    },
  });
  const m = list.find((x) => x.code === els.municipality.value);
  showCity(m);
  return m;
}

/** The form for the chosen city: its facilities, and the straight-line radius where it has no walking network. */
function showCity(m) {
  showFacilityChoices(m);
  showDistanceMode(m?.walkingNetwork === false, m?.name);
}

function readyText(m) {
  return m?.walkingNetwork === false
    ? `${m.name}は歩行ネットワーク（道路データ）がまだないため、${STRAIGHT_LABEL}で求めます。条件を選んで「求める」を押してください。`
    : '条件を選んで「求める」を押してください。';
}

(async () => {
  updateModelFields();
  updateDrawnSummary();
  try {
    const m = await loadMunicipalities();
    await loadSession();
    setStatus(readyText(m));
  } catch (e) {
    setStatus(`読み込めませんでした：${e.message}`);
  }
  document.body.dataset.ready = 'true';
})();
