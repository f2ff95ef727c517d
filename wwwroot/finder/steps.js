// Walking directions as an ordered list a screen reader reads in order: the server gives each step's kind, turn, compass
// heading, street name and metres (10 m steps); the words, in ふつう or やさしい日本語, are the page's own.
import { h } from '../js/dom.js';
import { t } from './common.js';

// Arrow glyphs beside each step (hidden from screen readers: the sentence says it).
const ARROWS = {
  depart: '◎', arrive: '◉', straight: '↑', 'slight-right': '↗', right: '→', 'sharp-right': '↘',
  'slight-left': '↖', left: '←', 'sharp-left': '↙', 'u-turn': '↶',
};

/** 「右へ曲がり、常盤通りを約 120 m 歩きます（約 2 分）。」 for one step (pace in m/min). */
export function stepText(step, hubName, paceMetres) {
  if (step.kind === 'arrive') return t('stepArrive', { name: hubName });
  const minutes = Math.round(step.metres / paceMetres);
  const walk = t(step.name ? 'stepAlong' : 'stepOnward', { name: step.name ?? '', m: step.metres })
    + (minutes >= 1 ? t('stepMinutes', { min: minutes }) : '') + '。' + (step.stairs ? t('stepStairs') : '');
  if (step.kind === 'depart') return t('stepDepart', { heading: t(`heading_${step.heading}`) }) + walk;
  return t(`turn_${step.turn}`) + walk;
}

/** The steps of a hub's route as a headed ordered list, or null when the route has none. */
export function stepsList(hub, paceMetres, headingLevel = 'h4') {
  const steps = Array.isArray(hub.steps) ? hub.steps : [];
  if (!steps.length) return null;
  const id = `steps-${hub.id}`;
  return h('section', { class: 'steps', 'aria-labelledby': id },
    h(headingLevel, { id, class: 'steps-heading', tabindex: '-1' }, t('stepsHeading')),
    h('ol', { class: 'step-list' }, steps.map((s) => h('li', { class: `step step-${s.kind}` },
      h('span', { class: 'step-arrow', 'aria-hidden': 'true' }, ARROWS[s.kind === 'turn' ? s.turn : s.kind] ?? '・'),
      h('span', { class: 'step-text' }, stepText(s, hub.name, paceMetres))))));
}
