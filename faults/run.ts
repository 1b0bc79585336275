import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from '../bench/report.ts';
import { freezeViolations, runFreezeDrill } from './freeze-drill.ts';
import { idempotencyViolations } from './idempotency-scenarios.ts';
import { FUNCTION_NAMES, LIVE_ROOM_FUNCTIONS, type Row } from './scenarios.ts';

/**
 * The fault-injection suite over the four built bundles: one process per function, run side by
 * side. `npm run faults` runs 12 runs of each scenario (over 1,000 injected faults) and prints the
 * table; `npm test` runs one of each. Fails when a message is lost, a group message is duplicated,
 * a live-room message is duplicated where Tencent had not received it, an invocation runs past
 * its deadline, or any output shows a secret key or a UserSig.
 */

interface SuiteResult {
  rows: Row[];
  /** The freeze drill (freeze-drill.ts): every message delivered once, none reported failed. */
  freezeRows: Row[];
  injectedFaults: number;
  leaks: string[];
  violations: string[];
}

const script = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

/** One process of the suite: a script and its arguments; the output file is added last. */
interface SuitePart {
  label: string;
  args: string[];
}

/**
 * The four functions' rows with the idempotency table off, queue mode's rows and the fan-out
 * reports' rows (faults/fanout-scenarios.ts) side by side, then
 * the rows with the table on (faults/idempotency-scenarios.ts).
 */
const suitePhases = (runs: number): SuitePart[][] => [
  [
    ...FUNCTION_NAMES.map((name) => ({
      label: `${name}-base`,
      args: [script('./run-command.ts'), name, String(runs)],
    })),
    { label: 'queue', args: [script('./queue-scenarios.ts'), String(runs)] },
    { label: 'fan-out', args: [script('./fanout-scenarios.ts'), String(runs)] },
  ],
  FUNCTION_NAMES.map((name) => ({
    label: `${name}-table-on`,
    args: [script('./idempotency-run-command.ts'), name, String(runs)],
  })),
];

const runPart = async ({ label, args }: SuitePart, dir: string) => {
  const outputFile = join(dir, `${label}.json`);
  const child = spawn(process.execPath, [...args, outputFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0)
    throw new Error(`the fault run ${label} exited with ${code}:\n${output.slice(-4_000)}`);
  const result = JSON.parse(await readFile(outputFile, 'utf8')) as {
    rows: Row[];
    secretKeys: string[];
  };
  return { ...result, output };
};

const violationsOf = (row: Row): string[] => {
  const where = `${row.functionName}, ${row.fault}`;
  const violations: string[] = [];
  if (row.lost > 0) violations.push(`${where}: ${row.lost} lost`);
  if (row.overDeadline > 0) violations.push(`${where}: ${row.overDeadline} over the deadline`);
  const duplicatesAllowed = LIVE_ROOM_FUNCTIONS.has(row.functionName) && row.afterReceipt;
  if (row.duplicates > 0 && !duplicatesAllowed)
    violations.push(`${where}: ${row.duplicates} duplicates`);
  return violations;
};

const runFaultSuite = async (runs: number): Promise<SuiteResult> => {
  const dir = await mkdtemp(join(tmpdir(), 'faults-'));
  try {
    const runPhases = async () => {
      const results = [];
      for (const phase of suitePhases(runs)) {
        results.push(...(await Promise.all(phase.map((part) => runPart(part, dir)))));
      }
      return results;
    };
    const results = await runPhases();
    // The freeze drill (faults/freeze-drill.ts) after them: its frozen containers busy-wait for
    // seconds, which would starve the rows that judge time on two cores.
    const freeze = await runFreezeDrill(runs, dir);
    const freezeRows = freeze.rows;
    const rows = results.flatMap((result) => result.rows);
    const leaks = [...results, freeze].flatMap(({ output, secretKeys }) => [
      ...secretKeys.filter((key) => output.includes(key)).map(() => 'a secret key'),
      ...(/usersig=|eJy[A-Za-z0-9*_-]{40,}/i.test(output) ? ['a UserSig'] : []),
    ]);
    return {
      rows,
      freezeRows,
      injectedFaults: rows.reduce((sum, row) => sum + row.runs, 0),
      leaks,
      violations: [
        ...rows.flatMap(violationsOf),
        ...idempotencyViolations(rows),
        ...freezeViolations(freezeRows),
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

const printTable = ({ rows, freezeRows, injectedFaults, leaks, violations }: SuiteResult): void => {
  const header = [
    'fault',
    'runs',
    'delivered',
    'reported failed',
    'duplicates',
    'lost',
    'over deadline',
  ];
  const groups: [string, Row[]][] = [
    ...FUNCTION_NAMES.map((name): [string, Row[]] => [
      name,
      rows.filter((row) => row.functionName === name),
    ]),
    ['freeze drill (HTTPS, 20 ms round trip)', freezeRows],
  ];
  for (const [title, group] of groups) {
    const body = group.map((row) => [
      `${group === freezeRows ? `${row.functionName}: ` : ''}${row.fault}${row.afterReceipt ? ' *' : ''}`,
      row.runs,
      row.delivered,
      row.reportedFailed,
      row.duplicates,
      row.lost,
      row.overDeadline,
    ]);
    table(title, header, body);
  }
  const sum = (key: keyof Row) => rows.reduce((total, row) => total + Number(row[key]), 0);
  console.log(
    `\n* the fault happens after Tencent received the request.\n${injectedFaults} injected faults: ${sum('delivered')} delivered, ${sum('reportedFailed')} reported failed, ${sum('duplicates')} duplicates, ${sum('lost')} lost, ${sum('overDeadline')} over deadline; leak check: ${leaks.length === 0 ? 'nothing found' : leaks.join(', ')}.`,
  );
  for (const violation of violations) console.log(`VIOLATION ${violation}`);
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runFaultSuite(Number(process.env.FAULT_RUNS ?? 12));
  printTable(result);
  process.exit(result.violations.length === 0 && result.leaks.length === 0 ? 0 : 1);
}

export { runFaultSuite };
