/**
 * The soak's settings (the deployed queue settings of serverless.yml: maximum concurrency 5 at 38
 * sends a second each, batches of 50 in a 1 s window, visibility 60 s, 10 receives), its result,
 * and the table it prints.
 */

const SETTINGS = {
  messages: 20_000,
  groups: 500,
  /** Tencent's limit per command (the floor of the drain). */
  limitPerSecond: 200,
  concurrency: 5,
  sendsPerSecond: 38,
  batchSize: 50,
  batchingWindowSeconds: 1,
  visibilityTimeoutSeconds: 60,
  maxReceiveCount: 10,
  /** Tencent goes down once this share is delivered, for this long. */
  outageAtShare: 0.5,
  outageSeconds: 60,
  /** A container is killed mid-batch once these shares are delivered. */
  killAtShares: [0.2, 0.35],
  giveUpSeconds: 600,
};

interface SoakResult {
  settings: typeof SETTINGS;
  delivered: number;
  duplicated: number;
  lost: number;
  deadLettered: number;
  /** Messages not delivered: what whoever queued them would have to send again. */
  leftToCaller: number;
  /** Sends Tencent refused (10002, HTTP 503) or hung up on while down. */
  refusedInOutage: number;
  /** Second copies Tencent discarded by their Random (a killed batch's first half, sent again). */
  duplicatesDiscardedByTencent: number;
  kills: number;
  outageSeconds: number;
  totalSeconds: number;
  /** Messages ÷ Tencent's limit + the outage. */
  idealSeconds: number;
  ratio: number;
}

const tableOf = (result: SoakResult): string => {
  const { settings } = result;
  const rows: [string, string | number][] = [
    ['messages (groups)', `${settings.messages} (${settings.groups})`],
    [
      'consumers × pace',
      `${settings.concurrency} × ${settings.sendsPerSecond}/s, batches of ${settings.batchSize}`,
    ],
    ['Tencent down', `${result.outageSeconds.toFixed(1)} s (10002, HTTP 503, dropped connections)`],
    ['sends refused while down', result.refusedInOutage],
    ['containers killed mid-batch', result.kills],
    ['delivered exactly once', result.delivered],
    ['duplicated', result.duplicated],
    ['second copies Tencent discarded', result.duplicatesDiscardedByTencent],
    ['lost', result.lost],
    ['dead-lettered', result.deadLettered],
    ['left to a caller', result.leftToCaller],
    ['total time', `${result.totalSeconds} s`],
    ['ideal (messages ÷ 200/s + outage)', `${result.idealSeconds} s`],
    ['ratio (limit 1.15)', result.ratio],
  ];
  return [
    '| measure | value |',
    '|---|---|',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
  ].join('\n');
};

export type { SoakResult };
export { SETTINGS, tableOf };
