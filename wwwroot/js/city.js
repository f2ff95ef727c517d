// The one municipality choice of every page: which city a page shows is in its URL (?municipality=…, ?m=… on the map),
// the choices come from /api/municipalities, and choosing one writes it back to the URL so links and reloads keep it.
// Names reach the page as text (option elements built by h()).
import { getJson } from './http.js';
import { h, clear } from './dom.js';
import { DEFAULT_MUNICIPALITY } from './constants.js';

const MUNICIPALITIES_URL = new URL('../api/municipalities', import.meta.url).href;

/** The municipality code the URL asks for (`municipality`, else the map's `m`), else the default. */
export function municipalityFromUrl(search = location.search) {
  const q = new URLSearchParams(search);
  const code = q.get('municipality') || q.get('m') || '';
  return /^\d{5}$/.test(code) ? code : DEFAULT_MUNICIPALITY;
}

/** The loaded municipalities (code, name, prefecture, counts), in the server's order. */
export function loadMunicipalities() {
  return getJson(MUNICIPALITIES_URL);
}

/** The option text of a municipality: its name, prefecture, and whether it has no walking network yet. */
export function municipalityLabel(m) {
  const noNetwork = m.walkingNetwork === false ? '・道路データなし' : '';
  return `${m.name}${m.prefecture ? `（${m.prefecture}）` : ''}${noNetwork}`;
}

/**
 * Fills `select` with the municipalities passing `filter`, selects `current` (or the first), and on change writes the
 * code into the URL parameter `param` and calls `onChange(code, municipality)`. Resolves with the list shown.
 */
export async function citySelect(select, { current = municipalityFromUrl(), filter = () => true, param = 'municipality', onChange = null } = {}) {
  const list = (await loadMunicipalities()).filter(filter);
  clear(select);
  for (const m of list) select.append(h('option', { value: m.code, selected: m.code === current }, municipalityLabel(m)));
  if (!list.some((m) => m.code === current) && list.length) select.value = list[0].code;
  select.addEventListener('change', () => {
    rememberMunicipality(select.value, param);
    onChange?.(select.value, list.find((m) => m.code === select.value));
  });
  return list;
}

/** Writes the chosen municipality into the URL (replacing the history entry). */
export function rememberMunicipality(code, param = 'municipality') {
  const url = new URL(location.href);
  url.searchParams.set(param, code);
  history.replaceState(null, '', url);
}
