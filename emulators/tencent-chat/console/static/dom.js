/**
 * A tiny element builder. Text always enters the page as text nodes (`append` of a string) or
 * attribute values, never as markup: message content is untrusted.
 */

const h = (tag, props = {}, ...children) => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name === 'value') element.value = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  appendAll(element, children);
  return element;
};

const appendAll = (element, children) => {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
};

/** A link or image address from message data: only http(s) (and data: images) are used. */
const safeUrl = (url, { image = false } = {}) => {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url, location.href);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.href;
    if (image && /^data:image\/(png|gif|jpeg|webp);/i.test(url)) return url;
  } catch {}
  return undefined;
};

const formatBytes = (bytes) => {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return undefined;
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
};

const formatSeconds = (seconds) => {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined;
  const m = Math.floor(seconds / 60);
  return `${m}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
};

const pad = (n) => String(n).padStart(2, '0');

const formatTime = (ms) => {
  const date = new Date(ms);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
};

/** JSON text pretty-printed when it parses, else as given. */
const prettyJson = (text) => {
  if (typeof text !== 'string') return JSON.stringify(text, null, 2);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

export { formatBytes, formatSeconds, formatTime, h, isObject, prettyJson, safeUrl };
