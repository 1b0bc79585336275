import type { DeliveredMessage, TencentChatEmulator } from './emulator.ts';

/** Small HTML pages to watch what arrived, one per group and room. */

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const layout = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta http-equiv="refresh" content="3">
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:60rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
code,pre{font:12px ui-monospace,monospace;white-space:pre-wrap;margin:0}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

const messageRow = (message: DeliveredMessage): string => `<tr>
<td>${message.msgSeq}</td><td>${new Date(message.deliveredAt).toISOString()}</td>
<td>${escapeHtml(message.from)}</td><td>${escapeHtml(message.command)}</td>
<td><pre>${escapeHtml(JSON.stringify(message.msgBody, null, 1))}</pre>${
  message.cloudCustomData
    ? `<div>CloudCustomData: <code>${escapeHtml(message.cloudCustomData)}</code></div>`
    : ''
}</td></tr>`;

const targetPage = (emulator: TencentChatEmulator, kind: 'group' | 'room', id: string): string => {
  const messages = emulator.messagesFor(id);
  const rows = messages.map(messageRow).join('');
  return layout(
    `${kind === 'group' ? 'Group' : 'Live room'} ${id}`,
    `<p><a href="/">All groups and rooms</a> · ${messages.length} message(s) · JSON: <a href="/emulator/messages?target=${encodeURIComponent(id)}">messages</a></p>
<table><tr><th>MsgSeq</th><th>Delivered</th><th>From</th><th>Command</th><th>Message</th></tr>${rows}</table>`,
  );
};

const indexPage = (emulator: TencentChatEmulator): string => {
  const link = (kind: string, id: string) =>
    `<li><a href="/${kind}/${encodeURIComponent(id)}">${escapeHtml(id)}</a> (${emulator.messagesFor(id).length})</li>`;
  const groups = [...emulator.groups].map(
    ([id, type]) => `${link('groups', id).slice(0, -5)} · ${type}</li>`,
  );
  const rooms = [...emulator.rooms].map((id) => link('rooms', id));
  return layout(
    'Tencent Chat emulator',
    `<h2>Groups</h2><ul>${groups.join('')}</ul><h2>Live rooms</h2><ul>${rooms.join('')}</ul>
<p>${emulator.stats.delivered} delivered · ${emulator.stats.duplicatesDiscarded} duplicates discarded · ${emulator.stats.dropped} dropped by frequency control</p>`,
  );
};

export { indexPage, targetPage };
