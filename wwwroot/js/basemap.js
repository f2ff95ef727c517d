// The one map factory every page uses: base layers (FukushiMap's own road map from /tiles/base, 地理院タイル),
// the automatic fall-back when 地理院タイル cannot load, a metric scale, a north arrow, the base map's credits and
// print behaviour, with the first view taken from the municipality's boundary (/api/municipalities), not typed in.
// Needs the globals L (vendor/leaflet/leaflet.js) and protomapsL (vendor/protomaps-leaflet/protomaps-leaflet.js).
import { h, clear } from './dom.js';
import { getJson } from './http.js';
import { TILE_SOURCES, DEFAULT_MUNICIPALITY } from './constants.js';

const OFFLINE_NOTE = 'オフラインのため、FukushiMap の道路地図を表示しています';
const FONT = '"Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Yu Gothic", sans-serif';
// Road classes as the tiles carry them (BaseMapTiles.RankedRoadClasses gives a merged edge its most important class).
const TRUNK = new Set(['motorway', 'trunk', 'primary', 'motorway_link', 'trunk_link', 'primary_link']);
const MAJOR = new Set(['secondary', 'tertiary', 'secondary_link', 'tertiary_link']);
const STREET = new Set(['unclassified', 'residential', 'living_street', 'pedestrian', 'busway', 'service', 'road']);
const roadClass = (f) => {
  const hw = f.props.highway;
  return TRUNK.has(hw) ? 'trunk' : MAJOR.has(hw) ? 'major' : STREET.has(hw) ? 'street' : 'path';
};
/** A width by zoom: [up to z11 (a whole city), z12–13, z14–15, z16 and deeper]. */
const byZoom = (city, town, street, house) => (z) => (z >= 16 ? house : z >= 14 ? street : z >= 12 ? town : city);
const is = (cls) => (z, f) => roadClass(f) === cls;
const place = (...kinds) => (z, f) => kinds.includes(f.props.kind);

/** The road map's drawing rules (protomaps-leaflet paint and label rules). */
function styleRules() {
  const P = protomapsL;
  const paintRules = [
    { dataLayer: 'boundaries', filter: (z, f) => f.props.kind !== 'municipality',
      symbolizer: new P.LineSymbolizer({ color: '#8a5a9e', width: 1.5, dash: [6, 3], opacity: 0.9 }) },
    { dataLayer: 'boundaries', filter: place('municipality'),
      symbolizer: new P.LineSymbolizer({ color: '#555555', width: 3, dash: [10, 3, 2, 3] }) },
    { dataLayer: 'roads', filter: is('path'), symbolizer: new P.LineSymbolizer({ color: '#9a9a9a', width: byZoom(1, 1, 1, 1.5), dash: [3, 2] }) },
    { dataLayer: 'roads', filter: is('street'), symbolizer: new P.LineSymbolizer({ color: '#b8b2a6', width: byZoom(1.6, 2.5, 4.5, 7) }) },
    { dataLayer: 'roads', filter: is('street'), symbolizer: new P.LineSymbolizer({ color: '#ffffff', width: byZoom(0.8, 1.5, 3, 5) }) },
    // Main roads stand out at a whole city's scale (a wall map of 宇部市 shows its 国道 and 県道 as a network).
    { dataLayer: 'roads', filter: is('major'), symbolizer: new P.LineSymbolizer({ color: '#b0741c', width: byZoom(3.2, 5, 7, 10) }) },
    { dataLayer: 'roads', filter: is('major'), symbolizer: new P.LineSymbolizer({ color: '#ffd27f', width: byZoom(2, 3.4, 5, 8) }) },
    { dataLayer: 'roads', filter: is('trunk'), symbolizer: new P.LineSymbolizer({ color: '#9c4a12', width: byZoom(4.2, 6, 8.5, 12) }) },
    { dataLayer: 'roads', filter: is('trunk'), symbolizer: new P.LineSymbolizer({ color: '#f59a4a', width: byZoom(2.8, 4.2, 6.5, 10) }) },
  ];
  const text = (size, fill, weight = 400) => ({ font: `${weight} ${size}px ${FONT}`, fill, stroke: '#ffffff', width: 3 });
  const labelRules = [
    { dataLayer: 'places', filter: place('municipality'), symbolizer: new P.CenteredTextSymbolizer(text(18, '#222222', 700)) },
    { dataLayer: 'places', filter: place('district'), symbolizer: new P.CenteredTextSymbolizer(text(14, '#5a2a6e', 700)) },
    { dataLayer: 'places', filter: place('hub'), symbolizer: new P.OffsetTextSymbolizer({ ...text(12, '#0b3d6b', 700), offsetX: 16, offsetY: 16 }) },
    { dataLayer: 'roads', filter: (z, f) => Boolean(f.props.name),
      symbolizer: new P.LineLabelSymbolizer({ ...text(12, '#3a3a3a'), repeatDistance: 400 }) },
    { dataLayer: 'places', filter: place('chome'), symbolizer: new P.CenteredTextSymbolizer(text(12, '#5b5142')) },
    { dataLayer: 'places', filter: place('shelter'), symbolizer: new P.OffsetTextSymbolizer({ ...text(11, '#1f5f23'), offsetY: 11 }) },
  ];
  return { paintRules, labelRules };
}

/** The road map as a Leaflet layer (canvas; draws z16+ from the z15 tiles). */
export function roadMapLayer(options = {}) {
  return protomapsL.leafletLayer({
    url: TILE_SOURCES.base.url,
    maxDataZoom: 15,
    maxZoom: 19,
    backgroundColor: '#f3f0e8',
    attribution: '', // credits are drawn as text by the credits control below
    ...styleRules(),
    ...options,
  });
}

const NorthArrow = L.Control.extend({
  options: { position: 'topright' },
  onAdd() {
    return h('div', { class: 'fm-north north-arrow leaflet-control', role: 'img', 'aria-label': '方位：上が北' },
      h('span', { class: 'fm-north-arrow', 'aria-hidden': 'true' }, '↑'), h('span', { class: 'fm-north-label', 'aria-hidden': 'true' }, '北'));
  },
});

const BaseCredits = L.Control.extend({
  options: { position: 'bottomright' },
  onAdd() {
    this._div = h('div', { class: 'fm-base-credits leaflet-control', 'data-testid': 'base-credits' });
    L.DomEvent.disableClickPropagation(this._div);
    return this._div;
  },
  /** Credit lines: the base layer drawn, then the page's own data lines. */
  update(base, lines = []) {
    clear(this._div);
    const first = h('p', { class: 'fm-base-credit' }, '背景地図：');
    if (base === 'base') {
      first.append(TILE_SOURCES.base.label, '　', h('a', { href: TILE_SOURCES.base.osm, target: '_blank', rel: 'noopener' }, '© OpenStreetMap contributors'),
        ' ｜ 政府統計の総合窓口(e-Stat) ｜ 国土数値情報（国土交通省）');
    } else if (base === 'gsi') {
      first.append(h('a', { href: TILE_SOURCES.gsi.info, target: '_blank', rel: 'noopener' }, '地理院タイル'), '（国土地理院）');
    } else {
      first.append('なし');
    }
    first.append(' ｜ ', h('a', { href: 'https://leafletjs.com/', target: '_blank', rel: 'noopener' }, 'Leaflet'));
    this._div.append(first);
    for (const line of lines) this._div.append(h('p', { class: 'fm-data-credit' }, line));
  },
});

/**
 * Creates a Leaflet map on element `id` with both base layers, the offline fall-back, scale, north arrow, credits and print.
 * Options: `municipality` (code whose boundary sets the first view), `fit` (false when the page fits its own data),
 * `credits` (false when the page writes the base credit itself via `baseCredit()`), `layersControl` (false to omit),
 * `onNote(text)` for the offline note (default: a note inside the map), `initial: 'base'` to start on the road map
 * (printed sheets), and Leaflet map options.
 * Returns { map, ready, addOverlays({ label: layer }), setCredits(lines), baseName(), baseCredit(), roadMap, gsi,
 *   usePrintBase() (switch to the road map until afterprint), drawn() (resolves when its tiles are drawn) }.
 */
export function createBaseMap(id, options = {}) {
  const { municipality = DEFAULT_MUNICIPALITY, fit = true, credits = true, layersControl = true, onNote = null, initial = 'gsi', ...leaflet } = options;
  const map = L.map(id, { attributionControl: false, zoomSnap: 0.25, minZoom: 5, maxZoom: 19, ...leaflet });
  // Until the boundary arrives, Japan as a whole: no city's coordinates are typed in.
  if (!leaflet.center) map.setView([36.5, 137.5], 5);

  const roadMap = roadMapLayer();
  const gsi = L.tileLayer(TILE_SOURCES.gsi.url, { maxZoom: 18, maxNativeZoom: 18, minZoom: 5 });
  let dataLines = [];
  let offline = false;
  const creditControl = credits ? new BaseCredits().addTo(map) : null;
  const baseName = () => (map.hasLayer(roadMap) ? 'base' : map.hasLayer(gsi) ? 'gsi' : null);
  const refreshCredits = () => {
    creditControl?.update(baseName(), dataLines);
    map.getContainer().dataset.basemap = baseName() ?? 'none';
  };

  // The bottom-right corner (credits, offline note) never reaches the scale bar in the bottom-left corner: its width is the map's
  // less the scale's room, on screen and on a printed sheet (Leaflet fires 'resize' when a print layout resizes the map).
  const fitCorner = () => {
    const room = `${Math.max(140, map.getSize().x - 190)}px`;
    for (const el of map.getContainer().querySelectorAll('.fm-base-credits, .fm-offline-note')) el.style.maxWidth = room;
  };
  map.on('resize', fitCorner);
  map.whenReady(fitCorner);

  (initial === 'base' ? roadMap : gsi).addTo(map);
  const layers = layersControl
    ? L.control.layers({ [TILE_SOURCES.base.label]: roadMap, [TILE_SOURCES.gsi.label]: gsi }, null, { collapsed: true, position: 'topright' }).addTo(map)
    : null;
  L.control.scale({ position: 'bottomleft', metric: true, imperial: false, maxWidth: 160 }).addTo(map);
  new NorthArrow().addTo(map);

  // 地理院タイル unreachable (no internet in a 公民館): switch to our own road map once, and say so.
  let gsiLoaded = false;
  const note = (text) => {
    if (onNote) { onNote(text); return; }
    // Above the credits in the same corner (a bottom corner stacks its controls), so neither covers the other or the scale.
    const Note = L.Control.extend({ options: { position: 'bottomright' }, onAdd: () => h('p', { class: 'fm-offline-note leaflet-control', role: 'status' }, text) });
    new Note().addTo(map);
    fitCorner();
  };
  const fallBack = () => {
    if (offline || gsiLoaded || !map.hasLayer(gsi)) return;
    offline = true;
    map.removeLayer(gsi);
    roadMap.addTo(map);
    note(OFFLINE_NOTE);
  };
  gsi.once('tileerror', fallBack);
  gsi.once('tileload', () => { gsiLoaded = true; });
  const probe = setTimeout(fallBack, 4000);
  map.on('layeradd layerremove', (e) => { if (e.layer === roadMap || e.layer === gsi) refreshCredits(); });
  map.on('unload', () => clearTimeout(probe));

  // Print: our road map, whose names are drawn on canvas and whose credits are known. Pages with a print button call
  // usePrintBase() and await drawn() before window.print(); Ctrl+P switches here (tiles already drawn print at once).
  // While printing, the road map keeps the tiles it has drawn: a page that fits its data to the sheet's map box resets the
  // view, and Leaflet would drop every drawn tile for new ones the print snapshot does not wait for (a sheet without streets).
  // Kept, the drawn tiles are moved and scaled to the new view and print under whatever new tiles have arrived.
  let beforePrint = null;
  const usePrintBase = () => {
    if (beforePrint !== null) return;
    beforePrint = baseName();
    if (beforePrint !== 'base') { map.removeLayer(gsi); roadMap.addTo(map); }
    map.off('viewprereset', roadMap._invalidateAll, roadMap);
    roadMap._pruneTiles = () => {};
  };
  window.addEventListener('beforeprint', usePrintBase, { capture: true }); // before the page's own refit
  window.addEventListener('afterprint', () => {
    if (beforePrint === 'gsi') { map.removeLayer(roadMap); gsi.addTo(map); }
    beforePrint = null;
    map.on('viewprereset', roadMap._invalidateAll, roadMap);
    delete roadMap._pruneTiles;
    // Not redraw(): Leaflet's GridLayer.redraw takes the map's zoom unrounded (13.25 with zoomSnap 0.25) and asks for tiles that do not exist.
    if (map.hasLayer(roadMap)) { map.removeLayer(roadMap); roadMap.addTo(map); }
  });
  /** Resolves once the road map has drawn every tile of the current view (or after `timeout` ms). */
  const drawn = (timeout = 10000) => new Promise((resolve) => {
    if (!map.hasLayer(roadMap)) { resolve(); return; }
    let timer = null;
    const finish = () => { clearTimeout(timer); roadMap.off('load', finish); setTimeout(resolve, 300); };
    timer = setTimeout(finish, timeout);
    if (roadMap.isLoading()) roadMap.on('load', finish); else finish();
  });

  const ready = fit ? fitMunicipality(map, municipality) : Promise.resolve(null);
  refreshCredits();
  return {
    map,
    ready,
    roadMap,
    gsi,
    usePrintBase,
    drawn,
    /** Adds the page's overlays ({ label: layer }) to the same layer switcher as the base maps. */
    addOverlays(overlays) { for (const [label, layer] of Object.entries(overlays)) layers?.addOverlay(layer, label); },
    /** Replaces the page's own data credit lines shown under the base map's credit. */
    setCredits(lines) { dataLines = [...new Set(lines ?? [])]; refreshCredits(); },
    baseName,
    /** The base map's credit as one line of text (for pages that write their own credits box). */
    baseCredit: () => (baseName() === 'base' ? `背景地図：${TILE_SOURCES.base.label} ${TILE_SOURCES.base.credit}`
      : baseName() === 'gsi' ? `背景地図：${TILE_SOURCES.gsi.credit}` : ''),
  };
}

/** Fits the map to a municipality's boundary box from /api/municipalities; resolves with the municipality (or null). */
export async function fitMunicipality(map, code = DEFAULT_MUNICIPALITY) {
  try {
    const list = await getJson(new URL('/api/municipalities', document.baseURI));
    const m = list.find((x) => x.code === code) ?? list.find((x) => Array.isArray(x.bbox));
    if (m?.bbox) map.fitBounds([[m.bbox[1], m.bbox[0]], [m.bbox[3], m.bbox[2]]], { animate: false });
    return m ?? null;
  } catch {
    return null;
  }
}
