// 計画の目安: the municipality's planning rules checked against its hubs and people now (GET /api/coverage/rules), and, for
// a signed-in 計画担当, a form to add the city's own rule without code (POST/DELETE /api/coverage/rules). Text only (h()).
import { h, clear, formatNumber } from '../js/dom.js';
import { getJson, requestJson } from '../js/http.js';

/** How each rule status reads (the screen and the printed report). */
export const RULE_STATUS = {
  met: { text: '満たしています', cls: 'cv-rule-met' },
  'not-met': { text: '満たしていません', cls: 'cv-rule-not-met' },
  'count-only': { text: '数は足りています（場所は未確認）', cls: 'cv-rule-count' },
  unknown: { text: 'まだ確かめられません', cls: 'cv-rule-unknown' },
};

/** How many short districts a rule lists on screen; the API has all of them. */
const SHOWN_SHORTFALLS = 10;

/**
 * Fills `list` with the rules of `municipality` and (for planners) wires the form. Returns a function that reloads them.
 * `els`: { list, formWrap, form, status }.
 */
export function planningRules(els) {
  let session = null;
  let municipality = null;

  async function load(code) {
    municipality = code;
    clear(els.list).append(h('li', { class: 'cv-note' }, '確かめています…'));
    try {
      const [rules, s] = await Promise.all([
        getJson(`../api/coverage/rules?municipality=${encodeURIComponent(code)}`),
        session ? Promise.resolve(session) : getJson('../api/auth/session').catch(() => null),
      ]);
      session = s;
      show(rules);
    } catch (e) {
      clear(els.list).append(h('li', {}, `目安を確かめられませんでした：${e.message}`));
    }
    els.formWrap.hidden = !session?.permissions?.manageHubs;
  }

  function show(rules) {
    clear(els.list);
    if (!rules.length) els.list.append(h('li', { class: 'cv-note' }, 'この市区町村の目安はまだありません。計画担当の方は下のフォームで加えられます。'));
    for (const r of rules) {
      const st = RULE_STATUS[r.status] ?? RULE_STATUS.unknown;
      const short = r.districts.filter((d) => !d.met).sort((a, b) => b.population - a.population);
      const conditions = [
        r.rule.minHubsPerDistrict ? `${r.rule.districtKind}ごとに ${r.rule.minHubsPerDistrict} か所以上${r.rule.eachType ? '（種類ごとに）' : ''}` : null,
        r.rule.maxResidentsPerHub ? `拠点 1 か所あたり住民 ${formatNumber(r.rule.maxResidentsPerHub)} 人まで` : null,
      ].filter(Boolean).join('・');
      els.list.append(h('li', { class: 'cv-rule' },
        h('p', { class: 'cv-rule-head' }, h('span', { class: `cv-rule-status ${st.cls}` }, st.text), ' ', h('strong', {}, r.rule.name)),
        h('p', { class: 'cv-rule-meta' }, `${conditions}／数える拠点：${r.rule.hubTypes.join('・')}（${formatNumber(r.hubs)} か所）`,
          r.rule.source ? `／${r.rule.source}` : '', r.rule.builtIn ? '' : `／${r.rule.createdBy ?? ''} が追加`),
        h('p', {}, r.summary),
        short.length ? h('ul', { class: 'cv-rule-short' }, ...short.slice(0, SHOWN_SHORTFALLS).map((d) =>
          h('li', {}, `${d.name}（${formatNumber(d.population)} 人）：${d.shortfall}`)),
        short.length > SHOWN_SHORTFALLS ? h('li', { class: 'cv-note' }, `ほか ${formatNumber(short.length - SHOWN_SHORTFALLS)} 区域`) : null) : null,
        !r.rule.builtIn && session?.permissions?.manageHubs
          ? h('button', { type: 'button', class: 'cv-link-button', onclick: () => remove(r.rule) }, `「${r.rule.name}」を消す`) : null));
    }
  }

  async function send(method, url, json) {
    return requestJson(url, { method, json, headers: { [session.csrfHeader]: session.csrfToken } });
  }

  async function remove(rule) {
    try {
      await send('DELETE', `../api/coverage/rules/${rule.id}`);
      els.status.textContent = `目安「${rule.name}」を消しました。`;
      await load(municipality);
    } catch (e) {
      els.status.textContent = `消せませんでした：${e.message}`;
    }
  }

  els.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const f = new FormData(els.form);
    const number = (name) => (f.get(name) ? Number(f.get(name)) : null);
    try {
      const rule = await send('POST', '../api/coverage/rules', {
        municipalityCode: municipality, name: f.get('name'), source: f.get('source') || null, districtKind: f.get('districtKind'),
        expectedDistricts: number('expectedDistricts'), hubTypes: f.get('hubTypes'), eachType: f.get('eachType') === 'on',
        minHubsPerDistrict: number('minHubsPerDistrict'), maxResidentsPerHub: number('maxResidentsPerHub'),
      });
      els.status.textContent = `目安「${rule.name}」を加えました。`;
      els.form.reset();
      await load(municipality);
    } catch (e) {
      els.status.textContent = `加えられませんでした：${e.message}`;
    }
  });

  return load;
}
