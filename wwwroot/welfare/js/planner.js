// 計画担当: suppressed aggregates per 地区 and hub management (add by click or address, edit, retire, history).
import { h, clear } from '../../js/dom.js';
import * as api from './api.js';
import { createBaseMap, fitMunicipality } from '../../js/basemap.js';
import { citySelect, municipalityFromUrl } from '../../js/city.js';

const $ = (id) => document.getElementById(id);
const DAYS = { '月': 1, '火': 2, '水': 3, '木': 4, '金': 5, '土': 6, '日': 7 };
const DAY_NAMES = ['', '月', '火', '水', '木', '金', '土', '日'];
let map;
let hubLayer;
let current = null; // { id, etag }
let position = null;
let municipality = municipalityFromUrl(); // the city whose hubs are managed (?municipality=…, chosen below)

async function start() {
  const session = await api.plannerSession($('user-name'));
  if (!session) return;
  // Only the cities whose hubs this person may change (a 管理者: every one; null).
  const held = session.municipalities;
  const offered = await citySelect($('h-city'), {
    current: municipality,
    filter: (m) => held == null || held.includes(m.code),
    onChange: async (code) => { municipality = code; await fitMunicipality(map, code); await loadHubs(); },
  });
  municipality = $('h-city').value || municipality;
  if (offered.length === 0) {
    // Nothing this person may change: the form goes, and the reason is said where the form was.
    $('h-city-row').hidden = true;
    $('hub-form').hidden = true;
    $('h-none').hidden = false;
    $('history-heading').hidden = true;
  }
  ({ map } = createBaseMap('map', { municipality }));
  hubLayer = L.layerGroup().addTo(map);
  map.on('click', (e) => setPosition(e.latlng.lng, e.latlng.lat, '地図で指定'));
  const types = (await api.get('/api/hub-types')).body;
  for (const t of types) $('h-type').append(h('option', { value: t.key }, t.name));
  await loadHubs();
  await aggregates();
}

$('logout').addEventListener('click', async () => { await api.logout(); location.href = 'index.html'; });

function setPosition(lon, lat, how) {
  position = { lon: Math.round(lon * 1e6) / 1e6, lat: Math.round(lat * 1e6) / 1e6 };
  $('h-position').textContent = `位置: ${position.lat}, ${position.lon}（${how}）`;
}

async function loadHubs() {
  const hubs = (await api.get(`/api/hub-admin/hubs?municipality=${municipality}`)).body;
  hubLayer.clearLayers();
  for (const hub of hubs) {
    const m = L.circleMarker([hub.lat, hub.lon], { radius: 7, color: hub.retiredAt ? '#999' : '#1b3a5c', fillOpacity: hub.retiredAt ? 0.2 : 0.8, dashArray: hub.retiredAt ? '3 2' : null });
    m.bindTooltip(h('span', null, `${hub.name}${hub.retiredAt ? '（閉鎖）' : ''}`));
    m.on('click', (e) => { L.DomEvent.stopPropagation(e); edit(hub); });
    hubLayer.addLayer(m);
  }
  return hubs;
}

const split = (text) => text.split(/[、,，]/).map((x) => x.trim()).filter(Boolean);

function parseHours(text) {
  const periods = [];
  for (const part of text.split(/[;；]/).map((x) => x.trim()).filter(Boolean)) {
    const m = part.match(/^([月火水木金土日]+)\s*(\d{1,2}:\d{2})\s*[-〜~]\s*(\d{1,2}:\d{2})$/);
    if (!m) throw new Error(`開いている時間「${part}」を読めません（例: 月水金 10:00-15:00）`);
    periods.push({ days: [...m[1]].map((d) => DAYS[d]), opens: m[2].padStart(5, '0'), closes: m[3].padStart(5, '0') });
  }
  return periods;
}

const hoursText = (periods) => periods.map((p) => `${p.days.map((d) => DAY_NAMES[d]).join('')} ${p.opens}-${p.closes}`).join('; ');

async function edit(hub) {
  current = { id: hub.id, etag: hub.version };
  $('h-name').value = hub.name;
  $('h-type').value = hub.typeKey;
  $('h-address').value = hub.address ?? '';
  $('h-functions').value = hub.functions.join('、');
  $('h-targets').value = hub.targetGroups.join('、');
  $('h-hours').value = hoursText(hub.openingHours);
  setPosition(hub.lon, hub.lat, '登録済み');
  $('h-retire').hidden = !!hub.retiredAt;
  $('h-reopen').hidden = !hub.retiredAt;
  $('h-result').textContent = '';
  const history = (await api.get(`/api/hub-admin/hubs/${hub.id}/history`)).body;
  const list = clear($('history'));
  const names = { create: '追加', update: '変更', retire: '閉鎖', reopen: '再開' };
  for (const c of history) list.append(h('li', null, `${api.jst(c.at)} ${c.userName}: ${names[c.action] ?? c.action}`));
}

$('h-new').addEventListener('click', () => {
  current = null;
  $('hub-form').reset();
  position = null;
  $('h-position').textContent = '位置: 未設定（地図をクリック）';
  $('h-retire').hidden = true;
  $('h-reopen').hidden = true;
  clear($('history'));
});

$('geocode').addEventListener('click', async () => {
  const q = $('h-address').value.trim();
  if (!q) return;
  try {
    const matches = (await api.get(`/api/hub-admin/geocode?municipality=${municipality}&q=${encodeURIComponent(q)}`)).body;
    if (matches.length === 0) { $('h-result').textContent = '住所から位置を見つけられませんでした。地図をクリックしてください。'; return; }
    setPosition(matches[0].lon, matches[0].lat, `${matches[0].name}（${matches[0].precision}）`);
    map.setView([matches[0].lat, matches[0].lon], 16);
  } catch (err) { $('h-result').textContent = err.message; }
});

$('hub-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  let body;
  try {
    body = {
      name: $('h-name').value, typeKey: $('h-type').value, address: $('h-address').value,
      functions: split($('h-functions').value), targetGroups: split($('h-targets').value), openingHours: parseHours($('h-hours').value),
      ...(position ?? {}),
    };
  } catch (err) { $('h-result').textContent = err.message; return; }
  const response = current
    ? await api.send('PATCH', `/api/hub-admin/hubs/${current.id}`, body, current.etag)
    : await api.send('POST', '/api/hub-admin/hubs', { municipalityCode: municipality, ...body });
  if (!response.ok) { $('h-result').textContent = response.body?.detail ?? `保存できませんでした（${response.status}）`; return; }
  await loadHubs();
  await edit(response.body);
  $('h-result').textContent = '保存しました。公開の地図にすぐ反映されます。';
});

for (const [id, action] of [['h-retire', 'retire'], ['h-reopen', 'reopen']]) {
  $(id).addEventListener('click', async () => {
    if (!current) return;
    const response = await api.send('POST', `/api/hub-admin/hubs/${current.id}/${action}`, undefined, current.etag);
    if (!response.ok) { $('h-result').textContent = response.body?.detail ?? '操作できませんでした。'; return; }
    await loadHubs();
    await edit(response.body);
    $('h-result').textContent = action === 'retire' ? '閉鎖しました（公開の地図から外れます）。' : '再開しました。';
  });
}

// One label for every hidden count: telling "under 5" from "hidden so a difference stays hidden" would itself leak.
const cell = (count) => h('td', { class: 'num' }, count.suppressed ? '秘匿（5未満など）' : String(count.value));

async function aggregates() {
  const minutes = Number($('agg-minutes').value) || 10;
  $('status').textContent = '集計中…';
  try {
    const { body } = await api.get(`/api/households/aggregates?minutes=${minutes}`);
    const tbody = clear($('aggregates').querySelector('tbody'));
    for (const row of body.districts) {
      tbody.append(h('tr', null, h('th', null, row.districtName), cell(row.households), cell(row.beyondHubs), cell(row.beyondShelters), cell(row.offNetwork)));
    }
    $('agg-note').textContent = `${body.notice} 「遠い」は歩ける道の上で ${body.minutes} 分（${body.pace} m/分）以内に届かない世帯。「道から離れている」は歩行ネットワーク（宇部市南部の市街地）の外の世帯で、どちらの「遠い」にも数えません。`;
    $('status').textContent = '';
  } catch (err) { $('status').textContent = err.message; }
}

$('agg-run').addEventListener('click', aggregates);

start();
