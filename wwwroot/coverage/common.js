// Shared by the coverage page and its printable report: parameters, colours and map layers.
// Data never becomes HTML: every text is a text node (h() from ../js/dom.js).
import { h, clear, formatNumber } from '../js/dom.js';
import { createBaseMap } from '../js/basemap.js';
import { PACES, DEFAULT_PACE, DEFAULT_MUNICIPALITY } from '../js/constants.js';

export { getJson } from '../js/http.js';


/** Classes of the share covered among people the network data reaches (covered ÷ (covered + uncovered)). */
export const SHARE_CLASSES = [
  { min: 0.8, color: '#08519c', label: '80% 以上が届く' },
  { min: 0.6, color: '#3182bd', label: '60〜80%' },
  { min: 0.4, color: '#6baed6', label: '40〜60%' },
  { min: 0.2, color: '#bdd7e7', label: '20〜40%' },
  { min: 0, color: '#eff3ff', label: '20% 未満' },
];
export const NO_NETWORK_COLOR = '#bdbdbd';

/** How the API labels figures measured where there is no network data (the same words on every screen, print and export). */
export const STRAIGHT_LABEL = '直線距離（道路データなし）';

/** True when a figure's distances are straight lines only (a city without network data, or a row entirely without it). */
export const isStraightOnly = (figures) => figures?.distance === 'straight-line';
export const GAP_COLOR = '#d7301f';
export const ISOCHRONE_COLOR = '#08306b';

/** Parameters of the form as URL search parameters (the same names as the API). */
export function apiParams(p) {
  const q = new URLSearchParams();
  q.set('municipality', p.municipality);
  q.set('minutes', String(p.minutes));
  q.set('pace', String(p.pace));
  if (p.hubTypes && p.hubTypes.length) q.set('hub_types', p.hubTypes.join(','));
  if (p.by) q.set('by', p.by);
  if (p.threshold) q.set('max_residents_per_hub', String(p.threshold));
  if (p.straightRadius) q.set('straight_radius', String(p.straightRadius));
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
    municipality: q.get('municipality') || DEFAULT_MUNICIPALITY,
    minutes: Number(q.get('minutes') || 10),
    pace: Number(q.get('pace') || DEFAULT_PACE.metres),
    hubTypes: (q.get('hub_types') ?? '').split(',').filter(Boolean),
    by: q.get('by') || '', // empty: the page chooses the coarsest layer the city has
    threshold: Number(q.get('max_residents_per_hub') || 20000),
    straightRadius: Number(q.get('straight_radius') || 0) || null,
    moves,
    closed: new Set((q.get('close') ?? '').split(',').filter(Boolean).map(Number)),
  };
}

/** The paces (../js/constants.js) as list items of radio buttons named "pace" (the coverage and siting forms). */
export function paceItems(checked = DEFAULT_PACE.metres) {
  return PACES.map((p) => {
    const id = `pace-${p.metres}`;
    return h('li', {}, h('input', { type: 'radio', name: 'pace', id, value: String(p.metres), checked: p.metres === checked }),
      h('label', { for: id }, `${p.name}（毎分 ${p.metres} m${p.who ? `、${p.who}` : ''}）`));
  });
}

export const percent = (x) => (x === null || x === undefined ? '―' : `${(x * 100).toFixed(1)}%`);
export const people = (n) => `${formatNumber(n)} 人`;

/** Share covered among people the network data reaches, or null. */
export function reachableShare(p) {
  const reachable = p.covered + p.uncovered;
  return reachable > 0 ? p.covered / reachable : null;
}

/** Share within the straight-line radius among people without network data, or null. */
export function straightShare(p) {
  return p.no_network > 0 ? p.no_network_straight_covered / p.no_network : null;
}

/** Fill style of a district feature from its properties. */
export function districtStyle(p) {
  const base = { color: '#4d4d4d', weight: 0.6, fillOpacity: 0.6, pane: 'cv-districts' };
  if (!p.population) return { ...base, fillColor: '#ffffff', fillOpacity: 0.15 };
  // Mostly without network data: coloured by the straight-line share, outlined dashed so it never passes for walking.
  const straight = p.no_network * 2 >= p.population;
  const share = (straight ? straightShare(p) : reachableShare(p)) ?? 0;
  if (straight) {
    const cls = SHARE_CLASSES.find((c) => share >= c.min) ?? SHARE_CLASSES[SHARE_CLASSES.length - 1];
    return { ...base, fillColor: cls.color, fillOpacity: 0.45, color: '#000000', weight: 1, dashArray: '4 3' };
  }
  const cls = SHARE_CLASSES.find((c) => share >= c.min) ?? SHARE_CLASSES[SHARE_CLASSES.length - 1];
  return { ...base, fillColor: cls.color };
}

export const GAP_STYLE = { color: '#7f0000', weight: 1, fillColor: GAP_COLOR, fillOpacity: 0.6, pane: 'cv-gaps', className: 'cv-gap-walk' };
/** A gap measured by straight line (no network data): a lighter fill with a dashed outline, so it never passes for a walking gap. */
export const STRAIGHT_GAP_STYLE = { ...GAP_STYLE, fillOpacity: 0.3, dashArray: '5 4', weight: 1.5, className: 'cv-gap-straight' };
export const gapStyle = (feature) => (feature?.properties?.distance === STRAIGHT_LABEL ? STRAIGHT_GAP_STYLE : GAP_STYLE);
export const ISOCHRONE_STYLE = { color: ISOCHRONE_COLOR, weight: 2, dashArray: '6 4', fill: false, interactive: false, pane: 'cv-isochrones' };

/** Creates the shared base map (../js/basemap.js) with the panes both pages use; returns { map, base }. */
export function createMap(id, options = {}) {
  const base = createBaseMap(id, options);
  const map = base.map;
  for (const [name, z] of [['cv-districts', 410], ['cv-gaps', 430], ['cv-isochrones', 440]]) map.createPane(name).style.zIndex = String(z);
  return { map, base };
}

/** Legend entries as list items (swatch + text). */
export function legendItems(minutes, pace, parameters = null, totals = null) {
  const swatch = (style) => h('span', { class: 'cv-swatch', style, 'aria-hidden': 'true' });
  const radius = parameters ? `${formatNumber(parameters.straightLineMetres)} m` : '';
  const straightOnly = isStraightOnly(totals);
  const anyStraight = straightOnly || (totals?.noNetwork ?? 0) > 0;
  return [
    h('li', { class: 'cv-legend-title' }, straightOnly
      ? `区域の色：${STRAIGHT_LABEL}で、拠点から半径 ${radius} 以内に住む人の割合`
      : `区域の色：道路データのある人のうち、歩いて ${minutes} 分（毎分 ${pace} m）で拠点に届く人の割合`),
    ...SHARE_CLASSES.map((c) => h('li', {}, swatch(`background:${c.color}`), c.label)),
    anyStraight && !straightOnly
      ? h('li', {}, swatch(`background:${SHARE_CLASSES[2].color};opacity:0.6;border:1px dashed #000`),
        `破線の区域：人口の半分以上が道路データなし。色は${STRAIGHT_LABEL}・半径 ${radius} 以内の割合`)
      : null,
    h('li', {}, swatch('background:#ffffff'), '人口なし'),
    straightOnly ? null : h('li', {}, swatch(`background:${GAP_COLOR};border-color:#7f0000`), '空白地域：歩いて届かない人のいる場所（道路から 40 m の範囲）'),
    anyStraight ? h('li', {}, swatch(`background:${GAP_COLOR};opacity:0.55;border:1px dashed #7f0000`),
      `空白地域（破線）：${STRAIGHT_LABEL}で届かない町丁・字の推定範囲`) : null,
    h('li', {}, swatch(`background:transparent;border:2px dashed ${ISOCHRONE_COLOR}`), straightOnly
      ? `拠点から半径 ${radius}（${STRAIGHT_LABEL}）の円`
      : `拠点から歩いて ${minutes} 分の範囲`),
    h('li', {}, h('span', { class: 'cv-hub-dot', 'aria-hidden': 'true' }), '拠点（●）／動かした拠点（◆）'),
  ].filter(Boolean);
}

/** The straight-radius choices of the form (国土交通省『都市構造の評価に関するハンドブック』: 800 m, 高齢者 500 m). */
export const STRAIGHT_RADII = [
  { value: '', label: '歩く時間 × 速さ' },
  { value: '800', label: '800 m（徒歩圏）' },
  { value: '500', label: '500 m（高齢者の徒歩圏）' },
];

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

/** How many district rows the A4 report prints; the rest are in the CSV. */
export const REPORT_TOP_DISTRICTS = 30;

/** The layer a page opens with: the coarsest one the city has (fewest districts), else the 町丁・字. */
export function defaultLayerKey(layers) {
  const districts = layers.filter((l) => l.key !== 'units' && l.districts > 0);
  if (!districts.length) return 'units';
  return districts.reduce((a, b) => (b.districts < a.districts ? b : a)).key;
}

/** Rows of a district table: populated districts, most people out of reach first, ties by name. */
export function rankedDistricts(fc) {
  return fc.features.map((f) => f.properties).filter((p) => p.population > 0).sort(byUncovered);
}

export function byUncovered(a, b) {
  return b.uncovered - a.uncovered || (b.no_network_straight_uncovered ?? 0) - (a.no_network_straight_uncovered ?? 0)
    || String(a.district_name).localeCompare(String(b.district_name), 'ja');
}

/**
 * Whether a district of this layer is expected to have a hub of its own (校区・地区: the 大牟田 rule). For 町丁・字 it is
 * not: most 町丁 have none by design, so 「拠点なし」 there is noise and is not shown.
 */
const hubExpected = (layer) => layer.key !== 'units';

/** The flags column of a district row. */
export function districtFlags(d, layer) {
  return [hubExpected(layer) && d.no_hub ? '拠点なし' : null,
    d.over_threshold ? `1か所あたり ${formatNumber(Math.round(d.residents_per_hub ?? d.population))} 人` : null].filter(Boolean).join('・');
}

/** The sentence under a district table: how many districts, what the flags mean, how the rows are ordered. */
export function rulesText(fc) {
  const r = fc.rules;
  const hubs = hubExpected(fc.layer)
    ? `拠点のない区域 ${formatNumber(r.districtsWithoutHub)}、`
    : '';
  const unitsNote = hubExpected(fc.layer)
    ? (r.note ?? '')
    : '町丁・字は小さいので、拠点がないのがふつうです（拠点は校区や地区に 1 か所が目安）。そのため「拠点なし」は示しません。「拠点数」はその町丁・字の中にある拠点の数です。';
  return `${fc.layer.name}：${formatNumber(r.districts)} 区域のうち、${hubs}拠点 1 か所あたり ${formatNumber(r.residentsPerHub)} 人を超える区域 ` +
    `${formatNumber(r.districtsOverThreshold)}。人口のある区域を、届かない人の多い順（同じ数なら名前順）に示します。${unitsNote}`;
}

/**
 * Why a gap's figure differs from its district's row: gaps are cut by the districts of the layer, so the table's uncovered
 * people of a district are the sum of its gaps. A note when this gap is one of several in its district, else ''.
 */
export function gapShareNote(gap, gaps, districtsByCode) {
  const d = districtsByCode.get(gap.district_code);
  const straight = gap.distance === STRAIGHT_LABEL;
  const whole = d ? (straight ? d.no_network_straight_uncovered : d.uncovered) : null;
  if (!d || whole === gap.uncovered) return '';
  const parts = gaps.filter((g) => g.district_code === gap.district_code && (g.distance === STRAIGHT_LABEL) === straight).length;
  return `区域の表の ${d.district_name}（${straight ? `${STRAIGHT_LABEL}で届かない ` : ''}${formatNumber(whole)} 人）は、この区域の空白地域 ${formatNumber(parts)} か所の合計`;
}

/**
 * Makes a table sortable from its column headers: each header holds a button (Enter/Space, or a click) and carries
 * aria-sort. columns: [{ label, value: (item) => number|string, numeric }]; row(item) builds a <tr>; footer rows stay last.
 */
export function sortableTable(table, columns, items, row, { sortBy = null, footer = [], tie = () => 0 } = {}) {
  let current = { index: sortBy, descending: true };
  const buttons = columns.map((c, i) => h('button', { type: 'button', class: 'cv-sort', onclick: () => sort(i) }, c.label));
  const heads = columns.map((c, i) => h('th', { scope: 'col' }, c.value ? buttons[i] : c.label));
  clear(table.tHead).append(h('tr', {}, heads));
  const render = (list) => clear(table.tBodies[0]).append(...list.map(row), ...footer);
  function sort(i) {
    current = { index: i, descending: current.index === i ? !current.descending : Boolean(columns[i].numeric) };
    const { value, numeric } = columns[i];
    const sign = current.descending ? -1 : 1;
    render([...items].sort((a, b) => sign * (numeric ? value(a) - value(b) : String(value(a)).localeCompare(String(value(b)), 'ja'))
      || tie(a, b)));
    mark();
  }
  function mark() {
    heads.forEach((th, i) => {
      if (i === current.index) th.setAttribute('aria-sort', current.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    });
  }
  render(items);
  mark();
}
