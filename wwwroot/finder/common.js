// Shared by the finder page and the hub detail page: the page's own texts (standard and やさしい日本語), paces, opening
// hours, and calls to the server that turn problem details into sentences. Nothing here builds HTML from strings.
import { h } from '../js/dom.js';
import { TILE_SOURCES, PACES, paceByMetres } from '../js/constants.js';
import * as http from '../js/http.js';
import { ProblemError } from '../js/http.js';

export { ProblemError, PACES, paceByMetres };


export const FUNCTIONS = ['相談', '居場所', '子ども食堂', '学習支援', '介護予防'];
export const TARGETS = ['子ども', '子育て', '高齢者', '誰でも'];
const DAY_NAMES = ['', '月', '火', '水', '木', '金', '土', '日'];

// Texts of the page itself: [standard, やさしい日本語]. Data (names, addresses) is never translated.
const TEXTS = {
  title: ['歩いて行ける 通いの場さがし', 'あるいて いける ばしょを さがす'],
  lead: ['相談や交流ができる近くの場所を、あなたの歩く速さで探します。', 'そうだん（はなしを きいて もらう）や、ひとと あえる ばしょを さがします。'],
  easyOn: ['ふつうの日本語にする', 'ふつうの にほんごに する'],
  easyOff: ['やさしい日本語にする', 'やさしい にほんごに する'],
  mapLink: ['福祉マップ（計画担当の方へ）', 'ふくしマップ（しやくしょの ひとの ための ちず）'],
  skip: ['結果へ移動', 'けっかへ いく'],
  whereHeading: ['1. いまいる場所', '1. いま いる ところ'],
  qLabel: ['住所（町の名前と丁目）', 'じゅうしょ（まちの なまえと ちょうめ）'],
  qHint: ['{eg}「、ゆっくり」と続けると歩く速さも選べます。', '{eg}「、ゆっくり」と かくと、あるく はやさも えらべます。'],
  search: ['探す', 'さがす'],
  locate: ['現在地を使う', 'いま いる ところを つかう'],
  tapHint: ['地図をタップ（クリック）して場所を選ぶこともできます。', 'ちずを さわって（クリックして）ばしょを えらぶ ことも できます。'],
  paceLegend: ['2. 歩く速さ', '2. あるく はやさ'],
  ...Object.fromEntries(PACES.map((p) => [`pace_${p.key}`, [`${p.name}（1分に${p.metres}m）`, `${p.easyName}（1ぷんに ${p.metres}メートル）`]])),
  filtersSummary: ['しぼりこむ（できること・対象・時間）', 'えらぶ（できる こと・だれ・じかん）'],
  functionsLegend: ['できること', 'できる こと'],
  targetsLegend: ['対象', 'だれが いける'],
  timeLegend: ['時間', 'じかん'],
  openNowLabel: ['今開いている場所だけ', 'いま あいている ばしょ だけ'],
  resultsHeading: ['3. 近い順の場所', '3. ちかい じゅんの ばしょ'],
  mapHeading: ['地図', 'ちず'],
  mapHelp: ['地図の番号の印は Tab キーで選び、Enter キーで説明を開き、Esc キーで閉じます。地図を選んで矢印キーで動かし Enter キーを押すと、地図の中心から探します。地図がなくても、一覧ですべて分かります。',
    'ちずの ばんごうは Tab キーで えらび、Enter キーで ひらき、Esc キーで とじます。ちずが なくても、いちらんで ぜんぶ わかります。'],
  sourcesHeading: ['データの出典', 'データの でどころ'],
  fn_相談: ['相談', 'そうだん'],
  fn_居場所: ['居場所', 'いばしょ（すごせる ところ）'],
  fn_交流: ['交流', 'ひとと あう'],
  fn_ボランティア: ['ボランティア', 'ボランティア'],
  fn_子ども食堂: ['子ども食堂', 'こども しょくどう'],
  fn_学習支援: ['学習支援', 'べんきょうの てつだい'],
  fn_介護予防: ['介護予防', 'げんきに くらす ための たいそう など'],
  tg_子ども: ['子ども', 'こども'],
  tg_子育て: ['子育て中の人', 'こそだて ちゅうの ひと'],
  tg_高齢者: ['高齢者', 'おとしより'],
  tg_誰でも: ['誰でも', 'だれでも'],
  tg_障害のある人: ['障害のある人', 'しょうがいの ある ひと'],
  walk: ['歩いて 約{min}分', 'あるいて やく {min}ぷん'],
  walkDetail: ['{metres}（{pace}で）', '{metres}（{pace}で）'],
  cityLabel: ['市区町村', 'すんで いる まち（しちょうそん）'],
  straightWalk: ['まっすぐ {metres}・歩いて 約{min}分より先', 'まっすぐ {metres}・あるいて やく {min}ぷん より おおく'],
  straightNote: ['直線距離（道路データなし）：この辺りの道のデータがまだないため、まっすぐの距離で近い順に並べています。実際に歩く道はもっと長くなります。道順は出せません。',
    'ちょくせん きょり（みちの データが ありません）：まっすぐの きょりで ちかい じゅんに ならべて います。ほんとうに あるく みちは もっと ながく なります。みちじゅんは だせません。'],
  offers: ['できること', 'できる こと'],
  forWhom: ['対象', 'だれが いける'],
  days: ['開いている日', 'あいている ひ'],
  now: ['いま', 'いま'],
  address: ['住所', 'じゅうしょ'],
  openNow: ['いま開いています', 'いま あいて います'],
  closedNow: ['いまは閉まっています', 'いまは しまって います'],
  noHours: ['開館時間の情報がありません', 'あいている じかんの じょうほうが ありません'],
  unknownNow: ['分かりません（開館時間の情報がありません）', 'わかりません'],
  showRoute: ['地図で道順を見る', 'ちずで みちを みる'],
  routeShown: ['地図に道順を表示中', 'ちずに みちを だして います'],
  details: ['くわしく・印刷用カード', 'くわしく みる・いんさつ'],
  searching: ['探しています…', 'さがして います…'],
  geocoding: ['住所を調べています…', 'じゅうしょを しらべて います…'],
  locating: ['現在地を調べています…', 'いま いる ところを しらべて います…'],
  found: ['{place}から近い順に {n}か所（{pace}）。', '{place}から ちかい じゅんに {n}か しょ（{pace}）。'],
  none: ['{place}から歩いて行ける場所は見つかりませんでした。', '{place}から あるいて いける ばしょは ありませんでした。'],
  noneFiltered: ['{place}から歩いて行ける、条件に合う場所は見つかりませんでした。しぼりこみを外してみてください。',
    '{place}から いける、えらんだ じょうけんの ばしょは ありませんでした。えらんだ ものを はずして ください。'],
  noneOpenNow: ['（開館時間の情報がない場所は「今開いている」に入りません。）', '（あいている じかんが わからない ばしょは はいりません。）'],
  choose: ['どの場所ですか。選んでください。', 'どこ ですか。えらんで ください。'],
  didYouMean: ['もしかして：', 'もしかして：'],
  startHere: ['いまいる場所', 'いま いる ところ'],
  tappedPlace: ['地図で選んだ場所', 'ちずで えらんだ ところ'],
  mapCentre: ['地図の中心', 'ちずの まんなか'],
  myLocation: ['現在地', 'いま いる ところ'],
  locateFailed: ['現在地が分かりませんでした。住所を入れるか、地図をタップしてください。', 'いま いる ところが わかりませんでした。じゅうしょを いれるか、ちずを さわって ください。'],
  locateUnsupported: ['この端末では現在地を使えません。住所を入れてください。', 'この きかいでは つかえません。じゅうしょを いれて ください。'],
  emptyQuery: ['住所を入れてください{egShort}。', 'じゅうしょを いれて ください{egShort}。'],
  serverError: ['サーバーにつながりませんでした。時間をおいてもう一度お試しください。', 'つながりませんでした。すこし まって から もう いちど して ください。'],
  markerLabel: ['{rank}番 {name}、歩いて約{min}分', '{rank}ばん {name}、あるいて やく {min}ぷん'],
  startMarker: ['出発する場所：{place}', 'でる ところ：{place}'],
  close: ['閉じる', 'とじる'],
  // detail page
  backToList: ['一覧にもどる', 'いちらんに もどる'],
  print: ['印刷する', 'いんさつ する'],
  cardFrom: ['{place}から', '{place}から'],
  hours: ['開いている日と時間', 'あいている ひと じかん'],
  contact: ['連絡先', 'れんらくさき'],
  phone: ['電話', 'でんわ'],
  email: ['メール', 'メール'],
  website: ['ホームページ', 'ホームページ'],
  noContact: ['連絡先の情報がありません。', 'れんらくさきの じょうほうが ありません。'],
  accessibility: ['バリアフリー', 'バリアフリー'],
  operator: ['運営', 'うんえい'],
  note: ['お知らせ', 'おしらせ'],
  hubNotFound: ['この場所は見つかりませんでした。', 'この ばしょは みつかりませんでした。'],
  routeFromStart: ['出発する場所からの道順', 'でる ところ からの みち'],
  noStart: ['出発する場所が分からないため、道順は表示していません。一覧から開くと道順も入ります。',
    'でる ところが わからないので、みちは でて いません。'],
  printedOn: ['印刷日：{date}', 'いんさつ した ひ：{date}'],
  typeLabel: ['種類', 'しゅるい'],
  // walking directions (steps.js)
  stepsHeading: ['歩く道順', 'あるく みち'],
  stepDepart: ['出発：{heading}の方へ、', 'でる ところから {heading}の ほうへ いきます。'],
  stepAlong: ['{name}を約 {m} m 歩きます', '{name}を やく {m} メートル あるきます'],
  stepOnward: ['道なりに約 {m} m 歩きます', 'みちに そって やく {m} メートル あるきます'],
  stepMinutes: ['（約 {min} 分）', '（やく {min} ぷん）'],
  stepStairs: ['階段があります。', 'かいだんが あります。'],
  stepArrive: ['{name}に着きます。', '{name}に つきます。'],
  turn_straight: ['まっすぐ進み、', 'まっすぐ いきます。'],
  'turn_slight-right': ['少し右へ曲がり、', 'すこし みぎに まがります。'],
  turn_right: ['右へ曲がり、', 'みぎに まがります。'],
  'turn_sharp-right': ['大きく右へ曲がり、', 'おおきく みぎに まがります。'],
  'turn_slight-left': ['少し左へ曲がり、', 'すこし ひだりに まがります。'],
  turn_left: ['左へ曲がり、', 'ひだりに まがります。'],
  'turn_sharp-left': ['大きく左へ曲がり、', 'おおきく ひだりに まがります。'],
  'turn_u-turn': ['引き返し、', 'うしろに もどります。'],
  heading_北: ['北', 'きた'],
  heading_北東: ['北東', 'きたと ひがしの あいだ'],
  heading_東: ['東', 'ひがし'],
  heading_南東: ['南東', 'みなみと ひがしの あいだ'],
  heading_南: ['南', 'みなみ'],
  heading_南西: ['南西', 'みなみと にしの あいだ'],
  heading_西: ['西', 'にし'],
  heading_北西: ['北西', 'きたと にしの あいだ'],
  backToSteps: ['道順の説明にもどる', 'みちの せつめいに もどる'],
  resultsCleared: ['前の結果は消しました。', 'まえの けっかは けしました。'],
  // the server's problems in やさしい日本語, by problem type (ふつう mode shows the server's own sentence)
  'problem_no-address-match': ['', 'その じゅうしょは みつかりませんでした。まちの なまえを かんじで いれて ください{egShort}。'],
  'problem_no-address-match-suggest': ['', 'その じゅうしょは みつかりませんでした。したの なまえから えらんで ください。'],
  'problem_outside-service-area': ['', 'その ばしょは、さがせる ちいきの そとです。ちずで ばしょを えらんで ください。'],
  'problem_off-network': ['', 'その ばしょは、あるける みちから とおすぎます。みちの ちかくを えらんで ください。'],
  'problem_missing-query': ['', 'じゅうしょを いれて ください{egShort}。'],
  'problem_query-too-long': ['', 'じゅうしょが ながすぎます。みじかく して ください。'],
  'problem_no-network': ['', 'この まちの みちの じょうほうが まだ ありません。'],
  'problem_hub-not-found': ['', 'この ばしょは みつかりませんでした。'],
  problem_other: ['', 'うまく いきませんでした。もう いちど して ください。'],
};

let easy = false;
try { easy = localStorage.getItem('fm-easy') === '1'; } catch { /* private mode */ }

export function isEasy() { return easy; }

export function setEasy(value) {
  easy = value;
  try { localStorage.setItem('fm-easy', value ? '1' : '0'); } catch { /* private mode */ }
  applyTexts(document);
}

// The address example of the chosen city ({ typed: '則貞2丁目', written: '則貞二丁目' }, from /api/geocode/example): a real
// place of that city's address table, never one written here. Until it is known the texts go without an example.
let example = null;

/** Sets the chosen city's address example (null: none) and redraws the page's texts. */
export function setExample(value) {
  example = value;
  applyTexts(document);
}

/** {eg}: 「例：則貞2丁目、則貞二丁目。」 (やさしい日本語: one way of writing); {egShort}: 「（例：則貞2丁目）」. */
function exampleParams() {
  if (!example) return { eg: '', egShort: '' };
  const both = example.written && example.written !== example.typed ? `${example.typed}、${example.written}` : example.typed;
  return easy
    ? { eg: `れい：${example.typed}。`, egShort: `（れい：${example.typed}）` }
    : { eg: `例：${both}。`, egShort: `（例：${example.typed}）` };
}

/** A text of the page in the current mode, with {name} placeholders filled (values become text, never markup). */
export function t(key, params) {
  const pair = TEXTS[key];
  let text = pair ? pair[easy ? 1 : 0] : key;
  for (const [k, v] of Object.entries({ ...exampleParams(), ...params })) text = text.split(`{${k}}`).join(String(v));
  return text;
}

/** A function or target word shown in the current mode (unknown words as they are). */
export function word(prefix, value) {
  return TEXTS[`${prefix}_${value}`] ? t(`${prefix}_${value}`) : value;
}

/** Sets the text of every [data-t] element (and [data-t-label] aria-labels) under root. */
export function applyTexts(root) {
  for (const el of root.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  for (const el of root.querySelectorAll('[data-t-label]')) el.setAttribute('aria-label', t(el.dataset.tLabel));
  document.documentElement.dataset.easy = easy ? '1' : '0';
  const toggle = document.getElementById('easy-toggle');
  if (toggle) {
    toggle.setAttribute('aria-pressed', easy ? 'true' : 'false');
    toggle.textContent = easy ? t('easyOn') : t('easyOff');
  }
}

export function paceName(pace) {
  return easy ? pace.easyName : pace.name;
}

/**
 * Reads a pace word typed with the address: 「則貞2丁目、ゆっくり」 → { address: '則貞2丁目', pace: slow }.
 * The pace word may stand anywhere, separated by 、 , or a space, or just follow the address.
 */
export function splitPace(text) {
  let address = text;
  let pace = null;
  for (const p of PACES) {
    for (const w of p.words) {
      if (address.includes(w)) {
        pace = p;
        address = address.split(w).join(' ');
      }
    }
  }
  address = address.replace(/[、，,。．\s　]+/g, ' ').trim();
  return { address, pace };
}

/** 930 → "930 m", 2471 → "2.5 km". */
export function formatMetres(m) {
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
}

/** Minutes shown to a resident: rounded up, at least 1. */
export function walkMinutes(minutes) {
  return Math.max(1, Math.ceil(minutes - 1e-9));
}

/** Opening periods as lines: 「月・水・金 9:00〜17:00」. Empty when unknown. */
export function openingLines(periods) {
  return (periods ?? []).map((p) => {
    const days = (p.days ?? []).filter((d) => d >= 1 && d <= 7).map((d) => DAY_NAMES[d]).join('・');
    return `${days} ${trimTime(p.opens)}〜${trimTime(p.closes)}`;
  });
}

function trimTime(s) {
  return typeof s === 'string' ? s.replace(/^0(\d):/, '$1:') : '';
}

/** 「いま」 as text plus a symbol, so colour is never the only cue. */
export function openNowBadge(openNow, hasHours) {
  if (!hasHours) return h('span', { class: 'badge badge-unknown' }, h('span', { 'aria-hidden': 'true' }, '？ '), t('noHours'));
  return openNow
    ? h('span', { class: 'badge badge-open' }, h('span', { 'aria-hidden': 'true' }, '● '), t('openNow'))
    : h('span', { class: 'badge badge-closed' }, h('span', { 'aria-hidden': 'true' }, '○ '), t('closedNow'));
}

/**
 * What to tell the resident about a failed request: the server's own sentence, or in やさしい日本語 mode the page's easy sentence
 * for the problem's type (the server speaks ordinary Japanese only).
 */
export function problemText(error) {
  if (!easy || error.type === 'network') return error.message;
  const suggest = error.type === 'no-address-match' && Array.isArray(error.problem?.suggestions) && error.problem.suggestions.length;
  const key = `problem_${error.type}${suggest ? '-suggest' : ''}`;
  return TEXTS[key] ? t(key) : t('problem_other');
}

/** GET JSON (../js/http.js); when the server sent no sentence of its own, the page's own one, in the page's mode. */
export async function getJson(url, signal) {
  try {
    return await http.getJson(url, signal);
  } catch (e) {
    if (e instanceof ProblemError && !e.detail) e.message = t('serverError');
    throw e;
  }
}

/**
 * Credit lines for what the finder shows (built as text nodes). `route`: a walking distance over the OpenStreetMap roads is
 * shown (a straight-line answer, where there is no road data, uses none).
 */
export function creditItems(hubCredits, { route = true } = {}) {
  const items = [
    ...(route ? [h('li', {}, '道のり：', h('a', { href: 'https://www.openstreetmap.org/copyright', target: '_blank', rel: 'noopener' }, '© OpenStreetMap contributors'), '（ODbL）')] : []),
    h('li', {}, '住所の位置：', h('a', { href: 'https://github.com/geolonia/japanese-addresses', target: '_blank', rel: 'noopener' }, 'Geolonia 住所データ'), '（CC BY 4.0）、出典：政府統計の総合窓口(e-Stat)（平成27年国勢調査 小地域境界データ）を加工して作成'),
    h('li', {}, '背景地図：', TILE_SOURCES.base.label, '（', TILE_SOURCES.base.credit, '）または ', h('a', { href: TILE_SOURCES.gsi.info, target: '_blank', rel: 'noopener' }, '地理院タイル'), '、', h('a', { href: 'https://leafletjs.com/', target: '_blank', rel: 'noopener' }, 'Leaflet')),
  ];
  // A dataset's credit often starts with 出典 itself (「出典：国土地理院 …」): then 「場所の出典：…」, not 「場所：出典：…」.
  for (const line of hubCredits ?? []) items.push(h('li', {}, line.startsWith('出典') ? `場所の${line}` : `場所：${line}`));
  return items;
}

/** Credit lines of the hubs' datasets for a municipality (from /api/datasets). */
export async function hubCredits(municipality) {
  try {
    const list = await getJson(`../api/datasets?municipality_code=${encodeURIComponent(municipality)}`);
    return [...new Set(list.filter((d) => (d.layers ?? []).includes('hubs')).map((d) => d.attribution).filter(Boolean))];
  } catch {
    return [];
  }
}
