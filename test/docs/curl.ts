/**
 * The curl commands of a shell code block, read as the shell would hand them to curl: quotes,
 * backslash-newline continuations, and a command ending at an unquoted newline, `|`, `&&`, `;`
 * or `>`. Only the options the documentation uses are understood; any other is an error, so a
 * curl this cannot read fails the check instead of passing unread.
 */

interface Curl {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  source: string;
}

const ENDS = new Set(['|', '&&', ';', '>', '||']);

/** Splits shell text into words from `start` until the command ends. */
const shellWords = (text: string, start: number): { words: string[]; end: number } => {
  const words: string[] = [];
  let word: string | undefined;
  let index = start;
  const push = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  for (; index < text.length; index += 1) {
    const char = text[index] as string;
    if (char === "'") {
      const close = text.indexOf("'", index + 1);
      if (close < 0) throw new Error(`unterminated ' in: ${text.slice(start, start + 80)}`);
      word = (word ?? '') + text.slice(index + 1, close);
      index = close;
    } else if (char === '"') {
      let value = '';
      for (index += 1; index < text.length && text[index] !== '"'; index += 1) {
        if (text[index] === '\\' && /["\\$`]/.test(text[index + 1] ?? '')) index += 1;
        value += text[index];
      }
      word = (word ?? '') + value;
    } else if (char === '\\' && text[index + 1] === '\n') {
      index += 1; // a continuation: the shell removes both characters
    } else if (char === '\\') {
      word = (word ?? '') + (text[index + 1] ?? '');
      index += 1;
    } else if (char === '\n') {
      break;
    } else if (/\s/.test(char)) {
      push();
    } else {
      word = (word ?? '') + char;
      if (ENDS.has(word)) {
        word = undefined;
        break;
      }
    }
  }
  push();
  return { words, end: index };
};

const VALUE_OPTIONS: Record<string, 'method' | 'header' | 'data' | 'ignored'> = {
  '-X': 'method',
  '--request': 'method',
  '-H': 'header',
  '--header': 'header',
  '-d': 'data',
  '--data': 'data',
  '--data-raw': 'data',
  '--aws-sigv4': 'ignored',
  '-u': 'ignored',
  '--user': 'ignored',
  '-o': 'ignored',
  '--output': 'ignored',
  '-w': 'ignored',
  '--write-out': 'ignored',
  '-m': 'ignored',
  '--max-time': 'ignored',
};
const FLAGS = new Set(
  [
    '-s',
    '--silent',
    '-S',
    '--show-error',
    '-i',
    '--include',
    '-v',
    '--verbose',
    '-f',
    '--fail',
  ].concat(['--fail-with-body', '-N', '--no-buffer', '-L', '--location', '-g', '--globoff']),
);
/** `-sS`, `-si`: short flags written together. */
const isFlag = (word: string): boolean =>
  FLAGS.has(word) ||
  (/^-[a-zA-Z]{2,}$/.test(word) && [...word.slice(1)].every((c) => FLAGS.has(`-${c}`)));

const readCurl = (words: string[], source: string): Curl => {
  const headers: Record<string, string> = {};
  let method: string | undefined;
  let url: string | undefined;
  let body: string | undefined;
  for (let index = 1; index < words.length; index += 1) {
    const word = words[index] as string;
    const kind = VALUE_OPTIONS[word];
    if (kind) {
      index += 1;
      const value = words[index];
      if (value === undefined) throw new Error(`${word} without a value in: ${source}`);
      if (kind === 'method') method = value;
      if (kind === 'data') body = (body === undefined ? '' : `${body}&`) + value;
      if (kind === 'header') {
        const colon = value.indexOf(':');
        headers[value.slice(0, colon).trim().toLowerCase()] = value.slice(colon + 1).trim();
      }
    } else if (isFlag(word)) {
      // no value
    } else if (word.startsWith('-')) {
      throw new Error(`unknown curl option ${word} in: ${source}`);
    } else if (url === undefined) {
      url = word;
    } else {
      throw new Error(`a second URL ${word} in: ${source}`);
    }
  }
  if (url === undefined) throw new Error(`no URL in: ${source}`);
  return { method: method ?? (body === undefined ? 'GET' : 'POST'), url, headers, body, source };
};

/** Every curl command of a block of shell text. */
const curlsIn = (text: string): Curl[] => {
  const curls: Curl[] = [];
  for (const match of text.matchAll(/(^|\n|\$\(|&&|\|)\s*(?=curl\s)/g)) {
    const start = (match.index ?? 0) + match[0].length;
    const { words, end } = shellWords(text, start);
    curls.push(readCurl(words, text.slice(start, end)));
  }
  return curls;
};

export type { Curl };
export { curlsIn, shellWords };
