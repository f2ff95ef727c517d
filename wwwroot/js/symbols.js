// Map symbols as inline SVG. Shape differs between hub types, so colour is never the only cue.
import { svg } from './dom.js';

export const SHAPES = ['circle', 'square', 'diamond', 'triangle', 'star', 'pentagon', 'hexagon', 'cross'];
const FALLBACK_COLOR = '#666666';

/** Only #rrggbb colours reach an attribute; anything else falls back to grey. */
export function safeColor(color) {
  return typeof color === 'string' && /^#[0-9a-fA-F]{6}$/.test(color) ? color : FALLBACK_COLOR;
}

export function safeShape(shape) {
  return SHAPES.includes(shape) ? shape : 'circle';
}

function regularPolygon(n, r, rotation = -Math.PI / 2) {
  const pts = [];
  for (let i = 0; i < n; i++) {
    const a = rotation + (i * 2 * Math.PI) / n;
    pts.push(`${(12 + r * Math.cos(a)).toFixed(2)},${(12 + r * Math.sin(a)).toFixed(2)}`);
  }
  return pts.join(' ');
}

function starPoints() {
  const pts = [];
  for (let i = 0; i < 10; i++) {
    const r = i % 2 === 0 ? 11 : 4.6;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    pts.push(`${(12 + r * Math.cos(a)).toFixed(2)},${(12 + r * Math.sin(a)).toFixed(2)}`);
  }
  return pts.join(' ');
}

function shapeElement(shape, attrs) {
  switch (shape) {
    case 'square': return svg('rect', { x: 4, y: 4, width: 16, height: 16, ...attrs });
    case 'diamond': return svg('polygon', { points: '12,1.5 22.5,12 12,22.5 1.5,12', ...attrs });
    case 'triangle': return svg('polygon', { points: '12,2 22.5,21 1.5,21', ...attrs });
    case 'star': return svg('polygon', { points: starPoints(), ...attrs });
    case 'pentagon': return svg('polygon', { points: regularPolygon(5, 10.5), ...attrs });
    case 'hexagon': return svg('polygon', { points: regularPolygon(6, 10, 0), ...attrs });
    case 'cross': return svg('polygon', { points: '8,2 16,2 16,8 22,8 22,16 16,16 16,22 8,22 8,16 2,16 2,8 8,8', ...attrs });
    case 'shelter': return svg('polygon', { points: '12,2.5 21.5,10 21.5,21.5 2.5,21.5 2.5,10', ...attrs });
    default: return svg('circle', { cx: 12, cy: 12, r: 9.5, ...attrs });
  }
}

/**
 * An SVG symbol: the shape drawn twice, first as a white halo, then filled with a dark outline,
 * so it stands out on the background map and on a plain background alike.
 */
export function symbol(shape, color, size = 22) {
  const s = shape === 'shelter' ? 'shelter' : safeShape(shape);
  const el = svg('svg', {
    width: size, height: size, viewBox: '-1 -1 26 26',
    'aria-hidden': 'true', focusable: 'false', class: `fm-symbol fm-symbol-${s}`,
  },
  shapeElement(s, { fill: 'none', stroke: '#ffffff', 'stroke-width': 4, 'stroke-linejoin': 'round' }),
  shapeElement(s, { fill: safeColor(color), stroke: '#1a1a1a', 'stroke-width': 1.6, 'stroke-linejoin': 'round' }));
  if (s === 'shelter') {
    // A white door marks the shelter symbol apart from every hub shape.
    el.append(svg('rect', { x: 9.5, y: 13.5, width: 5, height: 8, fill: '#ffffff' }));
  }
  return el;
}

/** A short line sample for the legend (outline style of a polygon layer). */
export function lineSample(style, width = 36, height = 16) {
  return svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, 'aria-hidden': 'true', focusable: 'false', class: 'fm-line-sample' },
    svg('rect', {
      x: 2, y: 2, width: width - 4, height: height - 4,
      fill: style.fillColor ?? 'none', 'fill-opacity': style.fillOpacity ?? 0,
      stroke: style.color, 'stroke-width': style.weight, 'stroke-dasharray': style.dashArray ?? null,
    }));
}
