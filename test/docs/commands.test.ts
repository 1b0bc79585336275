import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeBlocks, markdownFiles, ROOT, readDoc } from './markdown.ts';

/**
 * The README's commands are the ones that work and the ones CI runs: `npm ci`, `npm start`,
 * `npm test`; CI (.ci/run) runs `npm ci` and `npm test`; every `npm run <script>` the documents
 * name exists; `npm start` builds and serves the API reference page the README points at.
 */

const readRepo = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
const scripts = (): Record<string, string> => JSON.parse(readRepo('package.json')).scripts;

/** The commands of the README's "Quick start" section, one per line of its shell block. */
const quickStart = (): string[] => {
  const readme = readDoc('README.md');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const [block] = codeBlocks(section.slice(0, section.indexOf('\n## ', 3)));
  return (block?.text ?? '')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
};

/** The commands a shell script runs: its lines, comments and `if`/`fi` scaffolding left out. */
const commandsOf = (script: string): string[] =>
  script
    .split('\n')
    .map((line) => line.replace(/^\s+/, ''))
    .filter((line) => line !== '' && !line.startsWith('#'));

describe("The README's commands", () => {
  it('are npm ci, npm start and npm test, in that order', () => {
    expect(quickStart()).toStrictEqual(['npm ci', 'npm start', 'npm test']);
  });

  it('name scripts of package.json', () => {
    expect(Object.keys(scripts())).toStrictEqual(expect.arrayContaining(['start', 'test']));
  });

  it('are the ones CI runs: .ci/run installs with npm ci and tests with npm test', () => {
    const ci = commandsOf(readRepo('.ci/run'));
    expect(ci.some((line) => /^npm ci(\s|$)/.test(line))).toBe(true);
    expect(ci.some((line) => /^npm test(\s|$)/.test(line))).toBe(true);
  });

  it('start the API reference page the README points at', () => {
    expect(scripts().start).toContain('npm run api-reference');
    expect(scripts()['test:browser']).toContain('npm run api-reference');
    expect(readDoc('README.md')).toContain('http://127.0.0.1:4100/api-reference/');
    expect(readRepo('scripts/start-local.ts')).toContain('/api-reference/');
  });

  it('name only npm scripts that exist, in every document', () => {
    const known = new Set(Object.keys(scripts()));
    const unknown = markdownFiles().flatMap((file) =>
      [...new Set([...readDoc(file).matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1]))]
        .filter((name) => !known.has(name as string))
        .map((name) => `${file}: npm run ${name}`),
    );
    expect(unknown).toStrictEqual([]);
  });
});

describe("The README's commands: the checker", () => {
  it('reads the commands of a script, not its comments', () => {
    expect(
      commandsOf('#!/bin/sh\n# npm test in a comment\n  npm ci --no-audit\nnpm test 2>&1'),
    ).toStrictEqual(['npm ci --no-audit', 'npm test 2>&1']);
  });
});
