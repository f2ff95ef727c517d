// Meeting mode (三者懇談会): a district's households and watcher lines, editing with ETag/If-Match, the yearly review,
// evacuation minutes, exports with a purpose and a printable map with legend, scale, north arrow, credits and watermark.
// Every value from the server becomes a text node (h() in ../../js/dom.js); nothing is parsed as HTML.
import { h, clear } from '../../js/dom.js';
import * as api from './api.js';
import { createBaseMap } from '../../js/basemap.js';
import { paceLabel } from '../../js/constants.js';

const CATEGORY_COLORS = {
  '独居高齢者': '#d95f02', '高齢者のみ世帯': '#7570b3', '障害': '#e7298a', '要介護': '#66a61e', '子育て': '#1b9e77', 'その他': '#666666',
};
const ALL_CATEGORIES = Object.keys(CATEGORY_COLORS);
const SENSITIVE = ['障害', '要介護'];
const STATUS_TEXT = { active: '在宅', moved: '転出', deceased: '死亡' };
const OUTCOME_TEXT = { confirmed: '確認済', changed: '変更あり', removed: '削除' };

const $ = (id) => document.getElementById(id);
const state = { session: null, districts: [], district: null, households: new Map(), numbers: new Map(), watchers: new Map(), editing: null, adding: false };

// ---------- sign-in ----------

async function start() {
  state.session = await api.session();
  if (!state.session.signedIn) {
    $('login-view').hidden = false;
    $('app-view').hidden = true;
    $('user-box').hidden = true;
    $('login-user').focus();
    return;
  }
  showApp();
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('login-error').textContent = '';
  try {
    state.session = await api.login($('login-user').value, $('login-password').value);
    $('login-password').value = '';
    showApp();
  } catch (err) {
    $('login-error').textContent = err.message;
  }
});

$('logout').addEventListener('click', async () => {
  await api.logout();
  location.reload();
});

// ---------- the map ----------

let map;
let base;
const layers = {};
const markers = new Map(); // household id → its numbered marker

function makeMap() {
  // Base layers, scale, north arrow and credits from the shared factory; the district outline sets the view later.
  base = createBaseMap('map', { zoomControl: true, fit: false });
  map = base.map;
  base.setCredits([$('credits').textContent]);
  layers.district = L.layerGroup().addTo(map);
  layers.lines = L.layerGroup().addTo(map);
  layers.households = L.layerGroup().addTo(map);
  layers.watchers = L.layerGroup().addTo(map);
  map.on('click', (e) => {
    if (!state.adding) return;
    state.adding = false;
    $('add-household').setAttribute('aria-pressed', 'false');
    openEditor(null, { lon: round6(e.latlng.lng), lat: round6(e.latlng.lat) });
  });
}

const round6 = (x) => Math.round(x * 1e6) / 1e6;

function colorOf(household) {
  const first = household.categories.find((c) => CATEGORY_COLORS[c]);
  return CATEGORY_COLORS[first] || CATEGORY_COLORS['その他'];
}

function drawLegend() {
  const items = ALL_CATEGORIES.filter((c) => state.session.permissions.seesSensitive || !SENSITIVE.includes(c));
  const legend = clear($('legend'));
  for (const c of items) legend.append(h('li', null, h('span', { class: 'swatch', style: `background:${CATEGORY_COLORS[c]}` }), c));
  if (state.session.permissions.seesRegister) legend.append(h('li', null, h('span', { class: 'swatch', style: 'background:#fff;border-style:dashed' }), '同意なし・未確認（民生委員のみ表示）'));
  legend.append(h('li', null, h('span', { class: 'hh-badge' }, '1'), '世帯（番号は一覧と同じ。輪の色が区分）'));
  legend.append(h('li', null, h('span', { class: 'swatch', style: 'background:#111;border-radius:0' }), '見守り担当'));
  legend.append(h('li', null, h('span', { class: 'swatch line' }), '見守りの線（担当 → 世帯）'));
  legend.append(h('li', null, h('span', { class: 'swatch', style: 'background:transparent;border-radius:0;border-color:#1b3a5c' }), '区域の境界（デモ用）'));
  const printLegend = clear($('print-legend'));
  printLegend.append(h('strong', null, '凡例'), legend.cloneNode(true));
}

// ---------- app ----------

async function showApp() {
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('user-box').hidden = false;
  const s = state.session;
  $('user-name').textContent = s.displayName;
  $('user-roles').textContent = s.roles.join('・');
  $('planner-link').hidden = !s.permissions.manageHubs;
  $('admin-link').hidden = !s.permissions.admin;
  $('add-household').hidden = !s.permissions.create;
  $('print-box').hidden = !s.permissions.export;
  if (!map) makeMap();
  drawLegend();
  const { body } = await api.get('/api/households/districts');
  state.districts = body;
  const select = clear($('district'));
  if (body.length === 0) {
    $('status').textContent = '担当の区域がありません。管理者に担当区域の付与を依頼してください。';
    return;
  }
  for (const d of body) select.append(h('option', { value: d.id }, `${d.name}（${d.layerKind}・期限 ${api.jst(d.grantExpiresAt).slice(0, 10)}）`));
  await loadDistrict(body[0].id);
}

$('district').addEventListener('change', (e) => loadDistrict(Number(e.target.value)));

async function loadDistrict(id) {
  state.district = state.districts.find((d) => d.id === id);
  $('district-title').textContent = state.district.name;
  $('status').textContent = '読み込み中…';
  try {
    const [households, watchers] = await Promise.all([
      api.get(`/api/households?district=${id}`),
      api.get(`/api/households/watchers?district=${id}`),
    ]);
    state.households = new Map(households.body.items.map((x) => [x.id, x]));
    state.watchers = new Map(watchers.body.map((w) => [w.id, w]));
    numberHouseholds();
    drawDistrict();
    drawHouseholds();
    renderList();
    renderWatchers();
    $('status').textContent = `${households.body.notice}。世帯 ${households.body.count} 件・見守り担当 ${watchers.body.length} 人。`;
  } catch (err) {
    handleError(err);
  }
}

function handleError(err) {
  if (err.status === 401) {
    $('status').textContent = 'ログインの有効期限が切れました。もう一度ログインしてください。';
    setTimeout(() => location.reload(), 1500);
  } else {
    $('status').textContent = err.message;
  }
}

function drawDistrict() {
  layers.district.clearLayers();
  const shape = L.geoJSON(state.district.geometry, { style: { color: '#1b3a5c', weight: 3, fill: false, dashArray: '6 4' }, interactive: false });
  layers.district.addLayer(shape);
  map.fitBounds(shape.getBounds(), { padding: [20, 20] });
}

/** Households are numbered 1, 2, 3 … in the server's order (by id); the map, the screen list and the printed list share the number. */
function numberHouseholds() {
  state.numbers = new Map([...state.households.keys()].map((id, i) => [id, i + 1]));
}

const watcherNames = (x) => x.watcherIds.map((id) => state.watchers.get(id)?.name).filter(Boolean).join('、');
const statusText = (x) => [STATUS_TEXT[x.status] ?? x.status, ...x.categories, x.consentState && x.consentState !== '同意' ? `同意: ${x.consentState}` : null]
  .filter(Boolean).join('・');

function householdIcon(x, number) {
  const consented = !x.consentState || x.consentState === '同意';
  const disc = h('span', { class: consented ? 'hh-number' : 'hh-number unconsented', style: `--ring:${colorOf(x)}` }, String(number));
  return L.divIcon({ className: 'hh-marker', html: disc, iconSize: [24, 24], iconAnchor: [12, 12] });
}

function drawHouseholds() {
  layers.households.clearLayers();
  layers.lines.clearLayers();
  layers.watchers.clearLayers();
  markers.clear();
  for (const w of state.watchers.values()) {
    const m = L.marker([w.lat, w.lon], {
      icon: L.divIcon({ className: 'watcher-marker', iconSize: [14, 14] }),
      title: `${w.name}（${w.role ?? '見守り'}）受け持ち ${w.workload} 世帯`,
      keyboard: false,
    });
    m.bindTooltip(h('span', null, `${w.name}（受け持ち ${w.workload}）`));
    layers.watchers.addLayer(m);
  }
  for (const x of state.households.values()) {
    for (const wid of x.watcherIds) {
      const w = state.watchers.get(wid);
      if (w) layers.lines.addLayer(L.polyline([[w.lat, w.lon], [x.lat, x.lon]], { color: '#333', weight: 2, dashArray: '4 4', opacity: 0.8, interactive: false }));
    }
    const number = state.numbers.get(x.id);
    // Not a Tab stop: the numbered list beside the map is the keyboard path to the same households.
    const marker = L.marker([x.lat, x.lon], { icon: householdIcon(x, number), keyboard: false, riseOnHover: true });
    marker.bindTooltip(h('span', null, `${number}. ${x.label}`));
    marker.on('click', () => openEditor(x.id));
    marker.on('add', () => marker.getElement()?.setAttribute('data-number', String(number)));
    markers.set(x.id, marker);
    layers.households.addLayer(marker);
  }
  highlight(state.editing?.id ?? null);
}

function renderList() {
  const list = clear($('household-list'));
  $('household-count').textContent = `（${state.households.size} 件）`;
  for (const x of state.households.values()) {
    const names = watcherNames(x);
    list.append(h('li', { dataset: { householdId: x.id, number: state.numbers.get(x.id) } },
      h('span', { class: 'no-badge', 'aria-hidden': 'true' }, String(state.numbers.get(x.id))),
      h('button', { type: 'button', class: 'link', 'aria-label': `${state.numbers.get(x.id)}番 ${x.label}`, onclick: () => openEditor(x.id) }, x.label),
      h('div', { class: 'chips' }, x.categories.map((c) => h('span', null, c))),
      h('div', { class: 'meta' }, x.address ?? '', x.consentState ? ` ／ 同意: ${x.consentState}` : '', names ? ` ／ 見守り: ${names}` : '')));
  }
  renderSheetList();
}

const LIST_BESIDE_MAP_ON_A4 = 24;

/** The printed list beside the map: number, label, status (with categories and consent) and watchers. */
function renderSheetList() {
  $('sheet-count').textContent = `（${state.households.size} 世帯）`;
  // More households than fit beside the map on A4 (about two dozen at 7 pt): the A4 sheet puts the list on a second sheet.
  document.body.classList.toggle('sheet-long-list', state.households.size > LIST_BESIDE_MAP_ON_A4);
  const body = clear($('sheet-list').tBodies[0]);
  for (const x of state.households.values()) {
    body.append(h('tr', { dataset: { householdId: x.id } },
      h('td', null, String(state.numbers.get(x.id))), h('td', null, x.label), h('td', null, statusText(x)), h('td', null, watcherNames(x) || '—')));
  }
}

/** The household being edited stands out: its marker grows with a yellow ring and its list row is marked. */
function highlight(id) {
  for (const [hid, marker] of markers) {
    const el = marker.getElement();
    el?.classList.toggle('editing', hid === id);
    marker.setZIndexOffset(hid === id ? 10000 : 0);
  }
  for (const li of $('household-list').children) {
    const on = Number(li.dataset.householdId) === id;
    li.classList.toggle('editing', on);
    if (on) li.setAttribute('aria-current', 'true'); else li.removeAttribute('aria-current');
  }
  const marker = markers.get(id);
  if (marker && !map.getBounds().contains(marker.getLatLng())) map.panTo(marker.getLatLng());
}

function closeEditor() {
  $('editor').hidden = true;
  state.editing = null;
  highlight(null);
}

function renderWatchers() {
  const list = clear($('watcher-list'));
  for (const w of [...state.watchers.values()].sort((a, b) => b.workload - a.workload)) {
    const item = h('li', null, h('strong', null, w.name), ` ${w.role ?? ''}`, h('div', { class: 'meta' }, `受け持ち ${w.workload} 世帯`));
    item.append(watcherControls(w));
    list.append(item);
  }
}

// Edit (name, role) and delete a watcher, with If-Match like households. Built from elements and text only.
function watcherControls(w) {
  const box = document.createElement('div');
  box.className = 'watcher-controls';
  const permissions = state.session?.permissions ?? {};
  const message = document.createElement('p');
  message.className = 'note';
  message.setAttribute('role', 'status');
  const button = (text, onClick) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.setAttribute('aria-label', `${w.name}：${text}`);
    b.addEventListener('click', onClick);
    box.append(b);
  };
  const done = async (response, okText) => {
    if (!response.ok) { message.textContent = response.body?.detail ?? '操作できませんでした。'; return; }
    message.textContent = okText;
    await loadDistrict(state.district.id);
  };
  if (permissions.update) {
    button('変更', () => {
      const form = document.createElement('form');
      const field = (label, name, value, max) => {
        const l = document.createElement('label');
        l.textContent = `${label} `;
        const input = document.createElement('input');
        input.name = name;
        input.value = value ?? '';
        input.maxLength = max;
        l.append(input);
        form.append(l, ' ');
        return input;
      };
      const name = field('名前', 'name', w.name, 100);
      const role = field('役割', 'role', w.role, 50);
      const save = document.createElement('button');
      save.type = 'submit';
      save.textContent = '保存';
      form.append(save);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        await done(await api.send('PATCH', `/api/households/watchers/${w.id}`, { name: name.value, role: role.value }, w.version), '変更しました。');
      });
      box.replaceChildren(form, message);
      name.focus();
    });
  }
  if (permissions.delete) {
    button('削除', async () => {
      if (!window.confirm(`見守り担当「${w.name}」を削除します。受け持ちの割り当ても外れます。よろしいですか。`)) return;
      await done(await api.send('DELETE', `/api/households/watchers/${w.id}`, undefined, w.version), '削除しました。');
    });
  }
  box.append(message);
  return box;
}

// ---------- editing ----------

$('add-household').addEventListener('click', () => {
  state.adding = true;
  $('add-household').setAttribute('aria-pressed', 'true');
  $('status').textContent = '地図上の世帯の位置をクリックしてください（区域の中）。';
});

const FIELDS = ['label', 'address', 'categories', 'disabilityDetail', 'careLevel', 'notes', 'consentState', 'consentDate', 'consentMethod', 'legalBasis', 'status', 'watcherIds', 'lon', 'lat'];

async function openEditor(id, at) {
  const p = state.session.permissions;
  let record = null;
  let etag = null;
  if (id !== null) {
    try {
      const result = await api.get(`/api/households/${id}`);
      record = result.body;
      etag = result.etag;
    } catch (err) {
      handleError(err);
      return;
    }
  } else {
    record = { label: '', address: '', categories: [], disabilityDetail: '', careLevel: '', notes: '', consentState: '未確認', consentDate: null, consentMethod: '', legalBasis: '', status: 'active', watcherIds: [], ...at };
  }
  state.editing = { id, etag, original: record };
  $('editor').hidden = false;
  $('conflict').hidden = true;
  $('editor-title').textContent = id === null ? '世帯の追加（架空のデモデータ）' : `世帯の編集: ${state.numbers.get(id) ?? ''}番 ${record.label}`;
  fillForm(record, !p.update && id !== null);
  highlight(id);
  $('editor').scrollIntoView({ block: 'nearest' });
}

function fillForm(record, readOnly) {
  const p = state.session.permissions;
  const form = clear($('household-form'));
  const text = (name, label, value, opts = {}) => h('p', null, h('label', { for: `f-${name}` }, label),
    (opts.area ? h('textarea', { id: `f-${name}`, name, rows: 3, maxlength: 2000, disabled: readOnly || opts.disabled }, value ?? '')
      : h('input', { id: `f-${name}`, name, value: value ?? '', type: opts.type || 'text', disabled: readOnly || opts.disabled })));
  form.append(text('label', '呼び名', record.label));
  form.append(text('address', '住所', record.address));
  if (!readOnly) {
    form.append(h('p', null, h('button', { type: 'button', id: 'locate', onclick: locateFromAddress }, '住所から位置を決める'), ' ',
      h('span', { id: 'locate-result', class: 'note' }, state.editing.id === null ? '（または地図のクリックで決めた位置）' : '')));
  }
  const cats = ALL_CATEGORIES.filter((c) => p.seesSensitive || !SENSITIVE.includes(c));
  form.append(h('fieldset', null, h('legend', null, '区分'), h('div', { class: 'checks' }, cats.map((c) =>
    h('label', null, h('input', { type: 'checkbox', name: 'categories', value: c, checked: record.categories.includes(c), disabled: readOnly }), c)))));
  if (p.seesSensitive) {
    form.append(text('disabilityDetail', '障害の内容', record.disabilityDetail));
    form.append(text('careLevel', '要介護度', record.careLevel));
    form.append(text('notes', 'メモ', record.notes, { area: true }));
  }
  if ('consentState' in record) {
    const dis = readOnly || !p.setConsent;
    form.append(h('p', null, h('label', { for: 'f-consentState' }, '同意（平常時の情報提供）'),
      h('select', { id: 'f-consentState', name: 'consentState', disabled: dis }, ['同意', '不同意', '未確認'].map((v) => h('option', { value: v, selected: record.consentState === v }, v)))));
    form.append(text('consentDate', '同意日', record.consentDate, { type: 'date', disabled: !p.setConsent }));
    form.append(text('consentMethod', '同意の方法', record.consentMethod, { disabled: !p.setConsent }));
    form.append(text('legalBasis', '根拠', record.legalBasis, { disabled: !p.setConsent }));
  }
  form.append(h('p', null, h('label', { for: 'f-status' }, '状態'),
    h('select', { id: 'f-status', name: 'status', disabled: readOnly }, Object.entries(STATUS_TEXT).map(([v, t]) => h('option', { value: v, selected: record.status === v }, t)))));
  form.append(h('fieldset', null, h('legend', null, '見守り担当'), h('div', { class: 'checks' }, [...state.watchers.values()].map((w) =>
    h('label', null, h('input', { type: 'checkbox', name: 'watcherIds', value: w.id, checked: record.watcherIds.includes(w.id), disabled: readOnly }), w.name)))));
  form.append(h('input', { type: 'hidden', name: 'lon', value: record.lon }), h('input', { type: 'hidden', name: 'lat', value: record.lat }));
  if (!readOnly) {
    form.append(h('p', null, h('button', { type: 'submit', class: 'primary', id: 'save' }, '保存'), ' ',
      h('button', { type: 'button', onclick: closeEditor }, '閉じる'),
      state.editing.id !== null && p.delete ? [' ', h('button', { type: 'button', onclick: deleteHousehold }, '削除')] : null));
  } else {
    form.append(h('p', { class: 'note' }, 'この役割では閲覧のみです。'), h('button', { type: 'button', onclick: closeEditor }, '閉じる'));
  }
  form.append(h('p', { id: 'save-result', role: 'status', class: 'note' }));
}

/** Puts the household at the representative point of the 町丁・字 its address names (a coarse, offline lookup). */
async function locateFromAddress() {
  const address = $('f-address').value.trim();
  if (!address) return;
  try {
    const { body } = await api.get(`/api/households/geocode?municipality=${state.district.municipalityCode}&q=${encodeURIComponent(address)}`);
    if (body.length === 0) { $('locate-result').textContent = '住所から位置を見つけられませんでした。地図をクリックしてください。'; return; }
    const form = $('household-form');
    form.querySelector('[name=lon]').value = body[0].lon;
    form.querySelector('[name=lat]').value = body[0].lat;
    $('locate-result').textContent = `${body[0].name}（${body[0].precision}）に置きました。`;
  } catch (err) { handleError(err); }
}

function readForm() {
  const form = $('household-form');
  const data = {};
  for (const name of FIELDS) {
    const inputs = [...form.querySelectorAll(`[name="${name}"]`)];
    if (inputs.length === 0 || inputs.every((i) => i.disabled && i.type !== 'hidden')) continue;
    if (name === 'categories') data.categories = inputs.filter((i) => i.checked).map((i) => i.value);
    else if (name === 'watcherIds') data.watcherIds = inputs.filter((i) => i.checked).map((i) => Number(i.value));
    else if (name === 'lon' || name === 'lat') data[name] = Number(inputs[0].value);
    else data[name] = inputs[0].value;
  }
  return data;
}

const same = (a, b) => JSON.stringify(a ?? '') === JSON.stringify(b ?? '');

/** Only the fields the person changed travel: the server refuses fields a role may not set. */
function changedFields(original, data) {
  const changed = {};
  for (const [k, v] of Object.entries(data)) {
    const before = k === 'categories' || k === 'watcherIds' ? [...(original[k] ?? [])].sort() : original[k];
    const after = Array.isArray(v) ? [...v].sort() : v;
    if (!same(before, after)) changed[k] = v === '' && k === 'consentDate' ? null : v;
  }
  return changed;
}

$('household-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const editing = state.editing;
  const data = readForm();
  const result = $('save-result');
  let response;
  if (editing.id === null) {
    const filled = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== ''));
    response = await api.send('POST', '/api/households', { districtId: state.district.id, ...filled });
  } else {
    const changes = changedFields(editing.original, data);
    if (Object.keys(changes).length === 0) { result.textContent = '変更はありません。'; return; }
    response = await api.send('PATCH', `/api/households/${editing.id}`, changes, editing.etag);
    if (response.status === 412 || response.status === 409) {
      showConflict(response.body, changes);
      return;
    }
  }
  if (!response.ok) {
    result.textContent = response.body?.detail ?? `保存できませんでした（${response.status}）`;
    if (response.status === 401) handleError({ status: 401 });
    return;
  }
  result.textContent = '保存しました。';
  state.editing = { id: response.body.id, etag: response.etag, original: response.body };
  await loadDistrict(state.district.id);
  $('editor').hidden = false;
});

const FIELD_NAMES = {
  label: '呼び名', address: '住所', categories: '区分', disabilityDetail: '障害の内容', careLevel: '要介護度', notes: 'メモ', consentState: '同意',
  consentDate: '同意日', consentMethod: '同意の方法', legalBasis: '根拠', status: '状態', watcherIds: '見守り担当', lon: '経度', lat: '緯度',
};

/** The second writer is told: both versions side by side; their own changes are kept and can be applied on top. */
function showConflict(problem, mine) {
  const box = clear($('conflict'));
  box.hidden = false;
  const current = problem.current;
  const show = (v) => (Array.isArray(v) ? v.join('・') : v ?? '');
  box.append(h('p', null, h('strong', null, problem.title), h('br'), problem.detail));
  box.append(h('table', null,
    h('thead', null, h('tr', null, h('th', null, '項目'), h('th', null, '今の内容（ほかの人の保存後）'), h('th', null, 'あなたの変更'))),
    h('tbody', null, Object.keys(mine).map((k) => h('tr', null, h('th', null, FIELD_NAMES[k] ?? k), h('td', null, show(current[k])), h('td', null, show(mine[k])))))));
  box.append(h('p', null,
    h('button', { type: 'button', class: 'primary', id: 'reapply', onclick: () => {
      state.editing = { id: current.id, etag: problem.currentVersion, original: current };
      fillForm({ ...current, ...mine }, false);
      box.hidden = true;
      $('save-result').textContent = '今の内容にあなたの変更を重ねました。確認して保存してください。';
    } }, '今の内容にあなたの変更を重ねて編集する'), ' ',
    h('button', { type: 'button', onclick: () => { openEditor(current.id); } }, 'あなたの変更を捨てて読み込み直す')));
}

async function deleteHousehold() {
  if (!confirm('この世帯を削除しますか？（記録は変更の記録と監査ログに残ります）')) return;
  const response = await api.send('DELETE', `/api/households/${state.editing.id}`, undefined, state.editing.etag);
  if (response.status === 412 || response.status === 409) { showConflict(response.body, {}); return; }
  closeEditor();
  await loadDistrict(state.district.id);
}

// ---------- tabs ----------

for (const button of document.querySelectorAll('.tabs button')) {
  button.addEventListener('click', () => {
    for (const b of document.querySelectorAll('.tabs button')) {
      b.setAttribute('aria-pressed', String(b === button));
      $(`tab-${b.dataset.tab}`).hidden = b !== button;
    }
    const tab = button.dataset.tab;
    if (tab === 'review') loadReview();
    if (tab === 'changes') loadChanges();
  });
}

async function loadReview() {
  try {
    const { body } = await api.get(`/api/households/reviews?district=${state.district.id}`);
    $('review-year').textContent = `（${body.year}年度）`;
    $('review-progress').textContent = `${body.done} / ${body.total} 件を確認済み`;
    const list = clear($('review-list'));
    for (const row of body.items) {
      const buttons = state.session.permissions.review ? ['confirmed', 'changed', 'removed'].map((o) =>
        h('button', { type: 'button', onclick: () => review(row.householdId, o, body.year) }, OUTCOME_TEXT[o])) : [];
      list.append(h('li', null, h('strong', null, row.label), ` ${STATUS_TEXT[row.status] ?? row.status}`,
        h('div', { class: 'meta' }, row.outcome ? `${OUTCOME_TEXT[row.outcome]}（${row.reviewedBy} ${api.jst(row.reviewedAt)}）` : '未確認'),
        h('div', null, buttons)));
    }
  } catch (err) { handleError(err); }
}

async function review(id, outcome, year) {
  let status;
  if (outcome === 'removed') {
    status = prompt('削除の理由: moved（転出）または deceased（死亡）', 'moved');
    if (status !== 'moved' && status !== 'deceased') return;
  }
  const response = await api.send('POST', `/api/households/${id}/review`, { year, outcome, status });
  if (!response.ok) { $('review-progress').textContent = response.body?.detail ?? '記録できませんでした。'; return; }
  await loadReview();
  if (outcome === 'removed') await loadDistrict(state.district.id);
}

async function loadChanges() {
  try {
    const { body } = await api.get(`/api/households/changes?district=${state.district.id}`);
    const list = clear($('change-list'));
    for (const c of body) {
      const label = state.households.get(c.householdId)?.label ?? `世帯 ${c.householdId}`;
      list.append(h('li', null, `${api.jst(c.at)} ${c.userName}: ${label} を ${c.action}`,
        h('div', { class: 'meta' }, c.fields.map((f) => FIELD_NAMES[f] ?? f).join('・'))));
    }
  } catch (err) { handleError(err); }
}

$('evac-run').addEventListener('click', async () => {
  const minutes = Number($('evac-minutes').value) || 10;
  try {
    const { body } = await api.get(`/api/households/evacuation?district=${state.district.id}&minutes=${minutes}`);
    $('evac-pace').textContent = paceLabel(body.pace);
    $('evac-summary').textContent = `${body.households} 世帯のうち ${body.beyondCount} 世帯が、最寄りの指定避難所まで ${body.minutes} 分（${body.pace} m/分）を超えます。${body.attribution}`;
    const list = clear($('evac-list'));
    for (const r of body.items) {
      const number = state.numbers.get(r.householdId);
      list.append(h('li', { class: r.beyond ? 'beyond' : '' }, number ? h('span', { class: 'no-badge' }, String(number)) : null, h('strong', null, r.label),
        h('div', { class: 'meta' }, r.minutes == null ? r.reason : `${r.shelterName} まで 徒歩 ${r.minutes} 分（${r.metres} m）${r.beyond ? ` ／ ${body.minutes}分を超える` : ''}`)));
    }
  } catch (err) { handleError(err); }
});

// ---------- exports ----------

async function permit(format) {
  const purpose = $('purpose').value.trim();
  const response = await api.send('POST', '/api/households/exports', { districtId: state.district.id, purpose, format });
  if (!response.ok) {
    $('export-note').textContent = response.body?.detail ?? '出力できませんでした。';
    return null;
  }
  return response;
}

$('print').addEventListener('click', async () => {
  const response = await permit('print');
  if (!response) return;
  const mark = response.body;
  // The watermark runs along the bottom margin of the sheet, below the map and the list, never across the households.
  const watermark = $('watermark');
  watermark.textContent = `${mark.watermark}　｜　持ち出し・複写の禁止　｜　目的: ${mark.purpose}`;
  watermark.classList.add('on');
  const paper = $('paper').value === 'A4' ? 'A4' : 'A3';
  const sheet = $('page-size').sheet;
  sheet.deleteRule(0);
  sheet.insertRule(`@page { size: ${paper} landscape; margin: 10mm; }`, 0);
  document.body.classList.remove('paper-A3', 'paper-A4');
  document.body.classList.add(`paper-${paper}`);
  $('sheet-meta').textContent = `印刷 ${mark.watermark}`;
  $('export-note').textContent = `印刷を記録しました（出力番号 ${mark.exportId}・目的: ${mark.purpose}）。`;
  drawLegend();
  await prepareSheet();
  window.print();
});

/**
 * Lays the page out as the sheet (body.printing), fits the district to the sheet's map box and waits until the road map has
 * drawn it: a print dialog snapshots the page at once, and tiles that have not arrived print as grey.
 */
async function prepareSheet() {
  document.body.classList.add('printing');
  base.usePrintBase();
  map.invalidateSize({ animate: false });
  if (state.district) map.fitBounds(L.geoJSON(state.district.geometry).getBounds(), { padding: [24, 24], animate: false });
  await base.drawn();
  document.body.dataset.sheet = 'ready';
}

// Ctrl+P without the button: the same sheet layout (the tiles for it may still be on their way).
window.addEventListener('beforeprint', () => { if (!document.body.classList.contains('printing') && map) prepareSheet(); });
window.addEventListener('afterprint', () => {
  document.body.classList.remove('printing');
  delete document.body.dataset.sheet;
  if (map) { map.invalidateSize({ animate: false }); if (state.district) drawDistrict(); }
});

$('export-csv').addEventListener('click', async () => {
  const response = await permit('csv');
  if (!response) return;
  const blob = await response.response.blob();
  const link = h('a', { href: URL.createObjectURL(blob), download: `福祉マップ-${state.district.name}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  $('export-note').textContent = 'CSV を出力しました（目的とともに記録しました）。';
});

start();
