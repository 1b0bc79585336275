import type { TencentChatEmulator } from '../emulator.ts';
import type { TimelineEntry } from '../timeline.ts';

/**
 * The console's HTML: a small page shell per group, live room and the index. The transcript itself
 * is drawn in the browser (static/render.js) from the timeline entries, which travel as JSON (in the
 * page for the first paint, then as server-sent events); message content is never put into HTML.
 */

type PageKind = 'group' | 'room' | 'index';

/** How many entries a page carries for its first paint; older ones stay in the JSON endpoints. */
const FIRST_PAINT_ENTRIES = 500;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON inside <script type="application/json">: no "<" may close the element early. */
const jsonIsland = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

/** Which entries a page shows: a target's own, or (index) those that name no known target. */
const pageFilter =
  (emulator: TencentChatEmulator, kind: PageKind, id: string) =>
  (entry: TimelineEntry): boolean =>
    kind === 'index'
      ? !entry.targets.some((target) => emulator.groups.has(target) || emulator.rooms.has(target))
      : entry.targets.includes(id);

const targetsOf = (emulator: TencentChatEmulator) => ({
  groups: Object.fromEntries(emulator.groups),
  rooms: [...emulator.rooms],
});

const pageUrl = (kind: PageKind, id: string): string =>
  kind === 'index' ? '/' : `/${kind === 'group' ? 'groups' : 'rooms'}/${encodeURIComponent(id)}`;

const shell = (title: string, data: Record<string, unknown>): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/console/assets/style.css">
</head><body>
<header class="top"><a class="home" href="/">Tencent Chat emulator</a><h1>${escapeHtml(title)}</h1>
<a class="home" href="/fanouts">Fan-outs</a>
<span id="live" class="live" title="Live updates">connecting…</span></header>
<main id="console" class="layout"><noscript>The console needs JavaScript; the JSON endpoints under /emulator/ do not.</noscript></main>
<script type="application/json" id="console-data">${jsonIsland(data)}</script>
<script type="module" src="/console/assets/app.js"></script>
</body></html>`;

const consolePage = (emulator: TencentChatEmulator, kind: PageKind, id: string): string => {
  const show = pageFilter(emulator, kind, id);
  const entries = emulator.timeline.select(show);
  const counts: Record<string, number> = {};
  if (kind === 'index') {
    for (const message of emulator.messages) {
      for (const target of message.targets) counts[target] = (counts[target] ?? 0) + 1;
    }
  }
  const type = kind === 'group' ? emulator.groups.get(id) : undefined;
  const title =
    kind === 'index'
      ? 'Groups and live rooms'
      : `${kind === 'group' ? 'Group' : 'Live room'} ${id}${type ? ` · ${type}` : ''}`;
  return shell(title, {
    page: { kind, id, type, url: pageUrl(kind, id) },
    known: kind === 'index' || (kind === 'group' ? type !== undefined : emulator.rooms.has(id)),
    targets: targetsOf(emulator),
    counts,
    stats: emulator.stats,
    /** The last entry the stats above already count. */
    lastId: emulator.timeline.entries.at(-1)?.id ?? 0,
    trimmed: Math.max(0, entries.length - FIRST_PAINT_ENTRIES),
    entries: entries.slice(-FIRST_PAINT_ENTRIES),
  });
};

export type { PageKind };
export { consolePage, pageFilter };
