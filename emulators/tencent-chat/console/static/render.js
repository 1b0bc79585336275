import { formatTime, h, isObject, prettyJson } from './dom.js';
import { mentionCursor, renderElements } from './elements.js';

/** One timeline entry as a transcript item: a chat bubble, or a notice of what did not arrive. */

const COMMAND_LABELS = {
  send_group_msg: 'group message',
  send_broadcast_msg: 'broadcast',
  send_text_msg: 'live-room text',
  send_custom_msg: 'live-room custom',
};

/** What a live-room custom message carries: Tencent wraps BusinessId and Data into one JSON text. */
const unwrapRoomCustom = (msgBody) => {
  try {
    const wrapped = JSON.parse(msgBody?.[0]?.MsgContent?.Data);
    return isObject(wrapped) ? wrapped : undefined;
  } catch {
    return undefined;
  }
};

const roomCustom = ({ BusinessId, Data }) =>
  h(
    'div',
    { class: 'el custom room-custom' },
    h('div', { class: 'label' }, 'BusinessId ', h('strong', {}, String(BusinessId))),
    h('pre', {}, prettyJson(Data)),
  );

/** The message's content: as delivered, or (for what did not arrive) as the request had it. */
const content = (entry, context) => {
  const request = isObject(entry.request) ? entry.request : {};
  const msgBody = entry.message?.msgBody;
  if (entry.command === 'send_custom_msg') {
    const wrapped = msgBody ? unwrapRoomCustom(msgBody) : request;
    if (wrapped && 'BusinessId' in wrapped) return roomCustom(wrapped);
  }
  if (entry.command === 'send_text_msg' && !msgBody && typeof request.TextContent === 'string') {
    return renderElements(
      [{ MsgType: 'TIMTextElem', MsgContent: { Text: request.TextContent } }],
      context,
    );
  }
  return renderElements(msgBody ?? request.MsgBody, context);
};

/** Class names come from this table, never from the message. */
const PRIORITY_CLASSES = { High: 'priority high', Low: 'priority low', Lowest: 'priority low' };

const badge = (className, text) => h('span', { class: `badge ${className}` }, text);

const badges = (entry, context) => {
  const request = isObject(entry.request) ? entry.request : {};
  const list = [];
  if (entry.command === 'send_broadcast_msg') list.push(badge('broadcast', 'broadcast'));
  if (typeof request.MsgPriority === 'string') {
    list.push(
      badge(PRIORITY_CLASSES[request.MsgPriority] ?? 'priority', `priority ${request.MsgPriority}`),
    );
  }
  if (request.OnlineOnlyFlag === 1) list.push(badge('online', 'online only'));
  if (Array.isArray(request.To_Account)) {
    list.push(badge('to', `only to ${request.To_Account.join(', ')}`));
  }
  const title = request.OfflinePushInfo?.Title;
  if (typeof title === 'string' && title !== '') list.push(badge('push', `push: ${title}`));
  for (const mention of context.mentions.unmatched()) {
    const who = mention.GroupAtAllFlag === 1 ? '@all' : `@${mention.GroupAt_Account}`;
    list.push(badge('warn', `${who} in GroupAtInfo, not in the text`));
  }
  return list.length > 0 ? h('div', { class: 'badges' }, list) : undefined;
};

const extra = (entry) => {
  const data = entry.message ? entry.message.cloudCustomData : entry.request?.CloudCustomData;
  const extension =
    entry.command === 'send_text_msg' ? (entry.request?.ExtensionInfo ?? data) : undefined;
  const text = extension ?? data;
  if (typeof text !== 'string' || text === '') return undefined;
  return h(
    'details',
    { class: 'extra' },
    h('summary', {}, extension !== undefined ? 'ExtensionInfo' : 'CloudCustomData'),
    h('pre', {}, prettyJson(text)),
  );
};

/** The sender; a request that names none is sent as the admin identifier of the query string. */
const senderOf = (entry) =>
  entry.message?.from ??
  entry.request?.From_Account ??
  entry.request?.Sender_Account ??
  (entry.request === undefined ? '—' : '(admin)');

/** Why an entry did not arrive, said for a person. */
const notice = (entry) => {
  const random = entry.request?.Random;
  switch (entry.kind) {
    case 'duplicate':
      return [
        h('strong', {}, 'Not delivered: duplicate'),
        ' of ',
        entry.original?.id
          ? h('a', { href: `#e-${entry.original.id}` }, `MsgSeq ${entry.original.msgSeq}`)
          : `MsgSeq ${entry.original?.msgSeq}`,
        ` (same content and Random ${random ?? ''} within 5 minutes; Tencent keeps the first)`,
      ];
    case 'dropped':
      return [
        h('strong', {}, 'Not delivered: dropped by frequency control'),
        ` (MsgDropReason ${entry.dropReason}, ErrorCode 0)`,
      ];
    case 'refused':
      return entry.httpStatus !== undefined
        ? [h('strong', {}, `Refused: HTTP ${entry.httpStatus}`), ' (no Tencent reply)']
        : [h('strong', {}, `Refused: ErrorCode ${entry.errorCode}`), ` ${entry.errorInfo ?? ''}`];
    default:
      return [h('strong', {}, 'Lost: the connection was dropped'), ' (no reply)'];
  }
};

const meta = (entry) =>
  h(
    'div',
    { class: 'meta' },
    h('span', { class: 'from' }, senderOf(entry)),
    h('time', { datetime: new Date(entry.at).toISOString() }, formatTime(entry.at)),
    entry.message ? h('span', { class: 'seq' }, `MsgSeq ${entry.message.msgSeq}`) : undefined,
    h('span', { class: 'command' }, COMMAND_LABELS[entry.command] ?? entry.command),
  );

const renderEntry = (entry) => {
  const context = { mentions: mentionCursor(entry.request?.GroupAtInfo), depth: 0 };
  const arrived = entry.kind === 'message';
  const body = arrived || entry.request !== undefined ? content(entry, context) : undefined;
  return h(
    'li',
    { id: `e-${entry.id}`, class: `entry ${entry.kind}`, 'data-kind': entry.kind },
    h(
      'article',
      { class: arrived ? 'bubble' : 'bubble missing' },
      meta(entry),
      arrived ? undefined : h('p', { class: 'notice' }, notice(entry)),
      body,
      badges(entry, context),
      extra(entry),
      entry.fault ? h('p', { class: 'fault' }, entry.fault) : undefined,
    ),
  );
};

export { renderEntry };
