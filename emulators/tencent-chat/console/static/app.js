import { h } from './dom.js';
import { faultSwitches } from './faults.js';
import { renderEntry } from './render.js';
import { sendForm } from './send.js';

/**
 * The console page: the transcript from the entries in the page, then each new entry as the
 * emulator sends it (server-sent events), appended without moving a reader who scrolled up.
 */

const data = JSON.parse(document.getElementById('console-data').textContent);
const { page } = data;
const root = document.getElementById('console');
const live = document.getElementById('live');

const isKnown = (target) => target in data.targets.groups || data.targets.rooms.includes(target);
/** The index shows what names no known group or room; a group or room page gets only its own. */
const shows = (entry) => page.kind !== 'index' || !entry.targets.some(isKnown);

const list = h('ol', { id: 'timeline', class: 'timeline', 'aria-live': 'polite' });
const empty = h(
  'p',
  { class: 'empty' },
  page.kind === 'index'
    ? 'Nothing refused or lost outside a group or room yet.'
    : 'No messages yet: send one with the form.',
);
const newBelow = h(
  'button',
  { type: 'button', class: 'new-below', hidden: true },
  'New messages ↓',
);
const scroller = h(
  'section',
  { class: 'transcript', 'aria-label': 'Transcript' },
  data.trimmed > 0
    ? h('p', { class: 'empty' }, `${data.trimmed} older entries in /console/timeline`)
    : undefined,
  list,
  empty,
);

const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
const toBottom = () => {
  scroller.scrollTop = scroller.scrollHeight;
  newBelow.hidden = true;
};
newBelow.addEventListener('click', toBottom);
scroller.addEventListener('scroll', () => {
  if (atBottom()) newBelow.hidden = true;
});

// Everything up to data.lastId is in the page (entries, counts, totals): events start after it.
let lastId = data.lastId;
const add = (entry) => {
  lastId = Math.max(lastId, entry.id);
  if (page.kind === 'index') countEntry(entry);
  if (!shows(entry) || document.getElementById(`e-${entry.id}`)) return;
  const follow = atBottom();
  list.append(renderEntry(entry));
  empty.hidden = true;
  if (follow) toBottom();
  else newBelow.hidden = false;
};

const countCells = new Map();
const totals = {
  message: [data.stats.delivered, 'delivered'],
  duplicate: [data.stats.duplicatesDiscarded, 'duplicates discarded'],
  dropped: [data.stats.dropped, 'dropped by frequency control'],
};
const totalsLine = h('p', { class: 'totals' });
const showTotals = () => {
  totalsLine.textContent = Object.values(totals)
    .map(([count, label]) => `${count} ${label}`)
    .join(' · ');
};
const countEntry = (entry) => {
  if (entry.id <= data.lastId) return;
  if (totals[entry.kind]) {
    totals[entry.kind][0] += 1;
    showTotals();
  }
  if (entry.kind !== 'message') return;
  for (const target of entry.targets) {
    const cell = countCells.get(target);
    if (cell) cell.textContent = String(Number(cell.textContent) + 1);
  }
};

const targetList = (title, kind, items) =>
  h(
    'section',
    { class: 'targets' },
    h('h2', {}, title),
    h(
      'ul',
      {},
      items.map(([id, type]) => {
        const count = h('span', { class: 'count' }, String(data.counts[id] ?? 0));
        countCells.set(id, count);
        return h(
          'li',
          {},
          h('a', { href: `/${kind}/${encodeURIComponent(id)}` }, id),
          type ? h('span', { class: 'type' }, type) : undefined,
          count,
        );
      }),
    ),
  );

const build = () => {
  const main = [h('div', { class: 'transcript-wrap' }, scroller, newBelow)];
  const aside = h('aside', { class: 'panel' }, sendForm(page, data.targets), faultSwitches(page));
  if (page.kind === 'index') {
    main.unshift(
      targetList('Groups', 'groups', Object.entries(data.targets.groups)),
      targetList(
        'Live rooms',
        'rooms',
        data.targets.rooms.map((id) => [id]),
      ),
      totalsLine,
      h('h2', {}, 'Requests that name no known group or room'),
    );
  } else if (!data.known) {
    main.unshift(
      h('p', { class: 'warn' }, 'The emulator has no such group or room: sends to it are refused.'),
    );
  }
  root.replaceChildren(h('div', { class: 'main' }, main), aside);
};

const connect = () => {
  const events = new EventSource(`${page.url === '/' ? '' : page.url}/events?after=${lastId}`);
  events.addEventListener('open', () => {
    live.textContent = 'live';
    live.className = 'live on';
  });
  events.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.className = 'live off';
  });
  events.addEventListener('entry', (event) => add(JSON.parse(event.data)));
  events.addEventListener('reset', () => {
    list.replaceChildren();
    empty.hidden = false;
    for (const cell of countCells.values()) cell.textContent = '0';
    for (const total of Object.values(totals)) total[0] = 0;
    showTotals();
  });
};

build();
showTotals();
for (const entry of data.entries) add(entry);
toBottom();
connect();
