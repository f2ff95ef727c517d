// The constants every page shares: walking paces and tile sources (with their credits). Nothing city-specific lives
// here but the municipality a page opens with when it is given none; maps fit to the municipality's boundary from the API.

/** Walking paces (m/分): the finder, the coverage and siting forms and the main map's walking range all offer these. */
export const PACES = [
  { key: 'normal', metres: 80, name: 'ふつう', easyName: 'ふつう', phrase: 'ふつうの速さ', words: ['ふつう', '普通'] },
  { key: 'slow', metres: 60, name: 'ゆっくり', easyName: 'ゆっくり', phrase: 'ゆっくりした速さ', words: ['ゆっくり'], who: '高齢の方' },
  { key: 'resting', metres: 48, name: '休み休み', easyName: 'やすみ ながら', phrase: '休み休み歩く速さ', words: ['休み休み', 'やすみやすみ'] },
];
export const DEFAULT_PACE = PACES[0];

/** The pace of a number of metres per minute (the default pace when none matches). */
export function paceByMetres(metres) {
  return PACES.find((p) => p.metres === Number(metres)) ?? DEFAULT_PACE;
}

/** 「ゆっくり（毎分 60 m）」 for a pace or a number of metres per minute. */
export function paceLabel(pace) {
  const p = typeof pace === 'object' ? pace : PACES.find((x) => x.metres === Number(pace));
  return p ? `${p.name}（毎分 ${p.metres} m）` : `毎分 ${pace} m`;
}

/** The municipality a page opens with when the address names none (宇部市; its place comes from the API). */
export const DEFAULT_MUNICIPALITY = '35202';

/** Tile sources and their credits, in one place. */
export const TILE_SOURCES = {
  gsi: {
    url: 'https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png',
    info: 'https://maps.gsi.go.jp/development/ichiran.html',
    label: '地理院タイル（淡色）',
    credit: '地理院タイル（国土地理院）',
  },
  base: {
    // Absolute from the site root so every page (/, /coverage/, /welfare/ …) reads the same tiles.
    url: new URL('/tiles/base/{z}/{x}/{y}.pbf', document.baseURI).href.replace(/%7B/g, '{').replace(/%7D/g, '}'),
    label: '道路地図（FukushiMap）',
    credit: '© OpenStreetMap contributors ｜ 政府統計の総合窓口(e-Stat) ｜ 国土数値情報（国土交通省）',
    osm: 'https://www.openstreetmap.org/copyright',
  },
};
