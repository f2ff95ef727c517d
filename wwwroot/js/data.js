// Reading the server: the OGC API Features collections and the map's own small JSON endpoints.
// Property names are read defensively (the first of several spellings that is present).
import { getJson } from './http.js';

const PAGE_LIMIT = 10000;
const MAX_PAGES = 50;

/** The first non-empty value among the given property names. */
export function prop(properties, ...names) {
  if (!properties) return undefined;
  for (const name of names) {
    const v = properties[name];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

/** A list property as an array of strings (accepts an array or a 「、」/comma-separated string). */
export function listProp(properties, ...names) {
  const v = prop(properties, ...names);
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined && x !== '').map(String);
  if (typeof v === 'string') return v.split(/[、,，]\s*/).filter(Boolean);
  return [];
}

/**
 * All features of one collection for a municipality, following rel="next" links when the server pages.
 * Returns { features, attributions } where attributions are credit lines the collection itself carries.
 */
export async function fetchCollection(collectionId, municipalityCode, signal) {
  let url = `collections/${encodeURIComponent(collectionId)}/items?municipality_code=${encodeURIComponent(municipalityCode)}&limit=${PAGE_LIMIT}`;
  const features = [];
  const attributions = new Set();
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const fc = await getJson(url, signal);
    for (const f of fc.features ?? []) {
      if (f && f.geometry) features.push(f);
    }
    for (const line of [fc.attribution, fc.properties?.attribution].flat()) {
      if (typeof line === 'string' && line) attributions.add(line);
    }
    const next = (fc.links ?? []).find((l) => l.rel === 'next' && l.href);
    url = next ? new URL(next.href, document.baseURI).href : null;
  }
  for (const f of features) {
    const line = prop(f.properties, 'attribution');
    if (typeof line === 'string') attributions.add(line);
  }
  return { features, attributions: [...attributions] };
}
