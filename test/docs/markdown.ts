import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * What the documentation checks read from Markdown: the files, their links, their headings'
 * anchors (GitHub's rules), and their fenced code blocks with the comment marking one.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  'dist',
  'dist-docs',
  '.serverless',
  'coverage',
]);

/** Every Markdown file of the repository, as paths relative to its root. */
const markdownFiles = (dir = ROOT): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) {
      return SKIPPED_DIRS.has(entry.name) || entry.name.startsWith('.lambda-')
        ? []
        : markdownFiles(join(dir, entry.name));
    }
    return entry.name.endsWith('.md') ? [relative(ROOT, join(dir, entry.name))] : [];
  });

const readDoc = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

interface CodeBlock {
  info: string;
  text: string;
  /** The HTML comment on the line before the fence, if any (`docs-check: …`). */
  marker: string | undefined;
  line: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** The fenced code blocks of a document. */
const codeBlocks = (markdown: string): CodeBlock[] => {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const open = FENCE.exec(lines[index] ?? '');
    if (!open) continue;
    const fence = open[1] as string;
    const start = index;
    const body: string[] = [];
    for (index += 1; index < lines.length; index += 1) {
      const line = lines[index] ?? '';
      if (line.trim().startsWith(fence[0]?.repeat(fence.length) ?? fence)) break;
      body.push(line);
    }
    const previous = /^<!--\s*(.*?)\s*-->$/.exec(lines[start - 1]?.trim() ?? '');
    blocks.push({
      info: (open[2] ?? '').trim(),
      text: body.join('\n'),
      marker: previous?.[1],
      line: start + 1,
    });
  }
  return blocks;
};

/** The document with its fenced blocks blanked (lines kept). */
const withoutFences = (markdown: string): string => {
  const lines = markdown.split('\n');
  let fence: string | undefined;
  return lines
    .map((line) => {
      const open = FENCE.exec(line);
      if (fence === undefined && open) {
        fence = (open[1] as string)[0];
        return '';
      }
      if (fence !== undefined) {
        if (line.trim().startsWith(fence.repeat(3))) fence = undefined;
        return '';
      }
      return line;
    })
    .join('\n');
};

/** The prose: fenced blocks blanked and inline code spans removed. */
const prose = (markdown: string): string =>
  withoutFences(markdown).replace(/(`+)(?:(?!\1)[^\n])+?\1/g, '');

const INLINE_LINK = /!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm;
const HTML_LINK = /<(?:a|img)\s[^>]*?(?:href|src)="([^"]*)"/g;

/** Every link target of a document's prose: inline links, images, references, HTML. */
const links = (markdown: string): string[] => {
  const text = prose(markdown);
  return [INLINE_LINK, REFERENCE_DEFINITION, HTML_LINK].flatMap((pattern) =>
    [...text.matchAll(pattern)].map((match) => match[1] as string),
  );
};

/** A heading's text as GitHub renders it: code, links and emphasis reduced to their text. */
const renderedText = (heading: string): string =>
  heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|\*)(.+?)\1/g, '$2');

/** GitHub's anchor for a heading's text (as github-slugger makes it, before de-duplication). */
const slug = (text: string): string =>
  renderedText(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');

/** The anchors of a document's headings; repeated headings get -1, -2, … as on GitHub. */
const anchors = (markdown: string): Set<string> => {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of withoutFences(markdown).matchAll(/^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/gm)) {
    const base = slug(match[1] as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
};

/** Where a relative link from `file` points, as a path from the repository root. */
const resolveLink = (file: string, target: string): { path: string; anchor: string } => {
  const [path = '', anchor = ''] = target.split('#', 2);
  const absolute = path === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), decodeURI(path));
  return { path: relative(ROOT, absolute), anchor: decodeURIComponent(anchor) };
};

const isInsideRepository = (path: string): boolean =>
  path !== '..' && !path.startsWith(`..${sep}`) && !path.startsWith('/');

const hasScheme = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target);

export type { CodeBlock };
export {
  anchors,
  codeBlocks,
  hasScheme,
  isInsideRepository,
  links,
  markdownFiles,
  prose,
  ROOT,
  readDoc,
  resolveLink,
  slug,
};
