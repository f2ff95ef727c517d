// 計画担当: set up a municipality's data in the browser. Upload a file → the server keeps it and answers a preview (features,
// columns used, problems by row and field, addresses placed) → change the column mapping → commit all or nothing with
// progress → versions, restore. Every value from a file reaches the page as text (h() in dom.js), never as HTML.
import { h, clear, formatNumber, notATabStop } from '../../js/dom.js';
import * as api from './api.js';
import { DEFAULT_MUNICIPALITY } from '../../js/constants.js';
import { createBaseMap, fitMunicipality } from '../../js/basemap.js';

const $ = (id) => document.getElementById(id);
const KIND_NAMES = { hubs: '拠点', districts: '区域', population: '人口', shelters: '避難所' };
let map;
let previewLayer;
let preview = null; // the last preview from the server
let layers = [];

const status = (text, bad = false) => { $('status').textContent = text; $('status').classList.toggle('error', bad); };

async function start() {
  if (!await api.plannerSession($('user-name'))) return;
  const options = (await api.get('/api/setup/options')).body;
  $('u-max').textContent = `${formatNumber(options.maxBytes / 1024 / 1024)} MB`;
  if (options.municipalities.length === 0) {
    status('取り込みを担当する市区町村がありません。管理者に担当の市区町村を登録してもらってください。', true);
    $('upload-form').querySelector('button[type=submit]').disabled = true;
  }
  const wanted = new URLSearchParams(location.search).get('municipality');
  for (const m of options.municipalities) $('u-city').append(h('option', { value: m.key }, `${m.name}（${m.key}）`));
  const first = options.municipalities.find((m) => m.key === wanted) ?? options.municipalities.find((m) => m.key === DEFAULT_MUNICIPALITY) ?? options.municipalities[0];
  if (first) $('u-city').value = first.key;
  for (const t of options.hubTypes) $('u-hubtype').append(h('option', { value: t.key }, t.name));
  layers = options.layers;
  ({ map } = createBaseMap('map', { municipality: $('u-city').value || DEFAULT_MUNICIPALITY }));
  previewLayer = L.featureGroup().addTo(map);
  showKindFields();
  await loadVersions();
}

$('logout').addEventListener('click', async () => { await api.logout(); location.href = 'index.html'; });

function showKindFields() {
  const kind = $('u-kind').value;
  for (const p of document.querySelectorAll('[data-kind]')) {
    const on = p.dataset.kind === kind;
    p.hidden = !on;
    for (const input of p.querySelectorAll('input, select')) input.disabled = !on;
  }
  $('u-layerkey').required = kind === 'districts';
  $('u-layerkind').required = kind === 'districts';
}

$('u-kind').addEventListener('change', () => { showKindFields(); loadVersions(); });
$('u-city').addEventListener('change', async () => {
  await fitMunicipality(map, $('u-city').value);
  await loadVersions();
});
$('u-layerkey').addEventListener('change', () => {
  const known = layers.find((l) => l.municipalityCode === $('u-city').value && l.key === $('u-layerkey').value);
  if (known && !$('u-layerkind').value) $('u-layerkind').value = known.kind;
});

/** The mapping the form and the column selects say now. */
function mapping() {
  const form = new FormData($('upload-form'));
  const m = {
    municipality: $('u-city').value, kind: $('u-kind').value, encoding: form.get('encoding') || null,
    hubType: form.get('hubType') || null, layerKey: form.get('layerKey') || null, layerKind: form.get('layerKind') || null,
    layerName: form.get('layerName') || null, shelterKind: form.get('shelterKind') || null,
  };
  if (preview) {
    for (const select of document.querySelectorAll('#mapping-form select')) m[select.name] = select.value || null;
  }
  return m;
}

$('upload-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const file = $('u-file').files[0];
  if (!file) return;
  const form = new FormData();
  form.append('file', file, file.name);
  preview = null; // a new file: its own columns
  for (const [k, v] of Object.entries(mapping())) if (v) form.append(k, v);
  status(`${file.name} を読み込んで確認しています…`);
  const result = await api.sendForm('/api/setup/uploads', form);
  if (!result.ok) {
    status(result.message, true);
    return;
  }
  show(result.body);
});

$('mapping-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!preview) return;
  status('列の対応づけを変えて確認し直しています…');
  const result = await api.send('POST', `/api/setup/uploads/${preview.id}/mapping`, mapping());
  if (!result.ok) {
    status(result.message, true);
    return;
  }
  show(result.body);
});

function rowLabel(row) {
  if (row == null) return 'ファイル全体';
  // The header is the table's first line unless title lines (表題・基準日) stand above it.
  return preview?.tabular ? `${row}件目（表の ${row + (preview.headerLine ?? 1)} 行目）` : `${row}件目`;
}

/** Shows a preview: summary, column selects, the problem table, the addresses placed, the features on the map. */
function show(p) {
  preview = p;
  $('preview').hidden = false;
  const problems = p.problems.length;
  clear($('preview-summary')).append(...[
    h('span', null, `${p.fileName}: ${formatNumber(p.rows)} 件を読み、${formatNumber(p.valid)} 件を取り込めます。`),
    p.encoding ? h('span', null, ` 文字コード: ${p.encoding}。`) : null,
    ' ',
    problems === 0 ? h('span', { class: 'ok-text' }, '問題はありません。') : h('span', { class: 'bad-text' }, `問題が ${formatNumber(problems)} 件あります。直したファイルを選び直してください。`),
    p.featuresShown < p.valid ? h('span', null, ` 地図には最初の ${formatNumber(p.featuresShown)} 件を表示しています。`) : null,
  ].filter(Boolean));
  for (const select of document.querySelectorAll('#mapping-form select')) {
    const role = select.dataset.role;
    clear(select).append(h('option', { value: '' }, '（自動・なし）'), ...p.fields.map((f) => h('option', { value: f }, f)));
    select.value = p.mapping[select.name] ?? p.columns[role] ?? '';
  }
  $('problems-caption').textContent = `問題（${formatNumber(problems)} 件）`;
  const body = clear($('problems').querySelector('tbody'));
  if (problems === 0) body.append(h('tr', null, h('td', { colspan: '3' }, 'ありません。')));
  for (const x of p.problems) body.append(h('tr', null, h('td', null, rowLabel(x.row)), h('td', null, x.field ?? '—'), h('td', null, x.reason)));
  const placed = [...p.geocoded, ...p.unmatched].sort((a, b) => a.row - b.row);
  $('geocoded').hidden = placed.length === 0;
  const gbody = clear($('geocoded').querySelector('tbody'));
  for (const g of placed) {
    gbody.append(h('tr', null, h('td', null, rowLabel(g.row)), h('td', null, g.address),
      h('td', null, g.matched ? `${g.matched}（${g.precision}）` : h('span', { class: 'bad-text' }, '見つかりません'))));
  }
  clear($('notes')).append(...p.notes.map((n) => h('li', null, n)));
  drawFeatures(p.features);
  $('commit-section').hidden = false;
  $('commit').disabled = !p.canCommit;
  $('commit-message').textContent = p.canCommit ? '' : '問題がなくなると取り込めます。';
  $('commit-progress').hidden = true;
  status(problems === 0 ? '確認しました。地図と一覧を見て、よければ「取り込む」を押してください。' : `問題が ${problems} 件あります（一覧に行と項目を示しました）。`, problems > 0);
  $('preview-heading').focus();
}

function drawFeatures(collection) {
  previewLayer.clearLayers();
  const layer = L.geoJSON(collection, {
    pointToLayer: (_, latlng) => L.circleMarker(latlng, { radius: 7, color: '#1b3a5c', weight: 2, fillColor: '#ffbf47', fillOpacity: 0.9 }),
    // Areas only: L.geoJSON applies `style` to the points' circle markers too, and would wash out their fill.
    style: (f) => (/Polygon/.test(f.geometry.type) ? { color: '#1b3a5c', weight: 2, fillOpacity: 0.15 } : {}),
    onEachFeature: (f, l) => { l.bindTooltip(h('span', null, `${rowLabel(f.properties.row)} ${f.properties.name}`)); notATabStop(l); },
  });
  previewLayer.addLayer(layer);
  if (collection.features.length > 0) map.fitBounds(previewLayer.getBounds(), { maxZoom: 16, padding: [20, 20], animate: false });
}

$('commit').addEventListener('click', async () => {
  if (!preview?.canCommit) return;
  const id = preview.id;
  $('commit').disabled = true;
  $('commit-progress').hidden = false;
  $('commit-progress').value = 0;
  $('commit-message').textContent = '取り込みを始めます…';
  let polling = true;
  const poll = async () => {
    while (polling) {
      const r = await api.get(`/api/setup/uploads/${id}/progress`).catch(() => null);
      if (r && polling && r.body.steps > 0) {
        $('commit-progress').value = r.body.step;
        $('commit-progress').max = r.body.steps;
        $('commit-message').textContent = r.body.message;
      }
      await new Promise((resolve) => { setTimeout(resolve, 400); });
    }
  };
  poll();
  const result = await api.send('POST', `/api/setup/uploads/${id}/commit`);
  polling = false;
  if (!result.ok) {
    $('commit-progress').hidden = true;
    $('commit-message').textContent = result.message;
    $('commit').disabled = false;
    if (result.body?.problems) show({ ...preview, problems: result.body.problems, canCommit: false });
    status(result.message, true);
    return;
  }
  const written = Object.entries(result.body.written).filter(([k]) => k !== 'datasets').reduce((n, [, v]) => n + v, 0);
  $('commit-progress').value = $('commit-progress').max;
  const done = `取り込みました（版 ${result.body.version}、${formatNumber(written)} 件）。公開の地図と分析にすぐ反映されます。`;
  $('commit-message').textContent = done;
  status(done);
  await loadVersions();
});

let versionsAsked = 0;

async function loadVersions() {
  const code = $('u-city').value;
  if (!code) return;
  const kind = $('u-kind').value;
  const asked = ++versionsAsked;
  const versions = (await api.get(`/api/setup/versions?municipality=${encodeURIComponent(code)}&kind=${encodeURIComponent(kind)}`)).body;
  if (asked !== versionsAsked) return; // the city or kind changed meanwhile: a later answer draws the list
  const body = clear($('versions').querySelector('tbody'));
  if (versions.length === 0) body.append(h('tr', null, h('td', { colspan: '6' }, `${KIND_NAMES[kind]}はまだ画面から取り込まれていません。`)));
  for (const v of versions) {
    const state = v.isCurrent ? h('span', { class: 'ok-text' }, '使用中')
      : h('button', { type: 'button', onclick: () => restore(v) }, `版 ${v.id} に戻す`);
    body.append(h('tr', null, h('td', null, String(v.id)), h('td', null, `${KIND_NAMES[v.kind] ?? v.kind}${v.target ? `（${v.target}）` : ''}`),
      // The data a first upload replaced (census, reference hubs …) is named by its label and keeps its own credit.
      h('td', null, v.label ?? v.fileName, v.attribution ? h('span', { class: 'note version-credit' }, v.attribution.startsWith('出典') ? v.attribution : `出典: ${v.attribution}`) : null),
      h('td', null, `${formatNumber(v.featureCount)} 件`),
      h('td', null, v.label ? `${api.jst(v.createdAt)} に読み込んだデータ${v.restoredAt ? `（${api.jst(v.restoredAt)} に戻した）` : ''}`
        : `${v.createdByName ?? ''} ${api.jst(v.createdAt)}${v.restoredAt ? `（${api.jst(v.restoredAt)} に戻した）` : ''}`), h('td', null, state)));
  }
}

async function restore(v) {
  if (!window.confirm(`版 ${v.id}（${v.label ?? v.fileName}）に戻しますか？ いまの版は一覧に残ります。`)) return;
  $('versions-result').textContent = `版 ${v.id} に戻しています…`;
  const result = await api.send('POST', `/api/setup/versions/${v.id}/restore`);
  $('versions-result').textContent = result.ok ? `版 ${v.id} に戻しました。` : result.message;
  await loadVersions();
}

start().catch((e) => status(e.message, true));
