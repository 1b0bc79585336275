import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  anchors,
  hasScheme,
  isInsideRepository,
  links,
  markdownFiles,
  ROOT,
  readDoc,
  resolveLink,
  slug,
} from './markdown.ts';

/**
 * The documentation a user reaches from the README: every relative link lands on a file and, with
 * an anchor, on a heading (GitHub's anchors); nothing links outside the repository.
 */

const FRONT_DOOR = markdownFiles().filter(
  (file) => file === 'README.md' || /^docs\/[^/]+\.md$/.test(file),
);

/** The broken relative links of one document, each as "target: why". */
const brokenLinks = (file: string, text = readDoc(file)): string[] =>
  links(text)
    .filter((target) => target !== '' && !hasScheme(target))
    .flatMap((target) => {
      const { path, anchor } = resolveLink(file, target);
      if (!isInsideRepository(path)) return [`${target}: outside the repository`];
      // A reader may have the page without its parent folder (a docs site, a copied folder).
      if (target.split('#')[0]?.split('/').includes('..')) return [`${target}: climbs with ..`];
      const absolute = join(ROOT, path);
      if (path !== file && !existsSync(absolute)) return [`${target}: no such file`];
      if (anchor === '') return [];
      if (path !== file && (!statSync(absolute).isFile() || !path.endsWith('.md'))) {
        return [`${target}: an anchor into a file that is not Markdown`];
      }
      const headings = anchors(path === file ? text : readDoc(path));
      return headings.has(anchor) ? [] : [`${target}: no heading #${anchor} in ${path}`];
    });

describe('Documentation links', () => {
  it('finds the README and the pages of docs/', () => {
    expect(FRONT_DOOR).toContain('README.md');
    const topics = ['api', 'configuration', 'errors-and-retries', 'idempotency', 'queue-mode'];
    const more = ['observability', 'local-stack', 'testing', 'performance', 'reliability'];
    expect(FRONT_DOOR).toStrictEqual(
      expect.arrayContaining(
        [...topics, ...more, 'architecture', 'extending'].map((page) => `docs/${page}.md`),
      ),
    );
  });

  it.each(FRONT_DOOR)('%s: every relative link resolves, to a file and to a heading', (file) => {
    expect(brokenLinks(file)).toStrictEqual([]);
  });

  it('links every page of docs/ from the README', () => {
    const linked = new Set(
      links(readDoc('README.md'))
        .filter((target) => !hasScheme(target))
        .map((target) => resolveLink('README.md', target).path),
    );
    const pages = FRONT_DOOR.filter((file) => file.startsWith('docs/'));
    expect(pages.filter((page) => !linked.has(page))).toStrictEqual([]);
  });

  it('keeps every Markdown file of the repository inside it', () => {
    const escaping = markdownFiles().flatMap((file) => {
      const text = readDoc(file);
      const outside = links(text)
        .filter((target) => !hasScheme(target))
        .filter((target) => !isInsideRepository(resolveLink(file, target).path))
        .map((target) => `${file}: ${target}`);
      const named = /\.\.\/shared\b|shared\/CONTRACT/.test(text)
        ? [`${file}: names ../shared`]
        : [];
      return [...outside, ...named];
    });
    expect(escaping).toStrictEqual([]);
  });

  it('gives the README no link to anything outside the repository, web pages included', () => {
    expect(links(readDoc('README.md')).filter(hasScheme)).toStrictEqual([]);
  });
});

describe('Documentation links: the checker', () => {
  it('makes anchors as GitHub does', () => {
    expect(slug('`POST /v1/group-messages` — a message into a group')).toBe(
      'post-v1group-messages--a-message-into-a-group',
    );
    expect(slug("Bursts under Tencent's limits (queue mode)")).toBe(
      'bursts-under-tencents-limits-queue-mode',
    );
    expect(slug('**Checks** before [any](x.md) call')).toBe('checks-before-any-call');
    expect([...anchors('# A\n## A\n```\n# not a heading\n```\n### snake_case')]).toStrictEqual([
      'a',
      'a-1',
      'snake_case',
    ]);
  });

  it('reports a missing file, a missing heading and a link out of the repository', () => {
    const text = [
      '[ok](api.md#results) [here](#a-heading) ![shot](console-group.png)',
      '[gone](nowhere.md) [bad](api.md#no-such-heading) [out](../../elsewhere/CONTRACT.md)',
      '[up](../README.md)',
      '`[in code](nowhere-either.md)`',
      '```',
      '[in a block](nor-this.md)',
      '```',
      '## A heading',
    ].join('\n');
    expect(brokenLinks('docs/example.md', text)).toStrictEqual([
      'nowhere.md: no such file',
      'api.md#no-such-heading: no heading #no-such-heading in docs/api.md',
      '../../elsewhere/CONTRACT.md: outside the repository',
      '../README.md: climbs with ..',
    ]);
  });
});
