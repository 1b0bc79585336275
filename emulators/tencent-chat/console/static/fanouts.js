import { h } from './dom.js';

/**
 * The Fan-outs page: each fan-out's progress (sent, failed, cancelled, pending) as a bar that
 * follows the report live, its failures, a cancel button, and the finished event once it comes.
 * Polls /console/fanouts.json: the reports live in the fan-out table, not in the emulator.
 */

const root = document.getElementById('console');
const live = document.getElementById('live');
const PARTS = ['sent', 'failed', 'cancelled', 'pending'];
const POLL_MS = 400;

const bar = (report) =>
  h(
    'div',
    {
      class: 'fanout-bar',
      role: 'img',
      'aria-label': PARTS.map((part) => `${report[part]} ${part}`).join(', '),
    },
    PARTS.filter((part) => report[part] > 0).map((part) => {
      const span = h('span', { class: `part ${part}`, title: `${report[part]} ${part}` });
      // Through the CSSOM: the console's content security policy allows no style attributes.
      span.style.flexGrow = String(report[part]);
      return span;
    }),
  );

const counts = (report) =>
  h(
    'p',
    { class: 'fanout-counts' },
    PARTS.map((part) =>
      h('span', { class: `count ${part}`, 'data-part': part }, `${report[part]} ${part}`),
    ),
    ` of ${report.total}`,
  );

/** The cancel's answer per fan-out: cards are redrawn as the report changes, answers stay. */
const cancelAnswers = new Map();

const cancelButton = (report) =>
  h(
    'button',
    {
      type: 'button',
      class: 'cancel',
      disabled: report.pending === 0 || report.state === 'cancelled',
      onclick: async (event) => {
        event.target.disabled = true;
        const reply = await fetch(
          `/console/fanouts/${encodeURIComponent(report.fanoutId)}/cancel`,
          { method: 'POST' },
        );
        const body = await reply.json();
        const text =
          body.error ??
          `DELETE answered HTTP ${body.status}: ${body.result?.state ?? body.result?.error?.code ?? ''}`;
        cancelAnswers.set(report.fanoutId, text);
        const shown = cards.get(report.fanoutId)?.querySelector('.cancel-answer');
        if (shown) shown.textContent = text;
      },
    },
    'Cancel',
  );

const failureList = (report) =>
  report.failures.length === 0
    ? undefined
    : h(
        'details',
        { class: 'fanout-failures' },
        h('summary', {}, `${report.failed} failed`),
        h(
          'ul',
          {},
          report.failures.map((failure) =>
            h(
              'li',
              {},
              h('code', {}, failure.GroupId),
              ` ${failure.code}`,
              failure.tencentCode ? ` (${failure.tencentCode})` : '',
            ),
          ),
        ),
      );

const eventBlock = (report) =>
  report.events.length === 0
    ? undefined
    : h(
        'div',
        { class: 'fanout-event' },
        h(
          'strong',
          {},
          report.events.length === 1 ? 'Finished event' : `${report.events.length} finished events`,
        ),
        report.events.map((event) => h('pre', {}, JSON.stringify(event.detail, null, 2))),
      );

const cards = new Map();

const card = (report) => {
  return h(
    'article',
    { class: `fanout ${report.state}`, 'data-fanout': report.fanoutId },
    h(
      'header',
      {},
      h('h2', {}, report.fanoutId),
      h('span', { class: `state ${report.state}` }, report.state),
      cancelButton(report),
      h(
        'span',
        { class: 'cancel-answer', 'aria-live': 'polite' },
        cancelAnswers.get(report.fanoutId) ?? '',
      ),
    ),
    bar(report),
    counts(report),
    h(
      'p',
      { class: 'muted' },
      `created ${report.createdAt}`,
      report.cancelledAt ? ` · cancelled ${report.cancelledAt}` : '',
      report.finishedAt ? ` · finished ${report.finishedAt}` : '',
    ),
    failureList(report),
    eventBlock(report),
  );
};

const list = h('section', { class: 'fanouts', 'aria-label': 'Fan-outs' });
const empty = h('p', { class: 'empty' }, 'No fan-out yet: POST /v1/group-fanouts.');
root.append(list, empty);

const draw = (fanOuts) => {
  empty.hidden = fanOuts.length > 0;
  const seen = new Set();
  for (const report of fanOuts) {
    seen.add(report.fanoutId);
    const key = JSON.stringify(report);
    const old = cards.get(report.fanoutId);
    if (old?.dataset.key === key) continue;
    const open = old?.querySelector('details')?.open;
    const next = card(report);
    next.dataset.key = key;
    if (open) next.querySelector('details')?.setAttribute('open', '');
    if (old) old.replaceWith(next);
    else list.prepend(next);
    cards.set(report.fanoutId, next);
  }
  for (const [id, element] of cards) {
    if (!seen.has(id)) {
      element.remove();
      cards.delete(id);
    }
  }
};

const poll = async () => {
  try {
    const reply = await fetch('/console/fanouts.json', { cache: 'no-store' });
    const body = await reply.json();
    draw(body.fanOuts ?? []);
    live.textContent = 'live';
    live.classList.add('on');
  } catch {
    live.textContent = 'reconnecting…';
    live.classList.remove('on');
  }
  setTimeout(poll, POLL_MS);
};
poll();
