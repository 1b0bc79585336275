import type { Fault } from '../emulators/tencent-chat/emulator.ts';

/**
 * The faults the suite injects, for every command. Each run of a scenario injects its fault once
 * (or keeps it up, for the persistent ones) around one logical message.
 */

type FunctionName = 'send-group-msg' | 'send-broadcast-msg' | 'send-text-msg' | 'send-custom-msg';

interface Scenario {
  name: string;
  /** Where the fault is: Tencent, Secrets Manager, the key, or Lambda's own re-delivery. */
  kind: 'tencent' | 'secrets' | 'rotation' | 'redelivery';
  /** A Tencent fault, injected for the next matching requests. */
  tencentFault?: Omit<Fault, 'remaining'> & { count?: number };
  /** A Secrets Manager fault for a new container: an AWS error, or the endpoint down. */
  secretsFault?: { error?: string; count?: number; endpointDown?: boolean; delayMs?: number };
  /**
   * The fault happens after Tencent received the message: a live-room send cannot know whether it
   * was taken, so it is reported failed, and a re-delivery of the event may deliver a copy.
   */
  afterReceipt?: boolean;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'Tencent 10002 (internal error), once',
    kind: 'tencent',
    tencentFault: { errorCode: 10002 },
  },
  {
    name: 'Tencent 100001 (internal error), once',
    kind: 'tencent',
    tencentFault: { errorCode: 100001 },
  },
  {
    name: 'Tencent 70169 (internal timeout), once',
    kind: 'tencent',
    tencentFault: { errorCode: 70169 },
  },
  {
    name: 'Tencent 60008 (service timeout), once',
    kind: 'tencent',
    tencentFault: { errorCode: 60008 },
  },
  { name: 'HTTP 502, once', kind: 'tencent', tencentFault: { httpStatus: 502 } },
  { name: 'HTTP 503, once', kind: 'tencent', tencentFault: { httpStatus: 503 } },
  {
    name: 'connection dropped before the request is read',
    kind: 'tencent',
    tencentFault: { drop: 'before' },
  },
  {
    name: 'connection dropped after Tencent received it',
    kind: 'tencent',
    tencentFault: { drop: 'after' },
    afterReceipt: true,
  },
  {
    name: 'Tencent stalls past the attempt timeout',
    kind: 'tencent',
    tencentFault: { delayMs: 700 },
    afterReceipt: true,
  },
  { name: 'rate limit 10023, once', kind: 'tencent', tencentFault: { errorCode: 10023 } },
  { name: 'rate limit 100602, once', kind: 'tencent', tencentFault: { errorCode: 100602 } },
  { name: 'rate limit 60007, once', kind: 'tencent', tencentFault: { errorCode: 60007 } },
  {
    name: 'MsgDropReason MsgFreqCtrl, once',
    kind: 'tencent',
    tencentFault: { msgDropReason: 'MsgFreqCtrl' },
  },
  { name: 'signature expired (70001), once', kind: 'tencent', tencentFault: { errorCode: 70001 } },
  { name: 'key rotated at Tencent and in the secret (70009)', kind: 'rotation' },
  {
    name: 'Tencent down: 10002 on every attempt',
    kind: 'tencent',
    tencentFault: { errorCode: 10002, count: 20 },
  },
  {
    name: 'Secrets Manager: secret not found',
    kind: 'secrets',
    secretsFault: { error: 'ResourceNotFoundException' },
  },
  {
    name: 'Secrets Manager: throttled once',
    kind: 'secrets',
    secretsFault: { error: 'ThrottlingException' },
  },
  {
    name: 'Secrets Manager: throttled on every attempt',
    kind: 'secrets',
    secretsFault: { error: 'ThrottlingException', count: 10 },
  },
  { name: 'Secrets Manager: endpoint down', kind: 'secrets', secretsFault: { endpointDown: true } },
  {
    name: 'Secrets Manager stalls past the deadline',
    kind: 'secrets',
    secretsFault: { delayMs: 4_000 },
  },
  {
    name: 'Lambda re-delivers the event after a reset after receipt',
    kind: 'redelivery',
    tencentFault: { drop: 'after' },
    afterReceipt: true,
  },
];

const FUNCTION_NAMES: FunctionName[] = [
  'send-group-msg',
  'send-broadcast-msg',
  'send-text-msg',
  'send-custom-msg',
];

const LIVE_ROOM_FUNCTIONS = new Set<FunctionName>(['send-text-msg', 'send-custom-msg']);

/** One row of the table: what happened to the messages of one scenario for one function. */
interface Row {
  fault: string;
  functionName: FunctionName;
  runs: number;
  delivered: number;
  reportedFailed: number;
  duplicates: number;
  lost: number;
  overDeadline: number;
  afterReceipt: boolean;
}

/** One logical message, marked so that its deliveries can be found in the emulator's record. */
const markedRequest = (functionName: FunctionName, marker: string): Record<string, unknown> => {
  const text = { MsgType: 'TIMTextElem', MsgContent: { Text: marker } };
  switch (functionName) {
    case 'send-group-msg':
      return { GroupId: '@TGS#2C5SZEAEF', MsgBody: [text] };
    case 'send-broadcast-msg':
      return { MsgBody: [text] };
    case 'send-text-msg':
      return { RoomId: 'room1', Sender_Account: 'host', TextContent: marker };
    case 'send-custom-msg':
      return { RoomId: 'room1', BusinessId: 'fault-suite', Data: marker };
  }
};

/** How many times the emulator delivered the message carrying `marker`. */
const deliveriesOf = (messages: readonly { request: unknown }[], marker: string): number =>
  messages.filter((message) => JSON.stringify(message.request).includes(marker)).length;

/** One row of the table: each run's outcome beside how often its message was delivered. */
const tallyRow = (
  scenario: { name: string; afterReceipt?: boolean },
  functionName: FunctionName,
  outcomes: readonly { reportedFailed: boolean; overDeadline: boolean }[],
  deliveries: readonly number[],
): Row => ({
  fault: scenario.name,
  functionName,
  runs: outcomes.length,
  delivered: deliveries.filter((count) => count > 0).length,
  reportedFailed: outcomes.filter((outcome) => outcome.reportedFailed).length,
  duplicates: deliveries.reduce((sum, count) => sum + Math.max(0, count - 1), 0),
  lost: outcomes.filter((outcome, i) => deliveries[i] === 0 && !outcome.reportedFailed).length,
  overDeadline: outcomes.filter((outcome) => outcome.overDeadline).length,
  afterReceipt: scenario.afterReceipt === true,
});

export type { FunctionName, Row, Scenario };
export { deliveriesOf, FUNCTION_NAMES, LIVE_ROOM_FUNCTIONS, markedRequest, SCENARIOS, tallyRow };
