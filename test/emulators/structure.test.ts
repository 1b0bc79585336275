import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EMULATORS = join(ROOT, 'emulators');
const MAX_LINES = 300;
const SOURCE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

type Graph = Map<string, string[]>;

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => SOURCE_EXTENSIONS.has(extname(name)) && !name.endsWith('.d.ts'))
    .map((name) => join(dir, name));

const lineCount = (text: string): number => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** Every relative import, re-export and dynamic import of a file (type-only ones included). */
const relativeImports = (file: string): string[] =>
  ts
    .preProcessFile(readFileSync(file, 'utf8'), true, true)
    .importedFiles.map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith('./') || specifier.startsWith('../'));

const resolveImport = (from: string, specifier: string): string | undefined => {
  const base = resolve(dirname(from), specifier);
  return [base, `${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path));
};

/** Files to the files they import, limited to the given files. */
const importGraph = (files: string[]): Graph => {
  const known = new Set(files);
  return new Map(
    files.map((file) => [
      file,
      relativeImports(file)
        .map((specifier) => resolveImport(file, specifier))
        .filter((target): target is string => target !== undefined && known.has(target)),
    ]),
  );
};

/** One import circle as the list of files around it (first file repeated at the end), if any. */
const findCycle = (graph: Graph): string[] | undefined => {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const onPath = path.indexOf(node);
    if (onPath !== -1) return [...path.slice(onPath), node];
    if (done.has(node)) return undefined;
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
};

const shown = (files: string[]): string[] => files.map((file) => relative(ROOT, file));

describe('Structure: emulators/', () => {
  it('keeps every source file at or under 300 lines', () => {
    // Prepare
    const files = sourceFiles(EMULATORS);

    // Act
    const tooLong = files
      .map((file) => ({ file: relative(ROOT, file), lines: lineCount(readFileSync(file, 'utf8')) }))
      .filter(({ lines }) => lines > MAX_LINES);

    // Assess
    expect(files.length).toBeGreaterThan(20);
    expect(tooLong).toStrictEqual([]);
  });

  it('has no import circle among its modules', () => {
    // Prepare
    const graph = importGraph(sourceFiles(EMULATORS).filter((file) => file.endsWith('.ts')));

    // Act
    const cycle = findCycle(graph);

    // Assess
    expect(cycle && shown(cycle)).toBeUndefined();
  });

  it('sees a circle made of a type-only import, a re-export and a dynamic import', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'import-circle-'));
    const write = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const files = [
      write('a.ts', "import type { Y } from './b.ts';\nexport type X = Y;\n"),
      write('b.ts', "export { z as Y } from './c';\n"),
      write('c.ts', "export const z = async () => import('./a.ts');\n"),
      write(
        'd.ts',
        "import { x } from '../elsewhere.ts';\nimport { readFileSync } from 'node:fs';\n",
      ),
    ];

    // Act
    const graph = importGraph(files);
    rmSync(dir, { recursive: true });

    // Assess
    expect([...graph.values()].map((targets) => targets.map((t) => basename(t)))).toStrictEqual([
      ['b.ts'],
      ['c.ts'],
      ['a.ts'],
      [],
    ]);
    expect(findCycle(graph)?.map((file) => basename(file))).toStrictEqual([
      'a.ts',
      'b.ts',
      'c.ts',
      'a.ts',
    ]);
  });

  it('finds a circle when one module imports back, and names the files around it', () => {
    // Prepare
    const graph: Graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', []],
      ['d.ts', ['b.ts']],
    ]);

    // Act
    const cycle = findCycle(graph);
    const none = findCycle(new Map([...graph, ['d.ts', ['c.ts']]]));

    // Assess
    expect(cycle).toStrictEqual(['b.ts', 'd.ts', 'b.ts']);
    expect(none).toBeUndefined();
  });
});
