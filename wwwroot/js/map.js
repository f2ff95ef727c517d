// 福祉マップ: hubs over districts and 町丁 population, for planners.
// Leaflet is the global L (vendor/leaflet/leaflet.js, loaded before this module).
// Nothing from the data is ever parsed as HTML: popups, tooltips, lists and credits are DOM nodes built with text.
import { h, clear, formatNumber, notATabStop } from './dom.js';
import { symbol, lineSample, safeColor, safeShape, SHAPES } from './symbols.js';
import { prop, listProp, fetchCollection } from './data.js';
import { getJson } from './http.js';
import { createWalkingRange } from './walking.js';
import { createBaseMap } from './basemap.js';
import { TILE_SOURCES, DEFAULT_MUNICIPALITY } from './constants.js';
import { municipalityLabel } from './city.js';

const GSI_TILES_INFO = TILE_SOURCES.gsi.info;
const POPULATION_MAX_RADIUS = 22; // px, for the most populous 町丁 of the municipality
const LABEL_MIN_ZOOM = 13;

// Outline styles per district layer, coarsest layer first: every layer its own colour and dash pattern (not colour alone), and
// each finer layer a thinner line drawn over the wider ones, so that where a finer layer shares a boundary with a coarser one
// (民生委員担当区域 cut from 地区) both lines show. The legend draws each layer's line with the same style.
const DISTRICT_STYLES = [
  { color: '#1b3a5c', weight: 6, dashArray: null },
  { color: '#b3261e', weight: 2.5, dashArray: '8 5' },
  { color: '#2e6b1f', weight: 2, dashArray: '2 4' },
  { color: '#6a2c91', weight: 2, dashArray: '14 4 2 4' },
  { color: '#a34700', weight: 1.5, dashArray: '6 3' },
  { color: '#006d6f', weight: 1.5, dashArray: '1 4 8 4' },
];
const BOUNDARY_STYLE = { color: '#222222', weight: 3, fill: false, interactive: false, pane: 'fm-boundary' };
const POPULATION_STYLE = { color: '#6a3d9a', weight: 1, fillColor: '#9e7cc1', fillOpacity: 0.25, pane: 'fm-population' };
const SHELTER_COLOR = '#2e7d32';

const els = {
  select: document.getElementById('municipality'),
  title: document.getElementById('title-municipality'),
  status: document.getElementById('map-status'),
  mapArea: document.getElementById('map-area'),
  layerList: document.getElementById('layer-toggles'),
  baseRadios: document.querySelectorAll('input[name="basemap"]'),
  legend: document.getElementById('legend-body'),
  summary: document.getElementById('summary-body'),
  hubList: document.getElementById('hub-list'),
  hubListNote: document.getElementById('hub-list-note'),
  sources: document.getElementById('sources-body'),
  printDate: document.getElementById('print-date'),
};

const state = {
  code: null,
  municipality: null,
  hubTypes: new Map(),
  datasets: [],
  overlays: [], // { id, layerId, label, group, count, credits: string[], legend: () => Node, checked }
  visibility: new Map(), // overlay id → checked, kept across municipalities
  hubMarkers: new Map(),
  shapeOverride: new Map(), // type key → shape used on this map when stored shapes collide
  screenView: null, // { center, zoom } while printing
  cityBounds: null, // the municipality's extent (its boundary), set when its layers arrive
  lastInvoker: null,
  openPopup: null,
  loadToken: 0,
  messages: new Map(),
};

// ---------- the map ----------

// The shared factory: both base layers, the offline fall-back, scale and north arrow; this page fits its own data.
const base = createBaseMap('map', {
  zoomControl: false, keyboard: true, maxZoom: 19, fit: false, layersControl: false, credits: false, // one credits box: the page's own
  onNote: (text) => setMessage('tiles', `背景地図（地理院タイル）を読み込めません。${text}`),
});
const map = base.map;
L.control.zoom({ position: 'topleft', zoomInTitle: '拡大', zoomOutTitle: '縮小' }).addTo(map);
// Hubs stay in Leaflet's marker pane (600), above shelters: a ふれあいセンター is often a shelter as well.
// Walking bands lie lowest, under every outline, circle and marker.
for (const [name, z] of [['fm-walk', 402], ['fm-boundary', 405], ['fm-districts', 410], ['fm-population', 420], ['fm-shelters', 590]]) {
  map.createPane(name).style.zIndex = String(z);
}
map.getContainer().setAttribute('role', 'region');
map.getContainer().setAttribute('aria-label', '地図');
map.getContainer().setAttribute('aria-describedby', 'map-help');

// Credits shown on the map itself (data in view + base map), built as text nodes.
const AttributionControl = L.Control.extend({
  options: { position: 'bottomright' },
  onAdd() {
    this._div = h('div', { class: 'fm-attribution leaflet-control', id: 'map-attribution' });
    L.DomEvent.disableClickPropagation(this._div);
    return this._div;
  },
  update(lines, baseName) {
    clear(this._div);
    const first = h('p', { class: 'fm-attribution-base' });
    if (baseName === 'gsi') {
      first.append('背景地図：', h('a', { href: GSI_TILES_INFO, target: '_blank', rel: 'noopener' }, '地理院タイル'), ' ｜ ');
    } else if (baseName === 'base') {
      // The road map's credit (basemap.js) in this one box; 地理院タイル stays one click away.
      first.append(`背景地図：${TILE_SOURCES.base.label} `, h('a', { href: TILE_SOURCES.base.osm, target: '_blank', rel: 'noopener' }, '© OpenStreetMap contributors'),
        ` ｜ ${TILE_SOURCES.base.credit.replace('© OpenStreetMap contributors ｜ ', '')}。`,
        h('a', { href: GSI_TILES_INFO, target: '_blank', rel: 'noopener' }, '地理院タイル'), 'は「背景地図」で選べます ｜ ');
    }
    first.append(h('a', { href: 'https://leafletjs.com/', target: '_blank', rel: 'noopener' }, 'Leaflet'));
    this._div.append(first);
    for (const line of lines) this._div.append(h('p', { class: 'fm-attribution-line' }, line));
    // On a small screen the credit lines would cover the map: a link to the full list stands in for them.
    if (lines.length) this._div.append(h('p', { class: 'fm-attribution-more' }, h('a', { href: '#sources-heading' }, `データの出典（${lines.length}件）`)));
  },
});
const attribution = new AttributionControl().addTo(map);

const walking = createWalkingRange({
  map,
  section: document.getElementById('walk-section'),
  pane: 'fm-walk',
  onChange: () => { renderLegend(); updateCredits(); renderSources(); },
  fit: (bounds) => map.fitBounds(bounds, fitOptions()),
});

map.on('zoomend', updateLabelVisibility);
map.on('popupopen', (e) => {
  state.openPopup = e.popup;
  const el = e.popup.getElement();
  const close = el?.querySelector('.leaflet-popup-close-button');
  if (close) {
    close.setAttribute('aria-label', '閉じる');
    close.setAttribute('title', '閉じる（Esc キー）');
  }
  // Move focus into the popup so keyboard and screen-reader users land on what just opened.
  el?.querySelector('.fm-popup-title')?.focus({ preventScroll: true });
});
map.on('popupclose', (e) => {
  const el = e.popup.getElement();
  const active = document.activeElement;
  state.openPopup = null;
  if (!active || active === document.body || (el && el.contains(active))) {
    restoreFocus();
  }
});

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && state.openPopup) {
    e.preventDefault();
    map.closePopup();
    restoreFocus();
  }
});

function restoreFocus() {
  const target = state.lastInvoker;
  if (target && document.contains(target)) target.focus({ preventScroll: true });
}

// ---------- messages ----------

function setMessage(key, text) {
  if (text) state.messages.set(key, text);
  else state.messages.delete(key);
  clear(els.status);
  for (const t of state.messages.values()) els.status.append(h('span', { class: 'fm-status-line' }, t));
  els.status.hidden = state.messages.size === 0;
}

// ---------- base map ----------

function setBaseMap(which) {
  for (const [name, layer] of [['base', base.roadMap], ['gsi', base.gsi]]) {
    if (name === which) layer.addTo(map);
    else map.removeLayer(layer);
  }
  if (which !== 'gsi') setMessage('tiles', null);
}
for (const radio of els.baseRadios) {
  radio.addEventListener('change', () => { if (radio.checked) setBaseMap(radio.value); });
}
// The radios follow the base layer drawn (the factory switches to the road map when 地理院タイル cannot load).
map.on('layeradd layerremove', (e) => {
  if (e.layer !== base.roadMap && e.layer !== base.gsi) return;
  for (const radio of els.baseRadios) radio.checked = radio.value === (base.baseName() ?? 'none');
  updateCredits();
});

// ---------- hub types ----------

function hubTypeOf(properties) {
  let key = prop(properties, 'type', 'type_key', 'hub_type', 'hub_type_key', 'typeKey', 'hubType');
  let name = prop(properties, 'type_name', 'hub_type_name', 'typeName', 'hubTypeName');
  if (key && typeof key === 'object') {
    name ??= key.name;
    key = key.key ?? key.id;
  }
  const known = key != null ? state.hubTypes.get(String(key)) : undefined;
  const typeKey = key != null ? String(key) : '';
  return {
    key: typeKey,
    name: known?.name ?? (name != null ? String(name) : '種別未設定'),
    color: safeColor(known?.color ?? prop(properties, 'color', 'type_color')),
    shape: state.shapeOverride.get(typeKey) ?? safeShape(known?.shape ?? prop(properties, 'shape', 'type_shape')),
  };
}

/**
 * Colour must never be the only cue: when two types on this map share a shape (the built-in なごみの家, 居場所 and
 * ふれあいセンター are all circles), the less numerous type takes the next unused shape.
 */
function assignDistinctShapes(features) {
  state.shapeOverride = new Map();
  const order = [...state.hubTypes.keys()];
  const counts = new Map();
  for (const f of features) {
    const key = hubTypeOf(f.properties).key;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const rank = (k) => (order.indexOf(k) + 1) || Infinity;
  // The most numerous type keeps its stored shape, so one new hub does not change the symbols of the rest.
  const present = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || rank(a) - rank(b));
  const used = new Set();
  for (const key of present) {
    const t = hubTypeOf({ type: key });
    const shape = used.has(t.shape) ? SHAPES.find((s) => !used.has(s)) ?? t.shape : t.shape;
    if (shape !== t.shape) state.shapeOverride.set(key, shape);
    used.add(shape);
  }
}

// ---------- popups and tooltips (DOM only) ----------

function detailRow(label, value) {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) return null;
  return [h('dt', null, label), h('dd', null, Array.isArray(value) ? value.join('、') : String(value))];
}

function safeLink(url) {
  try {
    const u = new URL(String(url));
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function hubPopup(feature) {
  const p = feature.properties ?? {};
  const type = hubTypeOf(p);
  const website = safeLink(prop(p, 'website', 'url'));
  return h('div', { class: 'fm-popup' },
    h('h3', { class: 'fm-popup-title', tabindex: '-1' }, String(prop(p, 'name') ?? '名称未設定')),
    h('p', { class: 'fm-popup-type' }, symbol(type.shape, type.color, 16), ' ', type.name),
    h('dl', { class: 'fm-popup-details' },
      detailRow('住所', prop(p, 'address')),
      detailRow('機能', listProp(p, 'functions')),
      detailRow('対象', listProp(p, 'target_groups', 'targetGroups')),
      detailRow('運営', prop(p, 'operator')),
      detailRow('開所', prop(p, 'opening_note', 'openingNote')),
      detailRow('電話', prop(p, 'phone')),
      detailRow('バリアフリー', prop(p, 'accessibility', 'accessibility_notes', 'accessibilityNotes')),
      website ? [h('dt', null, 'ウェブ'), h('dd', null, h('a', { href: website, target: '_blank', rel: 'noopener' }, website))] : null));
}

function shelterPopup(feature) {
  const p = feature.properties ?? {};
  return h('div', { class: 'fm-popup' },
    h('h3', { class: 'fm-popup-title', tabindex: '-1' }, String(prop(p, 'name') ?? '名称未設定')),
    h('p', { class: 'fm-popup-type' }, symbol('shelter', SHELTER_COLOR, 16), ' ', String(prop(p, 'kind') ?? '避難所')),
    h('dl', { class: 'fm-popup-details' },
      detailRow('住所', prop(p, 'address')),
      detailRow('対象とする災害', listProp(p, 'hazards')),
      detailRow('収容人数', prop(p, 'capacity') != null ? `${formatNumber(prop(p, 'capacity'))}人` : null)));
}

function populationTooltip(feature) {
  const p = feature.properties ?? {};
  return h('span', { class: 'fm-tooltip' },
    h('strong', null, String(prop(p, 'name') ?? '')), ' ', `${formatNumber(populationOf(p))}人`);
}

function populationOf(p) {
  const n = Number(prop(p, 'population', 'jinko'));
  return Number.isFinite(n) && n > 0 ? n : 0;
}

// ---------- layers ----------

function pointLatLng(feature) {
  const g = feature.geometry;
  if (!g) return null;
  if (g.type === 'Point') return L.latLng(g.coordinates[1], g.coordinates[0]);
  if (g.type === 'MultiPoint' && g.coordinates.length) return L.latLng(g.coordinates[0][1], g.coordinates[0][0]);
  if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
    // A 町丁 with a polygon: its circle sits at the middle of the polygon's extent.
    const bounds = L.geoJSON(g).getBounds();
    return bounds.isValid() ? bounds.getCenter() : null;
  }
  return null;
}

function buildHubLayer(features) {
  const group = L.layerGroup();
  state.hubMarkers.clear();
  const sorted = [...features].sort((a, b) =>
    String(prop(a.properties, 'name') ?? '').localeCompare(String(prop(b.properties, 'name') ?? ''), 'ja'));
  sorted.forEach((feature, index) => {
    const latlng = pointLatLng(feature);
    if (!latlng) return;
    const p = feature.properties ?? {};
    const type = hubTypeOf(p);
    const name = String(prop(p, 'name') ?? '名称未設定');
    const id = String(feature.id ?? prop(p, 'id') ?? `hub-${index}`);
    const size = type.shape === 'star' ? 28 : 24;
    const icon = L.divIcon({
      className: `fm-hub-marker fm-shape-${type.shape}`,
      html: symbol(type.shape, type.color, size),
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
      popupAnchor: [0, -size / 2],
    });
    const marker = L.marker(latlng, { icon, keyboard: true, title: `${name}（${type.name}）`, alt: name, riseOnHover: true });
    marker.bindPopup(() => hubPopup(feature), { maxWidth: 320, autoPanPadding: [24, 24] });
    marker.on('add', () => {
      const el = marker.getElement();
      if (!el) return;
      el.dataset.hubId = id;
      el.dataset.hubType = type.key;
      el.dataset.hubShape = type.shape;
      el.setAttribute('aria-label', `${name}（${type.name}）`);
      if (!el.dataset.fmBound) {
        el.dataset.fmBound = '1';
        el.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') {
            state.lastInvoker = el; // Leaflet opens the popup on the keypress that follows
          } else if (e.key === ' ' || e.key === 'Spacebar') { // a role=button answers Space as well as Enter
            e.preventDefault();
            state.lastInvoker = el;
            marker.openPopup();
          }
        });
      }
    });
    marker.on('click', () => { state.lastInvoker = marker.getElement(); });
    marker.addTo(group);
    state.hubMarkers.set(id, { marker, feature, type, name });
  });
  return group;
}

function buildDistrictLayers(features) {
  const byLayer = new Map();
  for (const f of features) {
    const p = f.properties ?? {};
    let layer = prop(p, 'layer', 'layer_key', 'layerKey');
    let kind = prop(p, 'kind', 'layer_kind', 'layer_name');
    if (layer && typeof layer === 'object') {
      kind ??= layer.kind ?? layer.name;
      layer = layer.key ?? layer.id;
    }
    const key = String(layer ?? kind ?? 'districts');
    if (!byLayer.has(key)) byLayer.set(key, { key, kind: String(kind ?? layer ?? '区域'), features: [], credits: new Set() });
    byLayer.get(key).features.push(f);
    const line = prop(p, 'attribution');
    if (typeof line === 'string') byLayer.get(key).credits.add(line);
  }
  return [...byLayer.values()].sort((a, b) => a.features.length - b.features.length).map((d, i) => {
    const style = { ...DISTRICT_STYLES[i % DISTRICT_STYLES.length], fill: true, fillColor: '#ffffff', fillOpacity: 0, pane: 'fm-districts' };
    const geo = L.geoJSON({ type: 'FeatureCollection', features: d.features }, {
      style: () => style,
      onEachFeature: (feature, layer) => {
        notATabStop(layer);
        const name = String(prop(feature.properties, 'name') ?? '');
        if (!name) return;
        layer.bindTooltip(() => h('span', { class: 'fm-district-label-text' }, name), {
          permanent: true, direction: 'center', className: 'fm-district-label', opacity: 1, interactive: false,
        });
      },
    });
    return { key: d.key, kind: d.kind, group: geo, count: d.features.length, style, credits: [...d.credits] };
  });
}

function populationRadius(population, maxPopulation) {
  if (population <= 0 || maxPopulation <= 0) return 0;
  return POPULATION_MAX_RADIUS * Math.sqrt(population / maxPopulation); // area ∝ population
}

function buildPopulationLayer(features) {
  const group = L.layerGroup();
  const withPop = features.filter((f) => pointLatLng(f) && populationOf(f.properties) > 0);
  const max = Math.max(0, ...withPop.map((f) => populationOf(f.properties)));
  // Largest first, so small circles stay on top and can be pointed at.
  withPop.sort((a, b) => populationOf(b.properties) - populationOf(a.properties));
  for (const f of withPop) {
    const r = Math.max(1.5, populationRadius(populationOf(f.properties), max));
    notATabStop(L.circleMarker(pointLatLng(f), { ...POPULATION_STYLE, radius: r, className: 'fm-population-circle' }))
      .bindTooltip(() => populationTooltip(f), { sticky: true })
      .addTo(group);
  }
  const total = features.reduce((s, f) => s + populationOf(f.properties), 0);
  return { group, max, total, count: features.length };
}

function buildShelterLayer(features) {
  const group = L.layerGroup();
  for (const f of features) {
    const latlng = pointLatLng(f);
    if (!latlng) continue;
    const icon = L.divIcon({ className: 'fm-shelter-marker', html: symbol('shelter', SHELTER_COLOR, 15), iconSize: [15, 15], iconAnchor: [7.5, 7.5] });
    // Not in the Tab order: there can be hundreds; the hub list is the keyboard path through the map.
    L.marker(latlng, { icon, keyboard: false, pane: 'fm-shelters', title: String(prop(f.properties, 'name') ?? '') })
      .bindPopup(() => shelterPopup(f), { maxWidth: 300 })
      .addTo(group);
  }
  return group;
}

// ---------- loading a municipality ----------

async function loadMunicipality(code) {
  const token = ++state.loadToken;
  state.code = code;
  state.municipality = state.municipalities.find((m) => m.code === code) ?? { code, name: code };
  els.title.textContent = state.municipality.name;
  walking.setMunicipality(null);
  document.title = `福祉マップ｜${state.municipality.name}`;
  els.mapArea.setAttribute('aria-busy', 'true');
  setMessage('load', '読み込み中…');
  for (const o of state.overlays) map.removeLayer(o.group);
  state.overlays = [];
  map.closePopup();

  const collections = ['municipalities', 'hubs', 'districts', 'population-units', 'shelters'];
  const results = await Promise.allSettled([
    ...collections.map((c) => fetchCollection(c, code)),
    getJson(`api/datasets?municipality_code=${encodeURIComponent(code)}`),
  ]);
  if (token !== state.loadToken) return; // another municipality was chosen meanwhile
  const [boundaryR, hubsR, districtsR, populationR, sheltersR, datasetsR] = results;
  const failed = collections.filter((_, i) => results[i].status === 'rejected');
  const data = (r) => (r.status === 'fulfilled' ? r.value : { features: [], attributions: [] });
  state.datasets = datasetsR.status === 'fulfilled' && Array.isArray(datasetsR.value) ? datasetsR.value : [];

  const boundary = data(boundaryR);
  const boundaryGroup = L.geoJSON({ type: 'FeatureCollection', features: boundary.features }, { style: () => BOUNDARY_STYLE });
  addOverlay({
    id: 'boundary', layerId: 'municipalities', label: '市区町村の境界', group: boundaryGroup, count: boundary.features.length,
    credits: boundary.attributions, countText: null,
    legend: () => legendRow(lineSample(BOUNDARY_STYLE), `${state.municipality.name}の境界`),
  });

  const hubs = data(hubsR);
  assignDistinctShapes(hubs.features);
  const hubGroup = buildHubLayer(hubs.features);
  addOverlay({
    id: 'hubs', layerId: 'hubs', label: '拠点', group: hubGroup, count: state.hubMarkers.size, credits: hubs.attributions,
    countText: `${state.hubMarkers.size}か所`, legend: hubLegend,
  });

  for (const d of buildDistrictLayers(data(districtsR).features)) {
    addOverlay({
      id: `districts:${d.key}`, layerId: 'districts', label: d.kind, group: d.group, count: d.count,
      credits: [...d.credits, ...data(districtsR).attributions], countText: `${d.count}区域`,
      legend: () => legendRow(lineSample(d.style), `${d.kind}（境界線、区域名を表示）`),
    });
  }

  const pop = buildPopulationLayer(data(populationR).features);
  addOverlay({
    id: 'population', layerId: 'population-units', label: '町丁・字別人口', group: pop.group, count: pop.count,
    credits: data(populationR).attributions, countText: `${formatNumber(pop.count)}町丁・字`,
    legend: () => populationLegend(pop.max),
  });

  const shelters = data(sheltersR);
  addOverlay({
    id: 'shelters', layerId: 'shelters', label: '避難所・避難場所', group: buildShelterLayer(shelters.features), count: shelters.features.length,
    credits: shelters.attributions, countText: `${shelters.features.length}か所`, defaultOff: true,
    legend: () => legendRow(symbol('shelter', SHELTER_COLOR, 18), '指定避難所・指定緊急避難場所'),
  });

  renderLayerToggles();
  renderHubList();
  renderSummary(pop);
  renderSources();
  applyVisibility();
  fitToMunicipality(boundaryGroup);
  walking.setMunicipality(code);

  els.mapArea.setAttribute('aria-busy', 'false');
  setMessage('load', failed.length ? `一部のデータを読み込めませんでした（${failed.join('、')}）。` : null);
  document.body.dataset.municipality = code; // tests and scripts wait for this
}

function addOverlay(o) {
  if (!state.visibility.has(o.id)) state.visibility.set(o.id, !o.defaultOff);
  state.overlays.push(o);
}

function fitToMunicipality(boundaryGroup) {
  let bounds = boundaryGroup.getLayers().length ? boundaryGroup.getBounds() : null;
  const bbox = state.municipality?.bbox;
  if (!bounds?.isValid() && Array.isArray(bbox) && bbox.length === 4) {
    bounds = L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]);
  }
  if (!bounds?.isValid()) {
    bounds = L.latLngBounds([]);
    for (const o of state.overlays) {
      for (const layer of o.group.getLayers()) {
        if (layer.getBounds) bounds.extend(layer.getBounds());
        else if (layer.getLatLng) bounds.extend(layer.getLatLng());
      }
    }
  }
  if (bounds.isValid()) {
    state.cityBounds = bounds;
    map.fitBounds(bounds, fitOptions());
  }
  updateLabelVisibility();
}

/** Keeps the fitted area clear of the credits box in the bottom-right corner. */
function fitOptions() {
  const credits = document.getElementById('map-attribution');
  const bottom = credits ? Math.min(credits.offsetHeight, map.getSize().y / 3) : 0;
  return { paddingTopLeft: [12, 12], paddingBottomRight: [12, 12 + bottom], animate: false };
}

function applyVisibility() {
  for (const o of state.overlays) {
    const on = state.visibility.get(o.id) && o.count > 0;
    if (on && !map.hasLayer(o.group)) o.group.addTo(map);
    if (!on && map.hasLayer(o.group)) map.removeLayer(o.group);
  }
  renderLegend();
  updateCredits();
}

function updateLabelVisibility() {
  map.getContainer().classList.toggle('fm-labels-hidden', map.getZoom() < LABEL_MIN_ZOOM);
}

// ---------- side panel ----------

function renderLayerToggles() {
  clear(els.layerList);
  for (const o of state.overlays) {
    const id = `layer-${o.id.replace(/[^a-z0-9-]/gi, '-')}`;
    const input = h('input', { type: 'checkbox', id, checked: !!state.visibility.get(o.id) && o.count > 0, disabled: o.count === 0 });
    input.addEventListener('change', () => {
      state.visibility.set(o.id, input.checked);
      applyVisibility();
    });
    const note = o.count === 0 ? '（データなし）' : o.countText ? `（${o.countText}）` : '';
    els.layerList.append(h('li', null, input, h('label', { for: id }, o.label, h('span', { class: 'fm-count' }, note))));
  }
}

function legendRow(symbolNode, text) {
  return h('li', { class: 'fm-legend-row' }, h('span', { class: 'fm-legend-symbol' }, symbolNode), h('span', null, text));
}

function hubLegend() {
  const counts = new Map();
  for (const { type } of state.hubMarkers.values()) {
    const c = counts.get(type.key + '\u0000' + type.name);
    counts.set(type.key + '\u0000' + type.name, { type, n: (c?.n ?? 0) + 1 });
  }
  return [...counts.values()].map(({ type, n }) =>
    legendRow(symbol(type.shape, type.color, 22), `${type.name}（${shapeName(type.shape)}・${n}か所）`));
}

function shapeName(shape) {
  return { circle: '丸', square: '四角', diamond: 'ひし形', triangle: '三角', star: '星', pentagon: '五角形', hexagon: '六角形', cross: '十字' }[shape] ?? shape;
}

/** Proportional circles: the legend's circles use the map's own radius function, so sizes compare directly. */
function populationLegend(max) {
  if (!(max > 0)) return [];
  const values = [...new Set([niceNumber(max), niceNumber(max / 4), niceNumber(max / 16)])].filter((v) => v > 0);
  const radii = values.map((v) => populationRadius(v, max));
  const rMax = Math.max(...radii);
  const slot = Math.max(2 * rMax + 8, 64); // wide enough for a label like 「4,000人」
  const width = values.length * slot;
  const height = 2 * rMax + 4;
  const ns = 'http://www.w3.org/2000/svg';
  const svgEl = document.createElementNS(ns, 'svg');
  svgEl.setAttribute('width', String(Math.ceil(width)));
  svgEl.setAttribute('height', String(Math.ceil(height)));
  svgEl.setAttribute('aria-hidden', 'true');
  svgEl.setAttribute('focusable', 'false');
  values.forEach((v, i) => {
    const c = document.createElementNS(ns, 'circle');
    const cx = i * slot + slot / 2;
    c.setAttribute('cx', String(cx));
    c.setAttribute('cy', String(height - 2 - radii[i]));
    c.setAttribute('r', String(radii[i]));
    c.setAttribute('fill', POPULATION_STYLE.fillColor);
    c.setAttribute('fill-opacity', String(POPULATION_STYLE.fillOpacity));
    c.setAttribute('stroke', POPULATION_STYLE.color);
    svgEl.append(c);
  });
  const labels = h('ul', { class: 'fm-population-values' },
    values.map((v, i) => h('li', { style: `width:${slot.toFixed(1)}px` }, `${formatNumber(v)}人`, h('span', { class: 'visually-hidden' }, `（半径${radii[i].toFixed(0)}ピクセルの円）`))));
  return h('li', { class: 'fm-legend-row fm-legend-population' },
    h('span', null, '町丁・字別人口（円の面積が人口に比例）'),
    h('div', { class: 'fm-population-scale' }, svgEl, labels));
}

/** Rounds to one significant digit (3,961 → 4,000; 990 → 1,000; 247 → 200). */
function niceNumber(x) {
  if (!(x > 0)) return 0;
  const p = 10 ** Math.floor(Math.log10(x));
  return Math.round(x / p) * p;
}

function renderLegend() {
  clear(els.legend);
  const visible = state.overlays.filter((o) => map.hasLayer(o.group));
  const walkRows = walking.legendRows();
  if (!visible.length && !walkRows.length) {
    els.legend.append(h('li', null, '表示中のレイヤーはありません。'));
    return;
  }
  for (const o of visible) {
    els.legend.append(...[o.legend()].flat().filter(Boolean));
  }
  els.legend.append(...walkRows);
}

function renderHubList() {
  clear(els.hubList);
  const entries = [...state.hubMarkers.entries()];
  els.hubListNote.textContent = entries.length
    ? `${state.municipality.name}の拠点 ${entries.length}か所（名前順）。選ぶと地図で位置と詳細を表示します。`
    : `${state.municipality.name}には拠点のデータがありません。`;
  for (const [id, { marker, feature, type, name }] of entries) {
    const address = prop(feature.properties, 'address');
    const button = h('button', { type: 'button', class: 'fm-hub-button', dataset: { hubId: id } },
      symbol(type.shape, type.color, 18),
      h('span', { class: 'fm-hub-name' }, name),
      h('span', { class: 'fm-hub-meta' }, type.name, address ? `｜${address}` : ''));
    button.addEventListener('click', () => openHub(marker, button));
    els.hubList.append(h('li', null, button));
  }
}

function openHub(marker, invoker) {
  state.lastInvoker = invoker;
  const hubsOverlay = state.overlays.find((o) => o.id === 'hubs');
  if (hubsOverlay && !map.hasLayer(hubsOverlay.group)) {
    state.visibility.set('hubs', true);
    const box = document.getElementById('layer-hubs');
    if (box) box.checked = true;
    applyVisibility();
  }
  map.setView(marker.getLatLng(), Math.max(map.getZoom(), 15), { animate: false });
  marker.openPopup();
}

function renderSummary(pop) {
  clear(els.summary);
  const m = state.municipality;
  const rows = [
    ['市区町村', `${m.prefecture ?? ''}${m.name}（${m.code}）`],
    ['拠点', `${state.hubMarkers.size}か所`],
  ];
  for (const o of state.overlays.filter((x) => x.layerId === 'districts')) rows.push([o.label, `${o.count}区域`]);
  if (pop.count) rows.push(['町丁・字', `${formatNumber(pop.count)}（人口 ${formatNumber(pop.total)}人）`]);
  const shelters = state.overlays.find((o) => o.id === 'shelters');
  if (shelters?.count) rows.push(['避難所・避難場所', `${shelters.count}か所`]);
  els.summary.append(...rows.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

/** An ISO timestamp as a Tokyo date, e.g. 2026-12-05 (text only). */
function formatDate(iso) {
  const d = new Date(String(iso));
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' });
}

/** Credit lines for the layers on the map now: from /api/datasets (by layer), the collections and the features. */
function visibleCredits() {
  const visibleLayerIds = new Set(state.overlays.filter((o) => map.hasLayer(o.group)).map((o) => o.layerId));
  const lines = new Set();
  for (const d of state.datasets) {
    const layers = Array.isArray(d.layers) ? d.layers : [];
    if (d.attribution && layers.some((l) => visibleLayerIds.has(l))) lines.add(String(d.attribution));
  }
  for (const o of state.overlays) {
    if (!map.hasLayer(o.group)) continue;
    for (const line of o.credits ?? []) lines.add(String(line));
  }
  const walkingCredits = walking.credits();
  for (const line of walkingCredits) lines.add(line);
  // While walking ranges are drawn: the live walking network they come from, by name and since when it serves.
  for (const d of walkingCredits.length ? state.datasets : []) {
    if (d.network?.name) lines.add(`歩行ネットワーク「${d.network.name}」（${formatDate(d.network.activatedAt)} から使用）`);
  }
  return [...lines];
}

function updateCredits() {
  attribution.update(visibleCredits(), base.baseName());
}

function renderSources() {
  clear(els.sources);
  for (const d of state.datasets) {
    const meta = [d.publisher, d.vintage, d.licence].filter(Boolean).map(String).join('／');
    els.sources.append(h('li', null,
      h('span', { class: 'fm-source-title' }, String(d.title ?? d.key ?? '')),
      meta ? h('span', { class: 'fm-source-meta' }, `（${meta}）`) : null,
      d.attribution ? h('span', { class: 'fm-source-credit' }, String(d.attribution)) : null));
  }
  els.sources.append(
    ...walking.sources(),
    h('li', null, h('span', { class: 'fm-source-title' }, '背景地図'), ' ',
      h('a', { href: GSI_TILES_INFO, target: '_blank', rel: 'noopener' }, '地理院タイル'), '（国土地理院、淡色地図）'),
    h('li', null, h('span', { class: 'fm-source-title' }, '地図ライブラリ'), ' ',
      h('a', { href: 'https://leafletjs.com/', target: '_blank', rel: 'noopener' }, 'Leaflet'), '（BSD 2-Clause License）'));
}

// ---------- print ----------

// The sheet prints the area on screen (a planner zooms to what the handout is about), fitted to the sheet's map box;
// afterwards the screen view comes back as it was.
// A screen showing the whole city prints the city as large as the sheet allows (not the screen's wider margins around it).
function refitForPrint() {
  const view = map.getBounds();
  const city = state.cityBounds;
  if (state.screenView) return; // the print button has laid the sheet out already
  state.screenView = { center: map.getCenter(), zoom: map.getZoom() };
  map.invalidateSize({ animate: false });
  map.fitBounds(city?.isValid() && view.contains(city) ? city : view, fitOptions());
}
window.addEventListener('beforeprint', () => {
  if (els.printDate) els.printDate.textContent = `印刷日：${new Date().toLocaleDateString('ja-JP')}`;
  refitForPrint();
});
const printSheetStyle = () => document.querySelector('link[href$="css/print.css"]');

/**
 * The print button: lays the page out as the sheet (css/print.css, on screen as well) before the dialog opens, fits it, and
 * waits until the road map has drawn that view — Ctrl+P snapshots at once, and tiles of a new zoom arrive too late to print
 * (the city view would print the previous zoom's tiles scaled up, with hardly any streets).
 */
async function printSheet() {
  const button = document.getElementById('print-sheet');
  const status = document.getElementById('print-status');
  button.disabled = true;
  status.textContent = '印刷用の地図を用意しています…';
  // The print style sheet applies on screen too until the dialog closes: the map takes the sheet's size and view now.
  printSheetStyle().media = 'all';
  map.invalidateSize({ animate: false });
  base.usePrintBase();
  refitForPrint();
  await base.drawn();
  status.textContent = '';
  button.disabled = false;
  document.body.dataset.sheet = 'ready';
  window.print();
}
document.getElementById('print-sheet').addEventListener('click', () => { printSheet(); });

window.addEventListener('afterprint', () => {
  printSheetStyle().media = 'print';
  delete document.body.dataset.sheet;
  map.invalidateSize({ animate: false });
  if (state.screenView) map.setView(state.screenView.center, state.screenView.zoom, { animate: false });
  state.screenView = null;
});

// ---------- start ----------

async function start() {
  const [typesR, municipalitiesR] = await Promise.allSettled([getJson('api/hub-types'), getJson('api/municipalities')]);
  if (typesR.status === 'fulfilled' && Array.isArray(typesR.value)) {
    for (const t of typesR.value) if (t?.key) state.hubTypes.set(String(t.key), t);
  }
  state.municipalities = municipalitiesR.status === 'fulfilled' && Array.isArray(municipalitiesR.value) ? municipalitiesR.value : [];
  if (!state.municipalities.some((m) => m.code === DEFAULT_MUNICIPALITY)) {
    state.municipalities.unshift({ code: DEFAULT_MUNICIPALITY, name: '宇部市', prefecture: '山口県' });
  }

  const requested = new URLSearchParams(location.search).get('m');
  const initial = state.municipalities.some((m) => m.code === requested) ? requested : DEFAULT_MUNICIPALITY;
  clear(els.select);
  for (const m of state.municipalities) {
    const counts = m.counts ?? {};
    const hasData = [counts.hubs, counts.districts, counts.populationUnits, counts.shelters].some((n) => n > 0);
    const label = m.counts && !hasData ? `${m.name}${m.prefecture ? `（${m.prefecture}）` : ''}・データなし` : municipalityLabel(m);
    els.select.append(h('option', { value: m.code, selected: m.code === initial }, label));
  }
  els.select.addEventListener('change', () => {
    const code = els.select.value;
    const url = new URL(location.href);
    if (code === DEFAULT_MUNICIPALITY) url.searchParams.delete('m');
    else url.searchParams.set('m', code);
    history.replaceState(null, '', url);
    loadMunicipality(code);
  });
  await loadMunicipality(initial);
  document.body.dataset.ready = 'true';
}

start().catch((err) => {
  console.error(err);
  setMessage('load', '地図のデータを読み込めませんでした。ページを再読み込みしてください。');
});
