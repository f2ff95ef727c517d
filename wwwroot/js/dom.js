// DOM building without HTML strings, shared by every page: every piece of data becomes a text node or an attribute value,
// never markup (no innerHTML or other HTML parsing, no HTML template strings). Leaflet's bindTooltip/bindPopup take
// the element h() returns, never a string (Leaflet would parse a string as HTML). The pages run under a Content-Security-Policy
// with script-src 'self' and style-src 'self' (Infrastructure/SecurityHeaders.cs), so styles go through the CSSOM.

/**
 * Creates an element. attrs: class, dataset {…}, style (CSS text, applied through the CSSOM), on<event> handlers,
 * href/src (only http(s), mailto:, tel:, blob: or same-site addresses; anything else, such as javascript:, is dropped),
 * other attributes as strings.
 * Children: nodes, strings (as text), arrays, null/false (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Same as h() for SVG elements. */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') {
      for (const [k, v] of Object.entries(value)) el.dataset[k] = String(v);
    } else if (key === 'style') {
      el.style.cssText = String(value); // a style="" attribute would be refused by the CSP; the CSSOM is not
    } else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if ((key === 'href' || key === 'src') && !isSafeUrl(value)) {
      continue;
    } else {
      el.setAttribute(key === 'className' ? 'class' : key, value === true ? '' : String(value));
    }
  }
}

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:', 'blob:']);

/** A link target a click cannot turn into script (javascript:, data: and the like are refused). */
function isSafeUrl(value) {
  try {
    return SAFE_PROTOCOLS.has(new URL(String(value), document.baseURI).protocol);
  } catch {
    return false;
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Removes every child. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Number in Japanese digit grouping: 169429 → "169,429". */
export function formatNumber(n) {
  return Number(n).toLocaleString('ja-JP');
}

/**
 * Keeps a Leaflet shape (path, circle marker) out of the Tab order: Chromium makes an SVG shape a Tab stop once Leaflet's
 * tooltip listens for its focus, and hundreds of shapes would stand between the skip link and the controls. The pages' lists
 * are the keyboard path to the same data.
 */
export function notATabStop(layer) {
  layer.on('add', () => layer.getElement?.()?.setAttribute('tabindex', '-1'));
  return layer;
}
