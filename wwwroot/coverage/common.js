// Shared by the coverage page and its printable report: parameters, colours and map layers.
// Data never becomes HTML: every text is a text node (h() from ../js/dom.js).
import { h, formatNumber } from '../js/dom.js';
import { createBaseMap } from '../js/basemap.js';


/** Classes of the share covered among people the network data reaches (covered ÷ (covered + uncovered)). */
export const SHARE_CLASSES = [
  { min: 0.8, color: '#08519c', label: '80% 以上が届く' },
  { min: 0.6, color: '#3182bd', label: '60〜80%' },
  { min: 0.4, color: '#6baed6', label: '40〜60%' },
  { min: 0.2, color: '#bdd7e7', label: '20〜40%' },
  { min: 0, color: '#eff3ff', label: '20% 未満' },
];
export const NO_NETWORK_COLOR = '#bdbdbd';
export const GAP_COLOR = '#d7301f';
export const ISOCHRONE_COLOR = '#08306b';

/** Parameters of the form as URL search parameters (the same names as the API). */
export function apiParams(p) {
  const q = new URLSearchParams();
  q.set('municipality', p.municipality);
  q.set('minutes', String(p.minutes));
  q.set('pace', String(p.pace));
  if (p.hubTypes && p.hubTypes.length) q.set('hub_types', p.hubTypes.join(','));
  if (p.by && p.by !== 'units') q.set('by', p.by);
  if (p.threshold) q.set('max_residents_per_hub', String(p.threshold));
  if (p.moves && p.moves.size) q.set('move', [...p.moves].map(([id, ll]) => `${id}:${ll.lng.toFixed(6)},${ll.lat.toFixed(6)}`).join(';'));
  if (p.closed && p.closed.size) q.set('close', [...p.closed].join(','));
  return q;
}

/** Reads parameters back from a query string (the report page). */
export function paramsFromQuery(search) {
  const q = new URLSearchParams(search);
  const moves = new Map();
  for (const part of (q.get('move') ?? '').split(';').filter(Boolean)) {
    const [id, ll] = part.split(':');
    const [lng, lat] = (ll ?? '').split(',').map(Number);
    if (id && Number.isFinite(lng) && Number.isFinite(lat)) moves.set(Number(id), { lng, lat });
  }
  return {
    municipality: q.get('municipality') || '35202',
    minutes: Number(q.get('minutes') || 10),
    pace: Number(q.get('pace') || 80),
    hubTypes: (q.get('hub_types') ?? '').split(',').filter(Boolean),
    by: q.get('by') || 'units',
    threshold: Number(q.get('max_residents_per_hub') || 20000),
    moves,
    closed: new Set((q.get('close') ?? '').split(',').filter(Boolean).map(Number)),
  };
}

export async function getJson(url, signal) {
  const response = await fetch(url, { headers: { Accept: 'application/json, application/geo+json' }, signal });
  if (!response.ok) {
    let detail = `HTTP ${response.status}`;
    try {
      const problem = await response.json();
      if (problem && problem.detail) detail = problem.detail;
    } catch { /* not JSON */ }
    throw new Error(detail);
  }
  return response.json();
}

export const percent = (x) => (x === null || x === undefined ? '―' : `${(x * 100).toFixed(1)}%`);
export const people = (n) => `${formatNumber(n)} 人`;

/** Share covered among people the network data reaches, or null. */
export function reachableShare(p) {
  const reachable = p.covered + p.uncovered;
  return reachable > 0 ? p.covered / reachable : null;
}

/** Fill style of a district feature from its properties. */
export function districtStyle(p) {
  const base = { color: '#4d4d4d', weight: 0.6, fillOpacity: 0.75, pane: 'cv-districts' };
  if (!p.population) return { ...base, fillColor: '#ffffff', fillOpacity: 0.15 };
  if (p.no_network * 2 >= p.population) return { ...base, fillColor: NO_NETWORK_COLOR, dashArray: '3 3' };
  const share = reachableShare(p) ?? 0;
  const cls = SHARE_CLASSES.find((c) => share >= c.min) ?? SHARE_CLASSES[SHARE_CLASSES.length - 1];
  return { ...base, fillColor: cls.color };
}

export const GAP_STYLE = { color: '#7f0000', weight: 1, fillColor: GAP_COLOR, fillOpacity: 0.6, pane: 'cv-gaps' };
export const ISOCHRONE_STYLE = { color: ISOCHRONE_COLOR, weight: 2, dashArray: '6 4', fill: false, interactive: false, pane: 'cv-isochrones' };

/** Creates the shared base map (../js/basemap.js) with the panes both pages use; returns { map, base }. */
export function createMap(id, options = {}) {
  const base = createBaseMap(id, options);
  const map = base.map;
  for (const [name, z] of [['cv-districts', 410], ['cv-gaps', 430], ['cv-isochrones', 440]]) map.createPane(name).style.zIndex = String(z);
  return { map, base };
}

/** Legend entries as list items (swatch + text). */
export function legendItems(minutes, pace) {
  const swatch = (style) => h('span', { class: 'cv-swatch', style, 'aria-hidden': 'true' });
  return [
    h('li', { class: 'cv-legend-title' }, `区域の色：道路データのある人のうち、歩いて ${minutes} 分（毎分 ${pace} m）で拠点に届く人の割合`),
    ...SHARE_CLASSES.map((c) => h('li', {}, swatch(`background:${c.color}`), c.label)),
    h('li', {}, swatch(`background:${NO_NETWORK_COLOR};border-style:dashed`), '人口の半分以上が道路データなし（歩行ネットワークの範囲外）'),
    h('li', {}, swatch('background:#ffffff'), '人口なし'),
    h('li', {}, swatch(`background:${GAP_COLOR};border-color:#7f0000`), '空白地域：届かない人のいる場所（道路から 40 m の範囲）'),
    h('li', {}, swatch(`background:transparent;border:2px dashed ${ISOCHRONE_COLOR}`), `拠点から歩いて ${minutes} 分の範囲`),
    h('li', {}, h('span', { class: 'cv-hub-dot', 'aria-hidden': 'true' }), '拠点（●）／動かした拠点（◆）'),
  ];
}

/** Bounds of the districts whose people the network reaches (where the analysis says something), else of all. */
export function reachableBounds(districtLayer) {
  const bounds = L.latLngBounds([]);
  districtLayer.eachLayer((layer) => {
    const p = layer.feature?.properties;
    if (p && p.covered + p.uncovered > 0) bounds.extend(layer.getBounds());
  });
  return bounds.isValid() ? bounds : districtLayer.getBounds();
}

/** A hub marker icon (a divIcon so it can be dragged and focused). */
export function hubIcon(moved) {
  return L.divIcon({ className: moved ? 'cv-hub cv-hub-moved' : 'cv-hub', iconSize: [16, 16], iconAnchor: [8, 8] });
}
