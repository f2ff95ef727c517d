// One hub's card: walking time and route from where the resident started, what is offered, for whom, hours, contact.
// Built for printing (a relative can hand it over); all data goes in as text nodes.
import { h, clear } from '../js/dom.js';
import { createBaseMap } from '../js/basemap.js';
import {
  t, word, applyTexts, isEasy, setEasy, paceByMetres, paceName, formatMetres, walkMinutes, openingLines, openNowBadge,
  getJson, ProblemError, problemText, creditItems,
} from './common.js';
import { stepsList } from './steps.js';

const params = new URLSearchParams(location.search);
const id = Number.parseInt(params.get('id') ?? '', 10);
const lat = Number(params.get('lat'));
const lon = Number(params.get('lon'));
const hasStart = params.has('lat') && params.has('lon') && Number.isFinite(lat) && Number.isFinite(lon);
const pace = paceByMetres(params.get('pace')); // the default pace when none is given
const place = (params.get('place') || t('startHere')).slice(0, 60);

const els = {
  status: document.getElementById('status'),
  problem: document.getElementById('problem'),
  card: document.getElementById('card'),
  name: document.getElementById('hub-name'),
  type: document.getElementById('hub-type'),
  walk: document.getElementById('walk'),
  facts: document.getElementById('facts'),
  contact: document.getElementById('contact'),
  routeNote: document.getElementById('route-note'),
  credits: document.getElementById('credits'),
  printedOn: document.getElementById('printed-on'),
  back: document.getElementById('back-link'),
  map: document.getElementById('map'),
  steps: document.getElementById('card-steps'),
};

const state = { hub: null, nearest: null, routeProblem: null, credits: [] };

// Back to the same list (same place and pace).
if (hasStart) {
  els.back.href = `./?${new URLSearchParams({ lat: lat.toFixed(6), lon: lon.toFixed(6), pace: String(pace.metres), place })}`;
}

document.getElementById('print').addEventListener('click', () => window.print());
document.getElementById('easy-toggle').addEventListener('click', () => {
  setEasy(!isEasy());
  if (state.hub) render();
});

let map = null;

function render() {
  const hub = state.hub;
  const facts = hub.facts;
  document.title = `${hub.name}｜福祉マップ`;
  els.name.textContent = hub.name;
  els.type.textContent = hub.typeName;

  clear(els.walk);
  if (state.nearest) {
    els.walk.append(t('cardFrom', { place }), ' ', ...(state.nearest.distance === 'straight-line'
      ? [h('strong', {}, t('straightWalk', { metres: formatMetres(state.nearest.metres), min: walkMinutes(state.nearest.minutes) })), `（${state.nearest.distanceLabel}）`]
      : [h('strong', {}, t('walk', { min: walkMinutes(state.nearest.minutes) })), ` （${formatMetres(state.nearest.metres)}・${paceName(pace)}）`]));
  }

  const hours = openingLines(facts.openingHours);
  clear(els.facts);
  const row = (label, value) => h('div', {}, h('dt', {}, label), h('dd', {}, value));
  els.facts.append(...[
    row(t('typeLabel'), hub.typeName),
    hub.address ? row(t('address'), hub.address) : null,
    row(t('offers'), (facts.functions ?? []).map((f) => word('fn', f)).join('・') || '—'),
    row(t('forWhom'), (facts.targetGroups ?? []).map((g) => word('tg', g)).join('・') || '—'),
    row(t('hours'), hours.length ? hours.map((l) => h('span', { class: 'hours-line' }, l)) : t('noHours')),
    hours.length ? row(t('now'), openNowBadge(facts.openNow, true)) : null,
    facts.openingNote ? row(t('note'), facts.openingNote) : null,
    facts.accessibilityNotes ? row(t('accessibility'), facts.accessibilityNotes) : null,
    facts.operator ? row(t('operator'), facts.operator) : null,
  ].filter(Boolean));

  clear(els.contact);
  const lines = [];
  if (facts.phone) lines.push(h('p', {}, `${t('phone')}：`, h('a', { href: `tel:${String(facts.phone).replace(/[^0-9+]/g, '')}` }, facts.phone)));
  if (facts.email) lines.push(h('p', {}, `${t('email')}：`, h('a', { href: `mailto:${facts.email}` }, facts.email)));
  if (facts.website && /^https?:\/\//i.test(facts.website)) {
    lines.push(h('p', {}, `${t('website')}：`, h('a', { href: facts.website, rel: 'noopener' }, facts.website)));
  }
  els.contact.append(...(lines.length ? lines : [h('p', {}, t('noContact'))]));

  clear(els.steps);
  const steps = state.nearest ? stepsList({ ...state.nearest, name: hub.name }, pace.metres, 'h2') : null;
  if (steps) els.steps.append(steps);

  els.routeNote.textContent = state.routeProblem ? problemText(state.routeProblem) : hasStart ? '' : t('noStart');
  els.printedOn.textContent = t('printedOn', { date: new Date().toLocaleDateString('ja-JP') });
  clear(els.credits);
  els.credits.append(...creditItems(state.credits, { route: state.nearest?.distance !== 'straight-line' }));
  document.getElementById('map-summary').textContent = state.nearest ? `${t('routeFromStart')}：${place} → ${hub.name}` : hub.name;
  applyTexts(document);
}

function drawMap() {
  const hub = state.hub;
  // The card is for printing: it starts on the road map (street names on paper), without the layer switcher.
  ({ map } = createBaseMap('map', { keyboard: false, zoomControl: true, scrollWheelZoom: false, fit: false, initial: 'base', layersControl: false }));
  const coords = state.nearest?.route?.coordinates;
  const latlngs = Array.isArray(coords) && coords.length >= 2 ? coords.map(([x, y]) => [y, x]) : null;
  // The view first: Leaflet creates marker elements only once the map has one.
  const bounds = L.latLngBounds([[hub.lat, hub.lon]]);
  if (hasStart) bounds.extend([lat, lon]);
  if (latlngs) bounds.extend(L.latLngBounds(latlngs));
  // The printed card's map box is smaller than the screen's: fit the start and the hub again for it (and back), with room for
  // the markers, so 出発 and 着 are never cut at the edge.
  // The credits box sits in the bottom-right corner and the scale in the bottom-left: the padding keeps both markers clear of them.
  const fit = () => {
    map.invalidateSize({ animate: false });
    const corner = map.getContainer().querySelector('.fm-base-credits');
    const bottom = corner ? Math.min(corner.offsetHeight, map.getSize().y / 3) : 0;
    map.fitBounds(bounds, { paddingTopLeft: [40, 40], paddingBottomRight: [40, 40 + bottom], maxZoom: 17, animate: false });
  };
  fit();
  window.addEventListener('beforeprint', fit);
  window.addEventListener('afterprint', fit);
  window.matchMedia('print').addEventListener('change', fit);

  if (latlngs) {
    L.polyline(latlngs, { color: '#ffffff', weight: 9, opacity: 0.9, interactive: false }).addTo(map);
    L.polyline(latlngs, { color: '#b3261e', weight: 5, dashArray: '10 6', interactive: false, className: 'route-line' }).addTo(map);
  }
  const hubMarker = L.marker([hub.lat, hub.lon], {
    icon: L.divIcon({ className: 'hub-marker is-selected', html: '', iconSize: [36, 36], iconAnchor: [18, 18] }), keyboard: false, interactive: false,
  }).addTo(map);
  hubMarker.getElement()?.append(h('span', { 'aria-hidden': 'true' }, '着'));
  if (hasStart) {
    const start = L.marker([lat, lon], {
      icon: L.divIcon({ className: 'start-marker', html: '', iconSize: [34, 34], iconAnchor: [17, 17] }), keyboard: false, interactive: false,
    }).addTo(map);
    start.getElement()?.append(h('span', { 'aria-hidden': 'true' }, '出発'));
  }
}

async function init() {
  applyTexts(document);
  if (!Number.isInteger(id) || id <= 0) {
    showProblem(t('hubNotFound'));
    return;
  }
  try {
    state.hub = await getJson(`../api/finder/hubs/${id}`);
  } catch (e) {
    if (!(e instanceof ProblemError)) throw e;
    showProblem(e.status === 404 ? t('hubNotFound') : problemText(e));
    return;
  }
  if (hasStart) {
    try {
      const q = new URLSearchParams({ lat: lat.toFixed(6), lon: lon.toFixed(6), pace: String(pace.metres), limit: '1', hub_ids: String(id), max_minutes: '120' });
      const list = await getJson(`../api/nearest-hubs?${q}`);
      state.nearest = list[0] ?? null;
    } catch (e) {
      if (!(e instanceof ProblemError)) throw e;
      state.routeProblem = e;
    }
  }
  // The card credits the data of the hub it shows (hubs entered by hand carry none).
  state.credits = state.hub.attribution ? [state.hub.attribution] : [];
  els.card.hidden = false;
  render();
  drawMap();
  els.name.focus({ preventScroll: true });
  document.body.dataset.ready = '1';
}

function showProblem(text) {
  clear(els.problem);
  els.problem.append(h('p', {}, h('span', { 'aria-hidden': 'true' }, '⚠ '), text));
  els.problem.hidden = false;
  document.body.dataset.ready = '1';
}

init();
