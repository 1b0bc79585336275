import { formatBytes, formatSeconds, formatTime, h, isObject, prettyJson, safeUrl } from './dom.js';

/** One MsgBody element drawn for a person (reference B.5): each MsgType its own way. */

const MAX_RELAY_DEPTH = 3;

const details = (...parts) => parts.filter((part) => part !== undefined && part !== '').join(' · ');

/** Walks GroupAtInfo in order as the text's @ tokens are met (Tencent: the orders must agree). */
const mentionCursor = (groupAtInfo) => {
  const list = Array.isArray(groupAtInfo) ? groupAtInfo.filter(isObject) : [];
  let next = 0;
  return {
    /** The length of the mention that starts at `index` (the "@"), or 0. */
    matchAt(text, index) {
      const mention = list[next];
      if (!mention) return 0;
      if (mention.GroupAtAllFlag === 1) {
        return text.slice(index + 1, index + 4).toLowerCase() === 'all' ? 4 : 0;
      }
      const account = mention.GroupAt_Account;
      return typeof account === 'string' && account !== '' && text.startsWith(account, index + 1)
        ? account.length + 1
        : 0;
    },
    take() {
      next += 1;
    },
    unmatched: () => list.slice(next),
  };
};

const textElement = (content, context) => {
  const text = typeof content.Text === 'string' ? content.Text : '';
  const out = h('p', { class: 'el text' });
  let from = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    const length = context.mentions.matchAt(text, at);
    if (length === 0) continue;
    context.mentions.take();
    out.append(text.slice(from, at));
    out.append(h('mark', { class: 'mention', title: 'GroupAtInfo' }, text.slice(at, at + length)));
    from = at + length;
    at += length - 1;
  }
  out.append(text.slice(from));
  return out;
};

const locationElement = (content) =>
  h(
    'div',
    { class: 'el card location' },
    h('span', { class: 'icon', 'aria-hidden': 'true' }, 'MAP'),
    h(
      'div',
      {},
      h('strong', {}, content.Desc || 'Location'),
      h('div', { class: 'sub' }, `${content.Latitude}, ${content.Longitude}`),
    ),
  );

const faceElement = (content) =>
  h(
    'span',
    { class: 'el face', title: 'TIMFaceElem' },
    `☺ face ${content.Index}`,
    content.Data ? ` (${content.Data})` : '',
  );

/** The thumbnail (Type 3), else the smallest image listed. */
const pickImage = (infos) => {
  const list = Array.isArray(infos) ? infos.filter(isObject) : [];
  const area = (info) => (info.Size ?? 0) || (info.Width ?? 0) * (info.Height ?? 0);
  return (
    list.find((info) => info.Type === 3) ?? [...list].sort((a, b) => area(a) - area(b))[0] ?? {}
  );
};

const IMAGE_FORMATS = { 1: 'JPG', 2: 'GIF', 3: 'PNG', 4: 'BMP', 255: 'other' };

const imageElement = (content) => {
  const image = pickImage(content.ImageInfoArray);
  const src = safeUrl(image.URL, { image: true });
  return h(
    'figure',
    { class: 'el image' },
    src
      ? h('img', {
          src,
          alt: `image ${content.UUID ?? ''}`,
          width: image.Width,
          height: image.Height,
          loading: 'lazy',
          referrerpolicy: 'no-referrer',
        })
      : h('div', { class: 'noimage' }, 'image'),
    h(
      'figcaption',
      {},
      details(
        `${image.Width ?? '?'}×${image.Height ?? '?'}`,
        formatBytes(image.Size),
        IMAGE_FORMATS[content.ImageFormat],
      ),
    ),
  );
};

const card = (className, icon, title, sub, url) => {
  const href = safeUrl(url);
  return h(
    'div',
    { class: `el card ${className}` },
    h('span', { class: 'icon', 'aria-hidden': 'true' }, icon),
    h(
      'div',
      {},
      href
        ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, title)
        : h('strong', {}, title),
      h('div', { class: 'sub' }, sub),
    ),
  );
};

const fileElement = (c) =>
  card('file', 'FILE', c.FileName || 'File', details(formatBytes(c.FileSize), 'file'), c.Url);

const soundElement = (c) =>
  card(
    'sound',
    'AUDIO',
    'Voice message',
    details(formatSeconds(c.Second), formatBytes(c.Size)),
    c.Url,
  );

const videoElement = (c) => {
  const thumb = safeUrl(c.ThumbUrl, { image: true });
  const sub = details(formatSeconds(c.VideoSecond), formatBytes(c.VideoSize), c.VideoFormat);
  const element = card('video', 'VIDEO', 'Video', sub, c.VideoUrl);
  if (thumb) {
    element.append(
      h('img', {
        class: 'thumb',
        src: thumb,
        alt: 'video thumbnail',
        width: c.ThumbWidth,
        height: c.ThumbHeight,
        loading: 'lazy',
        referrerpolicy: 'no-referrer',
      }),
    );
  }
  return element;
};

const labelled = (label, value) =>
  value === undefined || value === ''
    ? undefined
    : h('div', { class: 'sub' }, `${label}: ${value}`);

const customElement = (content) =>
  h(
    'div',
    { class: 'el custom' },
    h('div', { class: 'label' }, 'Custom data'),
    h('pre', {}, prettyJson(content.Data)),
    labelled('Desc', content.Desc),
    labelled('Ext', content.Ext),
    labelled('Sound', content.Sound),
  );

const relayElement = (content, context) => {
  const depth = (context.depth ?? 0) + 1;
  const messages = Array.isArray(content.MsgList) ? content.MsgList.filter(isObject) : [];
  const abstract = Array.isArray(content.AbstractList) ? content.AbstractList : [];
  return h(
    'div',
    { class: 'el relay' },
    h('div', { class: 'label' }, `Forwarded: ${content.Title ?? 'chat history'}`),
    abstract.length > 0
      ? h(
          'ul',
          { class: 'abstract' },
          abstract.map((line) => h('li', {}, line)),
        )
      : undefined,
    depth > MAX_RELAY_DEPTH
      ? h('div', { class: 'sub' }, `${messages.length} nested message(s) not shown`)
      : h(
          'ol',
          { class: 'relay-list' },
          messages.map((message) =>
            h(
              'li',
              {},
              h(
                'div',
                { class: 'sub' },
                details(
                  message.From_Account,
                  typeof message.MsgTimeStamp === 'number'
                    ? formatTime(message.MsgTimeStamp * 1000)
                    : undefined,
                  message.MsgSeq !== undefined ? `MsgSeq ${message.MsgSeq}` : undefined,
                ),
              ),
              renderElements(message.MsgBody, { mentions: mentionCursor([]), depth }),
            ),
          ),
        ),
    content.JsonMsgKey ? labelled('Stored as', content.JsonMsgKey) : undefined,
  );
};

const unknownElement = (element) =>
  h(
    'div',
    { class: 'el custom' },
    h('div', { class: 'label' }, String(element?.MsgType ?? 'element')),
    h('pre', {}, JSON.stringify(element?.MsgContent ?? element, null, 2)),
  );

const RENDERERS = {
  TIMTextElem: textElement,
  TIMLocationElem: locationElement,
  TIMFaceElem: faceElement,
  TIMImageElem: imageElement,
  TIMFileElem: fileElement,
  TIMSoundElem: soundElement,
  TIMVideoFileElem: videoElement,
  TIMCustomElem: customElement,
  TIMRelayElem: relayElement,
};

/** A MsgBody, element by element; `context.mentions` carries GroupAtInfo across text elements. */
const renderElements = (msgBody, context) =>
  h(
    'div',
    { class: 'elements' },
    (Array.isArray(msgBody) ? msgBody : []).map((element) => {
      const render = RENDERERS[element?.MsgType];
      return render && isObject(element.MsgContent)
        ? render(element.MsgContent, context)
        : unknownElement(element);
    }),
  );

export { mentionCursor, renderElements };
