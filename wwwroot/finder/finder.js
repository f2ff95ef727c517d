// 歩いて行ける 通いの場さがし: where am I (address, map tap, device location) → my pace → the nearest hubs as a list,
// with the route of the chosen one on the map. The list is the page; the map repeats it. No data is ever parsed as HTML.
import { h, clear } from '../js/dom.js';
import { createBaseMap } from '../js/basemap.js';
import {
  FUNCTIONS, TARGETS, t, word, applyTexts, isEasy, setEasy, setExample, paceByMetres, paceName, splitPace, formatMetres, walkMinutes,
  openingLines, openNowBadge, getJson, ProblemError, problemText, creditItems, hubCredits, PACES,
} from './common.js';
import { citySelect, municipalityFromUrl } from '../js/city.js';
import { fitMunicipality } from '../js/basemap.js';
import { stepsList } from './steps.js';

// The city whose map, credits and addresses the page starts with (?municipality=…); a point anywhere is answered by its own city.
const city = { code: municipalityFromUrl(), name: '' };
const LIMIT = 5;
const AUTO_PICK_SCORE = 0.95;

// The pace choices from ../js/constants.js (their texts, in both modes, come from common.js's TEXTS).
document.getElementById('pace-choices').append(...PACES.map((p) => h('label', { class: 'pace-option' },
  h('input', { type: 'radio', name: 'pace', value: String(p.metres), checked: p === PACES[0] }),
  h('span', { 'data-t': `pace_${p.key}` }, t(`pace_${p.key}`)))));

const els = {
  form: document.getElementById('search-form'),
  q: document.getElementById('q'),
  locate: document.getElementById('locate'),
  choices: document.getElementById('choices'),
  paceRadios: [...document.querySelectorAll('input[name="pace"]')],
  functionList: document.getElementById('function-filters'),
  targetList: document.getElementById('target-filters'),
  openNow: document.getElementById('open-now'),
  filters: document.getElementById('filters'),
  status: document.getElementById('status'),
  problem: document.getElementById('problem'),
  results: document.getElementById('results'),
  resultsHeading: document.getElementById('results-heading'),
  credits: document.getElementById('credits'),
  easy: document.getElementById('easy-toggle'),
  mapSection: document.querySelector('.finder-map'),
  mapHeading: document.getElementById('map-heading'),
  backToSteps: document.getElementById('back-to-steps'),
};

const state = {
  start: null, // { lat, lon, label }
  hubs: [],
  selectedId: null,
  request: null,
  credits: [],
  lastMarker: null,
  popupOpen: false,
  problem: null, // what #problem says: { key } (the page's own text) or { error } (a ProblemError), re-worded on a mode change
};

// ---------- the map ----------

const { map } = createBaseMap('map', { keyboard: true, zoomControl: true, minZoom: 9, municipality: city.code });
map.getContainer().setAttribute('role', 'region');
map.getContainer().setAttribute('aria-label', '地図');
map.getContainer().setAttribute('aria-describedby', 'map-help');
const routeLayer = L.layerGroup().addTo(map);
const hubLayer = L.layerGroup().addTo(map);
const startLayer = L.layerGroup().addTo(map);

// Zoom buttons say what they do in Japanese.
for (const [selector, label] of [['.leaflet-control-zoom-in', '拡大'], ['.leaflet-control-zoom-out', '縮小']]) {
  const el = map.getContainer().querySelector(selector);
  if (el) { el.setAttribute('aria-label', label); el.setAttribute('title', label); }
}

map.on('click', (e) => {
  setStart({ lat: e.latlng.lat, lon: e.latlng.lng, label: t('tappedPlace') }, { focusResults: false });
});
// Keyboard: with the map itself focused (arrow keys move it), Enter searches from the centre of the map.
map.on('keypress', (e) => {
  if (e.originalEvent.key === 'Enter' && e.originalEvent.target === map.getContainer()) {
    const c = map.getCenter();
    setStart({ lat: c.lat, lon: c.lng, label: t('mapCentre') }, { focusResults: false });
  }
});
map.on('popupopen', (e) => {
  state.popupOpen = true;
  const el = e.popup.getElement();
  const close = el?.querySelector('.leaflet-popup-close-button');
  if (close) { close.setAttribute('aria-label', t('close')); close.setAttribute('title', t('close')); close.setAttribute('role', 'button'); }
  el?.querySelector('.popup-title')?.focus({ preventScroll: true });
});
map.on('popupclose', () => {
  state.popupOpen = false;
  const active = document.activeElement;
  if (state.lastMarker && (!active || active === document.body || map.getContainer().contains(active))) {
    state.lastMarker.getElement()?.focus({ preventScroll: true });
  }
});
// Escape closes a popup wherever the focus is (Leaflet only listens on the map itself).
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && state.popupOpen) {
    map.closePopup();
    e.preventDefault();
  }
});

function startIcon() {
  return L.divIcon({ className: 'start-marker', html: '', iconSize: [34, 34], iconAnchor: [17, 17] });
}

function hubIcon(rank, selected) {
  return L.divIcon({ className: `hub-marker${selected ? ' is-selected' : ''}`, html: '', iconSize: [36, 36], iconAnchor: [18, 18], popupAnchor: [0, -16] });
}

// ---------- form ----------

function buildFilters() {
  clear(els.functionList);
  for (const f of FUNCTIONS) {
    els.functionList.append(h('li', {}, h('label', {}, h('input', { type: 'checkbox', name: 'functions', value: f }), h('span', { dataset: { word: 'fn', value: f } }, word('fn', f)))));
  }
  clear(els.targetList);
  for (const g of TARGETS) {
    els.targetList.append(h('li', {}, h('label', {}, h('input', { type: 'checkbox', name: 'targets', value: g }), h('span', { dataset: { word: 'tg', value: g } }, word('tg', g)))));
  }
}

function refreshWords() {
  for (const el of document.querySelectorAll('[data-word]')) el.textContent = word(el.dataset.word, el.dataset.value);
}

function currentPace() {
  const checked = els.paceRadios.find((r) => r.checked);
  return paceByMetres(checked?.value);
}

function setPace(pace) {
  for (const r of els.paceRadios) r.checked = Number(r.value) === pace.metres;
}

function checkedValues(name) {
  return [...document.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

els.form.addEventListener('submit', (e) => {
  e.preventDefault();
  const { address, pace } = splitPace(els.q.value);
  if (pace) setPace(pace);
  if (!address) {
    showProblem({ key: 'emptyQuery' });
    els.q.focus();
    return;
  }
  geocode(address);
});

els.locate.addEventListener('click', () => {
  if (!navigator.geolocation) {
    showProblem({ key: 'locateUnsupported' });
    return;
  }
  setStatus(t('locating'));
  navigator.geolocation.getCurrentPosition(
    (pos) => setStart({ lat: pos.coords.latitude, lon: pos.coords.longitude, label: t('myLocation') }, { focusResults: true }),
    () => { setStatus(''); showProblem({ key: 'locateFailed' }); },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
  );
});

for (const r of els.paceRadios) r.addEventListener('change', () => { if (state.start) searchNearest({ focusResults: false }); });
els.filters.addEventListener('change', () => { if (state.start) searchNearest({ focusResults: false }); });

els.easy.addEventListener('click', () => {
  setEasy(!isEasy());
  refreshWords();
  if (state.hubs.length || state.start) render({ focusResults: false });
  if (state.problem) showProblem(state.problem);
});

// ---------- address → place ----------

async function geocode(address) {
  hideProblem();
  hideChoices();
  setStatus(t('geocoding'));
  try {
    // An address typed without its city is looked for in the chosen one.
    const q = city.name && !/[都道府県市区町村]/.test(address.slice(0, 8)) ? `${city.name}${address}` : address;
    const matches = await getJson(`../api/geocode?q=${encodeURIComponent(q)}&limit=6`);
    setStatus('');
    const best = matches[0];
    // Scores of places outside the walking area are lowered by 0.9 on the server; an exact name there is still exact.
    const threshold = best && !best.served ? AUTO_PICK_SCORE * 0.9 : AUTO_PICK_SCORE;
    const sure = best && (best.score >= threshold - 1e-9 || matches.length === 1) && !(matches[1] && matches[1].score === best.score);
    if (sure) {
      setStart({ lat: best.lat, lon: best.lon, label: best.label }, { focusResults: true });
    } else {
      showChoices(matches, t('choose'));
    }
  } catch (e) {
    setStatus('');
    if (!(e instanceof ProblemError)) throw e;
    // The old list answered another place: it goes, and the status says so.
    const hadResults = clearResults();
    if (hadResults) setStatus(t('resultsCleared'));
    showProblem({ error: e });
    const suggestions = Array.isArray(e.problem?.suggestions) ? e.problem.suggestions : [];
    if (suggestions.length) showChoices(suggestions, t('didYouMean'));
  }
}

function showChoices(matches, heading) {
  clear(els.choices);
  const id = 'choices-heading';
  els.choices.append(h('p', { id, class: 'choices-heading' }, heading));
  const list = h('ul', { class: 'choice-list', 'aria-labelledby': id });
  for (const m of matches) {
    list.append(h('li', {}, h('button', {
      type: 'button',
      class: 'choice',
      onclick: () => setStart({ lat: m.lat, lon: m.lon, label: m.label }, { focusResults: true }),
    }, m.label)));
  }
  els.choices.append(list);
  els.choices.hidden = false;
  list.querySelector('button')?.focus();
}

function hideChoices() {
  clear(els.choices);
  els.choices.hidden = true;
}

/** Forgets the start and its hubs (list, markers, route, address in the URL); true when there was a list to forget. */
function clearResults() {
  state.request?.abort();
  const had = state.hubs.length > 0;
  state.start = null;
  state.hubs = [];
  state.selectedId = null;
  clear(els.results);
  hubLayer.clearLayers();
  routeLayer.clearLayers();
  drawStart();
  history.replaceState(null, '', location.pathname);
  return had;
}

// ---------- place → nearest hubs ----------

function setStart(start, { focusResults }) {
  hideChoices();
  state.start = start;
  drawStart();
  searchNearest({ focusResults });
}

function drawStart() {
  startLayer.clearLayers();
  if (!state.start) return;
  const marker = L.marker([state.start.lat, state.start.lon], { icon: startIcon(), keyboard: false, interactive: false, zIndexOffset: 1000 });
  marker.addTo(startLayer);
  const el = marker.getElement();
  if (el) {
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', t('startMarker', { place: state.start.label }));
    el.append(h('span', { class: 'start-text', 'aria-hidden': 'true' }, '出発'));
  }
}

async function searchNearest({ focusResults }) {
  if (!state.start) return;
  state.request?.abort();
  const controller = new AbortController();
  state.request = controller;
  hideProblem();
  setStatus(t('searching'));
  const pace = currentPace();
  const params = new URLSearchParams({
    lat: state.start.lat.toFixed(6), lon: state.start.lon.toFixed(6), pace: String(pace.metres), limit: String(LIMIT),
  });
  const functions = checkedValues('functions');
  const targets = checkedValues('targets');
  if (functions.length) params.set('functions', functions.join(','));
  if (targets.length) params.set('targets', targets.join(','));
  if (els.openNow.checked) params.set('open_now', 'true');
  rememberInUrl(pace);
  try {
    const hubs = await getJson(`../api/nearest-hubs?${params}`, controller.signal);
    if (controller.signal.aborted) return;
    state.hubs = hubs;
    state.selectedId = hubs[0]?.id ?? null;
    render({ focusResults });
  } catch (e) {
    if (e.name === 'AbortError') return;
    if (!(e instanceof ProblemError)) throw e;
    state.hubs = [];
    state.selectedId = null;
    render({ focusResults: false });
    setStatus('');
    showProblem({ error: e });
    if (focusResults) els.problem.focus?.();
  }
}

function rememberInUrl(pace) {
  const url = new URL(location.href);
  url.search = '';
  url.searchParams.set('lat', state.start.lat.toFixed(6));
  url.searchParams.set('lon', state.start.lon.toFixed(6));
  url.searchParams.set('place', state.start.label);
  url.searchParams.set('pace', String(pace.metres));
  history.replaceState(null, '', url);
}

// ---------- rendering ----------

function render({ focusResults }) {
  const pace = currentPace();
  clear(els.results);
  hubLayer.clearLayers();
  const filtered = checkedValues('functions').length || checkedValues('targets').length || els.openNow.checked;
  if (state.start) {
    if (state.hubs.length) {
      setStatus(t('found', { place: state.start.label, n: state.hubs.length, pace: paceName(pace) })
        + (state.hubs.some((hub) => hub.distance === 'straight-line') ? ` ${t('straightNote')}` : ''));
    } else {
      setStatus(t(filtered ? 'noneFiltered' : 'none', { place: state.start.label }) + (els.openNow.checked ? t('noneOpenNow') : ''));
    }
  }
  state.hubs.forEach((hub, i) => {
    els.results.append(resultItem(hub, i + 1, pace));
    addHubMarker(hub, i + 1);
  });
  renderCredits();
  drawRoute();
  if (focusResults) els.resultsHeading.focus();
}

function resultItem(hub, rank, pace) {
  const minutes = walkMinutes(hub.minutes);
  const straight = hub.distance === 'straight-line';
  const nameId = `hub-${hub.id}-name`;
  const hours = openingLines(hub.openingHours);
  const selected = hub.id === state.selectedId;
  const detailUrl = new URL('hub.html', location.href);
  detailUrl.search = new URLSearchParams({
    id: String(hub.id), lat: state.start.lat.toFixed(6), lon: state.start.lon.toFixed(6), pace: String(pace.metres), place: state.start.label,
  }).toString();

  const facts = h('dl', { class: 'facts' },
    h('div', {}, h('dt', {}, t('offers')), h('dd', {}, (hub.functions ?? []).map((f) => word('fn', f)).join('・') || '—')),
    h('div', {}, h('dt', {}, t('forWhom')), h('dd', {}, (hub.targetGroups ?? []).map((g) => word('tg', g)).join('・') || '—')),
    h('div', {}, h('dt', {}, t('days')), h('dd', {}, hours.length ? hours.map((l) => h('span', { class: 'hours-line' }, l)) : t('noHours'))),
    hours.length ? h('div', {}, h('dt', {}, t('now')), h('dd', {}, openNowBadge(hub.openNow, true))) : null,
    hub.address ? h('div', {}, h('dt', {}, t('address')), h('dd', {}, hub.address)) : null,
  );
  return h('li', { class: `result${selected ? ' is-selected' : ''}`, dataset: { hubId: hub.id } },
    h('article', { 'aria-labelledby': nameId },
      h('h3', { id: nameId, class: 'result-name' }, h('span', { class: 'rank', 'aria-hidden': 'true' }, String(rank)), h('span', { class: 'visually-hidden' }, `${rank}番 `), h('span', { class: 'name-text' }, hub.name)),
      h('p', { class: 'result-type' }, hub.typeName),
      straight
        ? h('p', { class: 'walk walk-straight' }, h('strong', { class: 'walk-minutes' }, t('straightWalk', { metres: formatMetres(hub.metres), min: minutes })),
          ' ', h('span', { class: 'walk-detail distance-label' }, hub.distanceLabel))
        : h('p', { class: 'walk' }, h('strong', { class: 'walk-minutes' }, t('walk', { min: minutes })), ' ',
          h('span', { class: 'walk-detail' }, t('walkDetail', { metres: formatMetres(hub.metres), pace: paceName(pace) }))),
      facts,
      h('div', { class: 'actions' },
        straight ? null : h('button', {
          type: 'button', class: 'secondary show-route', 'aria-pressed': selected ? 'true' : 'false',
          onclick: () => { selectHub(hub.id, { pan: true }); showMap(); },
        }, h('span', { 'aria-hidden': 'true' }, '➜ '), selected ? t('routeShown') : t('showRoute')),
        h('a', { class: 'detail-link', href: detailUrl.pathname + detailUrl.search }, t('details')),
      ),
      h('div', { class: 'steps-slot' }, selected ? stepsList(hub, pace.metres) : null),
    ));
}

function addHubMarker(hub, rank) {
  const marker = L.marker([hub.lat, hub.lon], { icon: hubIcon(rank, hub.id === state.selectedId), keyboard: true, title: '', alt: '', riseOnHover: true });
  const minutes = walkMinutes(hub.minutes);
  marker.bindPopup(() => h('div', { class: 'popup' },
    h('p', { class: 'popup-title', tabindex: '-1' }, `${rank}. ${hub.name}`),
    hub.distance === 'straight-line'
      ? h('p', {}, t('straightWalk', { metres: formatMetres(hub.metres), min: minutes }), `（${hub.distanceLabel}）`)
      : h('p', {}, t('walk', { min: minutes }), `（${formatMetres(hub.metres)}）`),
    h('p', {}, h('a', { href: `#hub-${hub.id}-name`, onclick: (e) => { e.preventDefault(); focusResult(hub.id); } }, t('details'))),
  ), { closeButton: true, autoPanPadding: [24, 24] });
  // Opened by a click, a tap or Enter (Leaflet opens popups on keypress too): remember where to give focus back.
  marker.on('popupopen', () => {
    state.lastMarker = marker;
    if (state.selectedId !== hub.id) selectHub(hub.id, { pan: false });
  });
  marker.addTo(hubLayer);
  const el = marker.getElement();
  if (el) {
    el.setAttribute('role', 'button');
    el.setAttribute('aria-label', t('markerLabel', { rank, name: hub.name, min: minutes }));
    el.dataset.hubId = String(hub.id);
    el.append(h('span', { class: 'hub-marker-rank', 'aria-hidden': 'true' }, String(rank)));
    el.addEventListener('keydown', (e) => {
      if (e.key === ' ') { e.preventDefault(); marker.openPopup(); }
    });
  }
}

function focusResult(id) {
  map.closePopup();
  const heading = document.getElementById(`hub-${id}-name`);
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

function selectHub(id, { pan }) {
  state.selectedId = id;
  for (const li of els.results.querySelectorAll('.result')) {
    const on = li.dataset.hubId === String(id);
    li.classList.toggle('is-selected', on);
    const button = li.querySelector('.show-route');
    if (button) {
      button.setAttribute('aria-pressed', on ? 'true' : 'false');
      button.lastChild.textContent = on ? t('routeShown') : t('showRoute');
    }
    // The steps stand under the chosen hub only.
    const slot = li.querySelector('.steps-slot');
    const steps = on && slot ? stepsList(state.hubs.find((x) => x.id === id), currentPace().metres) : null;
    if (slot) clear(slot);
    if (steps) slot.append(steps);
  }
  hubLayer.eachLayer((m) => {
    const el = m.getElement();
    if (el) el.classList.toggle('is-selected', el.dataset.hubId === String(id));
  });
  drawRoute(pan);
}

function drawRoute(pan = true) {
  routeLayer.clearLayers();
  const hub = state.hubs.find((x) => x.id === state.selectedId);
  const coords = hub?.route?.coordinates;
  if (!Array.isArray(coords) || coords.length < 2) {
    if (state.start && pan) map.setView([state.start.lat, state.start.lon], Math.max(map.getZoom(), 15));
    return;
  }
  const latlngs = coords.map(([lon, lat]) => [lat, lon]);
  // A white casing under a dark dashed line: visible on any background, and not told by colour alone.
  L.polyline(latlngs, { color: '#ffffff', weight: 9, opacity: 0.9, interactive: false, className: 'route-casing' }).addTo(routeLayer);
  L.polyline(latlngs, { color: '#b3261e', weight: 5, dashArray: '10 6', interactive: false, className: 'route-line' }).addTo(routeLayer);
  if (pan) {
    const bounds = L.latLngBounds(latlngs);
    if (state.start) bounds.extend([state.start.lat, state.start.lon]);
    map.fitBounds(bounds, { padding: [32, 32], maxZoom: 17 });
  }
}

/**
 * After the route button: when the map is out of sight (on a phone it is below the list), scroll it into view and move the
 * focus to its heading, so keyboard and screen-reader users arrive where the route is; a button there leads back to the steps.
 */
function showMap() {
  const rect = els.mapSection.getBoundingClientRect();
  const mapRect = map.getContainer().getBoundingClientRect();
  if (rect.top >= 0 && mapRect.bottom <= window.innerHeight) return;
  const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  els.backToSteps.hidden = !document.getElementById(`steps-${state.selectedId}`);
  els.mapSection.scrollIntoView({ behavior: still ? 'auto' : 'smooth', block: 'start' });
  els.mapHeading.focus({ preventScroll: true });
}

els.backToSteps.addEventListener('click', () => {
  const heading = document.getElementById(`steps-${state.selectedId}`);
  if (heading) {
    heading.scrollIntoView({ block: 'start' });
    heading.focus({ preventScroll: true });
  }
});

// ---------- messages ----------

function setStatus(text) {
  els.status.textContent = text;
}

function showProblem(problem) {
  state.problem = problem;
  clear(els.problem);
  els.problem.append(h('p', {}, h('span', { 'aria-hidden': 'true' }, '⚠ '), problem.error ? problemText(problem.error) : t(problem.key)));
  els.problem.hidden = false;
}

function hideProblem() {
  state.problem = null;
  clear(els.problem);
  els.problem.hidden = true;
}

// ---------- start ----------

/** The address example of the chosen city (a real 町丁目 of its address table) in the hint and the messages. */
async function showExample() {
  const code = city.code;
  const example = await getJson(`../api/geocode/example?municipality=${encodeURIComponent(code)}`).catch(() => null);
  if (code !== city.code) return; // another city was chosen meanwhile
  setExample(example);
  if (state.problem?.key) showProblem(state.problem);
}

async function showCredits() {
  state.credits = await hubCredits(city.code);
  renderCredits();
}

/** The road data is credited when an answer walks over it, or before any answer when the city has a walking network. */
function renderCredits() {
  const route = state.hubs.length ? state.hubs.some((hub) => hub.distance !== 'straight-line') : city.walkingNetwork !== false;
  clear(els.credits);
  els.credits.append(...creditItems(state.credits, { route }));
}

async function init() {
  buildFilters();
  applyTexts(document);
  // Coming back from a detail page (or a shared link): the same place and pace.
  const params = new URLSearchParams(location.search);
  const lat = Number(params.get('lat'));
  const lon = Number(params.get('lon'));
  if (params.get('pace')) setPace(paceByMetres(params.get('pace')));
  if (params.has('lat') && Number.isFinite(lat) && Number.isFinite(lon)) {
    setStart({ lat, lon, label: (params.get('place') || t('startHere')).slice(0, 60) }, { focusResults: false });
  }
  const cities = await citySelect(document.getElementById('city'), {
    current: city.code,
    onChange: async (code, m) => {
      Object.assign(city, { code, name: m?.name ?? '', walkingNetwork: m?.walkingNetwork });
      await Promise.all([fitMunicipality(map, code), showExample(), showCredits()]);
    },
  }).catch(() => []);
  city.code = document.getElementById('city').value || city.code;
  const chosen = cities.find((m) => m.code === city.code);
  Object.assign(city, { name: chosen?.name ?? '', walkingNetwork: chosen?.walkingNetwork });
  await Promise.all([showExample(), showCredits()]);
  document.body.dataset.ready = '1';
}

init();
