// 管理者: accounts, named grants with an expiry, the municipalities each 計画担当 may set up, and the audit log.
import { h, clear } from '../../js/dom.js';
import * as api from './api.js';
import { DEFAULT_MUNICIPALITY } from '../../js/constants.js';
import { loadMunicipalities, municipalityLabel } from '../../js/city.js';

const $ = (id) => document.getElementById(id);
const ROLES = ['管理者', '計画担当', '民生委員・児童委員', '町内会役員', '福祉協力員'];
const PLANNER = '計画担当';
let cities = []; // the loaded municipalities (/api/municipalities)

async function start() {
  const s = await api.session();
  if (!s.signedIn || !s.permissions.admin) { location.href = 'index.html'; return; }
  $('user-name').textContent = s.displayName;
  for (const r of ROLES) $('role').append(h('option', { value: r }, r));
  const districts = (await api.get(`/api/welfare-admin/districts?municipality=${DEFAULT_MUNICIPALITY}`)).body;
  for (const d of districts) $('grant-district').append(h('option', { value: d.id }, `${d.name}（${d.layerKind}）`));
  cities = await loadMunicipalities();
  await Promise.all([loadUsers(), loadAudit()]);
}

async function loadUsers() {
  const users = (await api.get('/api/welfare-admin/users')).body;
  const tbody = clear($('users').querySelector('tbody'));
  const select = clear($('grant-user'));
  for (const u of users) {
    select.append(h('option', { value: u.id }, `${u.displayName}（${u.userName}）`));
    tbody.append(h('tr', null, h('td', null, u.userName, u.demo ? '（デモ）' : '', u.lockedOut ? '（ロック中）' : ''), h('td', null, u.displayName),
      h('td', null, u.roles.join('・')),
      h('td', null, h('ul', null, u.grants.map((g) => h('li', null, `${g.districtName}: ${g.name}（${api.jst(g.expiresAt).slice(0, 10)}まで）`,
        g.active ? h('button', { type: 'button', onclick: () => revoke(g.id) }, '取り消す') : '（終了）'))))));
  }
  showPlanners(users.filter((u) => u.roles.includes(PLANNER)));
}

const cityName = (code) => {
  const m = cities.find((c) => c.code === code);
  return m ? `${m.name}（${code}）` : code;
};

/** One row per 計画担当: the cities they hold (each with a button to take it) and a choice of the others to give. */
function showPlanners(planners) {
  const tbody = clear($('planners').querySelector('tbody'));
  $('no-planners').hidden = planners.length > 0;
  for (const u of planners) {
    const who = `${u.displayName}（${u.userName}）`;
    const held = u.municipalities.length === 0
      ? h('span', null, 'なし（どの市区町村も変えられません）')
      : h('ul', { class: 'city-list' }, u.municipalities.map((code) => h('li', null, cityName(code), ' ',
        h('button', { type: 'button', 'aria-label': `${who}から${cityName(code)}の担当を外す`, onclick: () => changeCity(u, code, false) }, '外す'))));
    const others = cities.filter((m) => !u.municipalities.includes(m.code));
    const select = h('select', { 'aria-label': `${who}に付与する市区町村` }, others.map((m) => h('option', { value: m.code }, municipalityLabel(m))));
    const give = others.length === 0 ? h('span', null, '（すべて担当）')
      : h('span', { class: 'checks' }, select, h('button', { type: 'button', onclick: () => changeCity(u, select.value, true) }, '付与'));
    tbody.append(h('tr', { 'data-user': u.userName }, h('th', { scope: 'row' }, who), h('td', null, held), h('td', null, give)));
  }
}

async function changeCity(user, code, grant) {
  const who = `${user.displayName}（${user.userName}）`;
  if (!grant && !confirm(`${who}から${cityName(code)}の担当を外しますか？ その市区町村のデータと拠点を変えられなくなります。`)) return;
  const id = encodeURIComponent(user.id);
  const r = grant
    ? await api.send('POST', `/api/welfare-admin/users/${id}/municipalities`, { municipalityCode: code })
    : await api.send('DELETE', `/api/welfare-admin/users/${id}/municipalities/${encodeURIComponent(code)}`);
  $('status').textContent = r.ok
    ? `${who}${grant ? 'に' : 'から'}${cityName(code)}の担当を${grant ? '付与しました' : '外しました'}。`
    : r.message;
  await Promise.all([loadUsers(), loadAudit()]);
  // The button pressed is gone with the redrawn table: keyboard focus goes back to the same person's row.
  const row = [...$('planners').querySelectorAll('tbody tr')].find((tr) => tr.dataset.user === user.userName);
  (row?.querySelector('select') ?? row?.querySelector('button'))?.focus();
}

async function revoke(id) {
  if (!confirm('この担当を取り消しますか？ その人のセッションは終わります。')) return;
  const r = await api.send('POST', `/api/welfare-admin/grants/${id}/revoke`);
  $('status').textContent = r.ok ? '取り消しました。' : r.message;
  await loadUsers();
}

async function loadAudit() {
  const rows = (await api.get('/api/welfare-admin/audit?limit=200')).body;
  const tbody = clear($('audit').querySelector('tbody'));
  for (const a of rows) {
    tbody.append(h('tr', null, h('td', null, api.jst(a.at)), h('td', null, a.userName ?? ''), h('td', null, a.action), h('td', null, a.resource),
      h('td', null, a.recordIds.slice(0, 20).join(' ') + (a.recordIds.length > 20 ? ` …（${a.recordIds.length}件）` : '')), h('td', null, a.outcome), h('td', null, a.purpose ?? '')));
  }
}

$('user-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = Object.fromEntries(new FormData(e.target));
  const r = await api.send('POST', '/api/welfare-admin/users', data);
  $('status').textContent = r.ok ? 'アカウントを作りました。' : r.message;
  if (r.ok) { e.target.reset(); await loadUsers(); }
});

$('grant-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = Object.fromEntries(new FormData(e.target));
  const r = await api.send('POST', '/api/welfare-admin/grants', {
    userId: data.userId, districtId: Number(data.districtId), name: data.name, expiresAt: `${data.expiresAt}T23:59:59+09:00`,
  });
  $('status').textContent = r.ok ? '担当を付与しました。' : r.message;
  if (r.ok) await loadUsers();
});

$('logout').addEventListener('click', async () => { await api.logout(); location.href = 'index.html'; });

start();
