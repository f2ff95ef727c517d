// 歩いて行ける範囲: walking isochrones around the hubs (GET api/isochrones), drawn under the hub markers.
// Each band is drawn as a ring (its area minus the next smaller band of the same hub), so every place on the map carries
// one band's fill, hatching and outline; colour is never the only cue. Nothing from the server is parsed as HTML.
import { h, svg, clear, formatNumber } from './dom.js';
import { getJson, ProblemError } from './http.js';
import { PACES } from './constants.js';

export const BAND_MINUTES = [5, 10, 15, 20];
const DEFAULT_MINUTES = [10];
const DEBOUNCE_MS = 250;
const CACHE_SIZE = 6;
const OSM_CREDIT = '© OpenStreetMap contributors';
const OSM_COPYRIGHT = 'https://www.openstreetmap.org/copyright';

// Nearer bands are darker; each band also has its own hatching and outline dash, so print in grey still tells them apart.
const BAND_STYLES = new Map([
  [5, { fill: '#d94801', opacity: 0.42, line: '#7f2704', marks: 'dots', dashArray: null, weight: 2.5, hatch: '点' }],
  [10, { fill: '#f16913', opacity: 0.34, line: '#a63603', marks: 'diagonal', dashArray: '9 5', weight: 2, hatch: '右上がりの斜線' }],
  [15, { fill: '#fd8d3c', opacity: 0.26, line: '#8c2d04', marks: 'antidiagonal', dashArray: '2 4', weight: 2, hatch: '右下がりの斜線' }],
  [20, { fill: '#fdae6b', opacity: 0.22, line: '#6e3b00', marks: 'horizontal', dashArray: '12 4 3 4', weight: 2, hatch: '横線' }],
]);

/** The offered band whose look a number of minutes takes (a hand-made URL may ask for others). */
function styleMinutes(minutes) {
  return BAND_MINUTES.reduce((a, b) => (Math.abs(b - minutes) < Math.abs(a - minutes) ? b : a));
}

function bandStyle(minutes) {
  return BAND_STYLES.get(styleMinutes(minutes));
}

function patternId(minutes) {
  return `fm-walk-pattern-${styleMinutes(minutes)}`;
}

/** One hidden SVG holds the band patterns; the map's paths and the legend's swatches both point at them. */
function ensurePatterns() {
  if (document.getElementById('fm-walk-patterns')) return;
  const size = 8;
  const patterns = [...BAND_STYLES.entries()].map(([minutes, s]) => {
    const mark = { stroke: s.line, 'stroke-width': 1.5, 'stroke-opacity': 0.75 };
    let marks;
    let transform = null;
    switch (s.marks) {
      case 'dots':
        marks = [svg('circle', { cx: 2, cy: 2, r: 1.4, fill: s.line, 'fill-opacity': 0.8 }), svg('circle', { cx: 6, cy: 6, r: 1.4, fill: s.line, 'fill-opacity': 0.8 })];
        break;
      case 'diagonal':
        marks = svg('line', { x1: 4, y1: 0, x2: 4, y2: size, ...mark });
        transform = 'rotate(45)';
        break;
      case 'antidiagonal':
        marks = svg('line', { x1: 4, y1: 0, x2: 4, y2: size, ...mark });
        transform = 'rotate(-45)';
        break;
      default:
        marks = svg('line', { x1: 0, y1: 4, x2: size, y2: 4, ...mark });
    }
    return svg('pattern', { id: patternId(minutes), width: size, height: size, patternUnits: 'userSpaceOnUse', patternTransform: transform },
      svg('rect', { width: size, height: size, fill: s.fill, 'fill-opacity': s.opacity }), marks);
  });
  // Not display:none: Chromium and Firefox do not paint patterns kept in an undisplayed SVG.
  document.body.append(svg('svg', {
    id: 'fm-walk-patterns', width: 0, height: 0, 'aria-hidden': 'true', focusable: 'false',
    style: 'position:absolute;width:0;height:0;overflow:hidden',
  }, svg('defs', null, patterns)));
}

/** A legend swatch: the band's fill pattern and outline, as on the map. */
export function bandSwatch(minutes, width = 36, height = 18) {
  const s = bandStyle(minutes);
  return svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, 'aria-hidden': 'true', focusable: 'false', class: 'fm-walk-swatch' },
    svg('rect', {
      x: 2, y: 2, width: width - 4, height: height - 4, fill: `url(#${patternId(minutes)})`,
      stroke: s.line, 'stroke-width': s.weight, 'stroke-dasharray': s.dashArray,
    }));
}

/** Every ring of a GeoJSON Polygon or MultiPolygon as Leaflet lat/lng arrays (drawn as one path, even-odd filled). */
function ringsOf(geometry) {
  if (geometry?.type === 'Polygon') return L.GeoJSON.coordsToLatLngs(geometry.coordinates, 1);
  if (geometry?.type === 'MultiPolygon') return L.GeoJSON.coordsToLatLngs(geometry.coordinates, 2).flat(1);
  return [];
}

function paceName(pace) {
  return PACES.find((p) => p.metres === pace)?.name;
}

/** Text pieces that must not break inside (「15」 and 「分」 would otherwise part at a line end). */
function keep(text) {
  return h('span', { class: 'fm-nowrap' }, text);
}

function minutesNodes(list) {
  return list.flatMap((m, i) => [i ? '・' : '', keep(`${formatNumber(m)}分`)]);
}

/**
 * The 「歩いて行ける範囲」 panel section and its map layer.
 * options: map (Leaflet map), section (an empty element to fill), pane (map pane under the hub markers),
 * onChange (called when the legend, credits or sources should be redrawn), fit (bounds → moves the map to them).
 */
export function createWalkingRange({ map, section, pane, onChange, fit }) {
  ensurePatterns();
  const state = {
    code: null,
    on: false,
    pace: PACES[0].metres,
    minutes: [...DEFAULT_MINUTES],
    perHub: false,
    shown: null, // { minutes: number[], pace, perHub, attribution } of the bands on the map
    fitPending: false, // the first bands after turning on (or after a new municipality) may move the map to them
    timer: 0,
    controller: null,
    cache: new Map(), // url → response body
  };
  const layer = L.layerGroup();

  // ---------- the controls ----------

  const toggle = h('input', { type: 'checkbox', id: 'walk-toggle', 'aria-controls': 'walk-options', 'aria-describedby': 'walk-note' });
  const paceInputs = PACES.map((p) => h('input', {
    type: 'radio', name: 'walk-pace', id: `walk-pace-${p.key}`, value: String(p.metres), checked: p.metres === state.pace,
  }));
  const minuteInputs = BAND_MINUTES.map((m) => h('input', {
    type: 'checkbox', name: 'walk-minutes', id: `walk-minutes-${m}`, value: String(m), checked: state.minutes.includes(m),
  }));
  const perHubInput = h('input', { type: 'checkbox', id: 'walk-per-hub', 'aria-describedby': 'walk-per-hub-note' });
  const options = h('div', { id: 'walk-options', class: 'fm-walk-options', hidden: true },
    h('fieldset', null,
      h('legend', null, '歩く速さ'),
      h('ul', { class: 'toggle-list' }, PACES.map((p, i) =>
        h('li', null, paceInputs[i], h('label', { for: paceInputs[i].id }, `${p.name}（${p.metres} m/分）`))))),
    h('fieldset', null,
      h('legend', null, '時間（いくつでも選べます）'),
      h('ul', { class: 'toggle-list fm-walk-minutes' }, BAND_MINUTES.map((m, i) =>
        h('li', null, minuteInputs[i], h('label', { for: minuteInputs[i].id }, bandSwatch(m, 26, 14), `${m}分`))))),
    h('ul', { class: 'toggle-list' },
      h('li', null, perHubInput, h('label', { for: perHubInput.id }, '拠点ごとに分ける'))),
    h('p', { id: 'walk-per-hub-note', class: 'note' }, '拠点ごとの範囲をそれぞれの外周線で描きます（重なりも見えます）。'));
  const status = h('p', { id: 'walk-status', class: 'fm-walk-status', role: 'status', 'aria-live': 'polite' });
  const offList = h('ul', { id: 'walk-off-network-list', class: 'fm-walk-off-list' });
  const offHeading = h('p', { id: 'walk-off-network-heading', class: 'fm-walk-off-heading' });
  const offBox = h('div', { id: 'walk-off-network', class: 'fm-walk-off', hidden: true }, offHeading, offList);
  offList.setAttribute('aria-labelledby', offHeading.id);

  clear(section);
  section.append(
    h('h2', { id: 'walk-heading' }, '歩いて行ける範囲'),
    h('p', { id: 'walk-note', class: 'note' }, '拠点から道路に沿って歩いて何分で行けるかを、地図に重ねて表示します。'),
    h('ul', { class: 'toggle-list' }, h('li', null, toggle, h('label', { for: toggle.id }, '歩いて行ける範囲を表示する'))),
    status, options, offBox);
  section.hidden = false;

  toggle.addEventListener('change', () => {
    state.on = toggle.checked;
    options.hidden = !state.on;
    section.classList.toggle('fm-walk-on', state.on);
    if (state.on) {
      state.fitPending = true;
      schedule();
    } else {
      turnOff();
    }
  });
  for (const input of paceInputs) {
    input.addEventListener('change', () => {
      if (!input.checked) return;
      state.pace = Number(input.value);
      schedule();
    });
  }
  for (const input of minuteInputs) {
    input.addEventListener('change', () => {
      state.minutes = minuteInputs.filter((x) => x.checked).map((x) => Number(x.value));
      schedule();
    });
  }
  perHubInput.addEventListener('change', () => {
    state.perHub = perHubInput.checked;
    schedule();
  });

  // ---------- requests ----------

  function requestUrl() {
    const q = new URLSearchParams({
      municipality: state.code,
      minutes: [...state.minutes].sort((a, b) => a - b).join(','),
      pace: String(state.pace),
      grouping: state.perHub ? 'per-hub' : 'dissolved',
    });
    return `api/isochrones?${q}`;
  }

  /** Several quick changes (ticking three boxes) make one request, after the last of them. */
  function schedule() {
    if (!state.on || !state.code) return;
    clearTimeout(state.timer);
    state.controller?.abort();
    state.controller = null;
    if (state.minutes.length === 0) {
      clearBands();
      hideOffNetwork();
      setStatus('時間（分）を1つ以上選んでください。');
      return;
    }
    setStatus('計算中…');
    section.setAttribute('aria-busy', 'true');
    state.timer = setTimeout(load, DEBOUNCE_MS);
  }

  async function load() {
    const url = requestUrl();
    const request = { url, minutes: [...state.minutes].sort((a, b) => a - b), pace: state.pace, perHub: state.perHub, code: state.code };
    let body = state.cache.get(url);
    if (!body) {
      const controller = new AbortController();
      state.controller = controller; // a newer change aborts this request
      try {
        body = await getJson(url, controller.signal);
      } catch (err) {
        if (controller.signal.aborted) return; // a newer request has taken over
        state.controller = null;
        section.setAttribute('aria-busy', 'false');
        clearBands();
        hideOffNetwork();
        setStatus(failureText(err));
        return;
      }
      if (controller.signal.aborted) return;
      state.controller = null;
      state.cache.set(url, body);
      if (state.cache.size > CACHE_SIZE) state.cache.delete(state.cache.keys().next().value);
    }
    if (!state.on || request.code !== state.code) return;
    section.setAttribute('aria-busy', 'false');
    draw(body, request);
  }

  function failureText(err) {
    if (err instanceof ProblemError && err.status === 404) return 'この市区町村の歩行ネットワークはまだありません。道路網のデータを取り込むと表示できるようになります。';
    if (err instanceof ProblemError && err.status === 400 && err.detail) return `計算できませんでした：${err.detail}`;
    return '歩いて行ける範囲を計算できませんでした。しばらくしてからもう一度お試しください。';
  }

  // ---------- drawing ----------

  function draw(body, request) {
    clearBands();
    const features = Array.isArray(body?.features) ? body.features.filter((f) => f?.geometry) : [];
    const pace = features[0]?.properties?.pace ?? request.pace;
    for (const f of features) {
      const p = f.properties ?? {};
      const minutes = Number(p.minutes);
      // The next smaller band of the same hub (or of the dissolved whole) is cut out of this one.
      const inner = features
        .filter((g) => g !== f && (g.properties?.hubId ?? null) === (p.hubId ?? null) && Number(g.properties?.minutes) < minutes)
        .sort((a, b) => Number(b.properties.minutes) - Number(a.properties.minutes))[0];
      const rings = [...ringsOf(f.geometry), ...(inner ? ringsOf(inner.geometry) : [])];
      if (!rings.length) continue;
      const s = bandStyle(minutes);
      const band = L.polygon(rings, {
        pane, color: s.line, weight: s.weight, dashArray: s.dashArray, opacity: 0.9,
        // Per hub, the bands of neighbouring hubs overlap: lighter fills, so overlaps read as darker rather than as a blot.
        fillColor: `url(#${patternId(minutes)})`, fillOpacity: request.perHub ? 0.55 : 1, fillRule: 'evenodd', className: 'fm-walk-band',
      });
      band.bindTooltip(() => bandTooltip(p, inner?.properties, pace), { sticky: true });
      band.on('add', () => {
        const el = band.getElement();
        if (!el) return;
        el.dataset.minutes = String(minutes);
        el.dataset.pace = String(pace);
        el.dataset.metres = String(p.metres ?? '');
        if (p.hubId != null) el.dataset.hubId = String(p.hubId);
      });
      band.addTo(layer);
    }
    if (!map.hasLayer(layer)) layer.addTo(map);
    if (state.fitPending && features.length) {
      state.fitPending = false;
      bringIntoView();
    }
    const shownMinutes = [...new Set(features.map((f) => Number(f.properties?.minutes)))].sort((a, b) => a - b);
    const straight = body?.distance === 'straight-line';
    state.shown = features.length
      ? {
        minutes: shownMinutes, pace, perHub: request.perHub, straight, label: body.distanceLabel,
        attribution: straight ? null : typeof body.attribution === 'string' && body.attribution ? body.attribution : OSM_CREDIT,
      }
      : null;
    const off = Array.isArray(body?.offNetworkHubs) ? body.offNetworkHubs : [];
    showOffNetwork(off);
    setStatus(statusText(features.length, request, pace, off.length, straight ? body.distanceLabel : null));
    // What is drawn, for scripts and tests to wait on and to ask the API the same question.
    map.getContainer().dataset.walkQuery = request.url;
    onChange();
  }

  function statusText(count, request, pace, offCount, straightLabel) {
    const phrase = PACES.find((p) => p.metres === pace)?.phrase;
    const parts = [];
    if (count > 0 && straightLabel) {
      parts.push(`${straightLabel}：この市区町村は道路網のデータがまだないため、拠点から半径（分 × ${formatNumber(pace)} m/分）の円を `,
        ...minutesNodes(request.minutes), ` の分だけ表示しています${request.perHub ? '（拠点ごと）' : ''}。実際に歩く道はこれより長くなります。`);
    } else if (count > 0) {
      parts.push(phrase ? `${phrase}（` : '', keep(`${formatNumber(pace)} m/分`), phrase ? '）' : '', 'で ',
        ...minutesNodes(request.minutes), ` の範囲を表示しています（道路網の上で計算${request.perHub ? '、拠点ごと' : ''}）。`);
    } else if (offCount > 0) {
      parts.push('道路網の上にある拠点がないため、範囲を描けません。');
    } else {
      parts.push('この市区町村には拠点がないため、範囲はありません。');
    }
    if (offCount > 0) parts.push('道路網から離れているため計算できない拠点が ', keep(`${offCount}か所`), 'あります（下の一覧）。');
    return parts;
  }

  function bandTooltip(p, innerP, pace) {
    const minutes = Number(p.minutes);
    const metres = Number(p.metres);
    const range = innerP
      ? `徒歩 ${formatNumber(innerP.minutes)}〜${formatNumber(minutes)}分（${formatNumber(Math.round(innerP.metres))}〜${formatNumber(Math.round(metres))} m）`
      : `徒歩 ${formatNumber(minutes)}分以内（${formatNumber(Math.round(metres))} m まで）`;
    return h('span', { class: 'fm-tooltip' },
      p.hubName ? [h('strong', null, String(p.hubName)), ' '] : null,
      range, `・${paceName(pace) ?? ''} ${formatNumber(pace)} m/分`,
      p.distance === 'straight-line' ? `・${p.distanceLabel}` : null);
  }

  /**
   * From the whole-city view the bands are small: move to them. A map the user has already moved onto some of the bands
   * stays where it is.
   */
  function bringIntoView() {
    const bands = L.latLngBounds([]);
    for (const band of layer.getLayers()) bands.extend(band.getBounds());
    if (!bands.isValid()) return;
    const view = map.getBounds();
    const area = (b) => Math.abs((b.getEast() - b.getWest()) * (b.getNorth() - b.getSouth()));
    const overview = view.contains(bands) && area(bands) < 0.3 * area(view);
    if (overview || !view.intersects(bands)) fit(bands);
  }

  function showOffNetwork(off) {
    clear(offList);
    offBox.hidden = off.length === 0;
    if (!off.length) return;
    clear(offHeading);
    offHeading.append('道路網から離れているため計算できない拠点', keep(`（${off.length}か所）：`));
    for (const hub of off) {
      offList.append(h('li', { dataset: { hubId: hub.id } },
        h('span', { class: 'fm-walk-off-name' }, String(hub.name ?? '')),
        h('span', { class: 'fm-nowrap fm-walk-off-metres' }, hub.snapMetres === null ? '（近くに道路データなし）' : `（道路から ${formatNumber(Math.round(Number(hub.snapMetres)))} m）`)));
    }
  }

  function hideOffNetwork() {
    clear(offList);
    offBox.hidden = true;
  }

  function clearBands() {
    layer.clearLayers();
    const had = state.shown !== null;
    state.shown = null;
    delete map.getContainer().dataset.walkQuery;
    if (had) onChange();
  }

  function turnOff() {
    clearTimeout(state.timer);
    state.controller?.abort();
    state.controller = null;
    section.setAttribute('aria-busy', 'false');
    clearBands();
    map.removeLayer(layer);
    hideOffNetwork();
    setStatus('');
  }

  /** content: a string or an array of strings and nodes. */
  function setStatus(content) {
    clear(status);
    status.append(h('span', null, content));
    status.hidden = !status.textContent;
  }
  setStatus('');

  // ---------- what the page asks of this section ----------

  return {
    /**
     * The municipality on the map: null while another one loads (its bands go at once), then its code once its layers are
     * drawn and fitted, so that the new bands can bring themselves into view after that.
     */
    setMunicipality(code) {
      if (code === state.code) return;
      state.code = code;
      clearTimeout(state.timer);
      state.controller?.abort();
      state.controller = null;
      section.setAttribute('aria-busy', 'false');
      clearBands();
      hideOffNetwork();
      if (!state.on) return;
      setStatus('');
      state.fitPending = true;
      schedule();
    },
    /** Legend rows of the bands on the map, nearest first. */
    legendRows() {
      const shown = state.shown;
      if (!shown) return [];
      return shown.minutes.map((m) => h('li', { class: 'fm-legend-row fm-walk-legend-row' },
        h('span', { class: 'fm-legend-symbol' }, bandSwatch(m)),
        h('span', null, `徒歩${formatNumber(m)}分（${formatNumber(shown.pace)} m/分${shown.straight ? `、${shown.label}` : ''}）`,
          h('span', { class: 'visually-hidden' }, `、${bandStyle(m).hatch}の模様`))));
    },
    /** Credit lines while bands are on the map. */
    credits() {
      return state.shown?.attribution ? [state.shown.attribution] : [];
    },
    /** Entries for the full source list while bands are on the map. */
    sources() {
      if (!state.shown?.attribution) return [];
      return [h('li', null,
        h('span', { class: 'fm-source-title' }, '道路網（歩いて行ける範囲）'), ' ',
        h('a', { href: OSM_COPYRIGHT, target: '_blank', rel: 'noopener' }, state.shown.attribution),
        h('span', { class: 'fm-source-meta' }, '（Open Database License 1.0）'))];
    },
  };
}
