/** Prints the cold end-to-end, network and warm CPU sections of `npm run bench`, with the targets. */
import { round, table } from './report.ts';

interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}
interface Step {
  ms: number;
  roundTrips: number | null;
  connections: number;
  tlsHandshakes: number;
}
interface SenderFigures {
  first: Step;
  warm: Percentiles & {
    roundTrips: number | null;
    /** Warm p50 minus the round trip. */
    excessMs: number;
    connections: number;
    tlsHandshakes: number;
  };
  gaps: Record<string, Step>;
}
interface ColdFigures {
  endToEndMs: Percentiles;
  firstInvocationMs: Percentiles;
  importMs: Percentiles;
}
interface NetworkResults {
  coldEndToEnd: {
    samples: number;
    bare: ColdFigures;
    byFunction: Record<
      string,
      {
        ours: ColdFigures;
        handWritten: ColdFigures;
        endToEndRatio: number;
        firstInvocationRatio: number;
      }
    >;
  };
  network: {
    function: string;
    keepAliveMs: number;
    warmSends: number;
    gapsSeconds: number[];
    firstSendSamples: number;
    byRtt: Record<string, Record<string, SenderFigures>>;
    /** Per round trip, each bare request's warm excess over it: the model's floor. */
    modelFloorMs: Record<string, Record<string, number>>;
  };
  /** Handler minus a bare fetch POST, and minus a bare node:http POST (the client ours uses). */
  warmCpuOverheadMs: Record<string, Record<'vsBare' | 'vsBareHttp', { p50: number; p99: number }>>;
}

const step = ({ ms, roundTrips, connections, tlsHandshakes }: Step) =>
  `${round(ms, 1)}${roundTrips === null ? '' : ` (${round(roundTrips, 2)} RTT)`} c${connections}/h${tlsHandshakes}`;

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** A figure, or a dash where a run did not have the sender. */
const shown = (value: number | undefined, digits = 2): number | string =>
  value !== undefined && Number.isFinite(value) ? round(value, digits) : '-';

/**
 * What is the model and what is the sender: each sender's warm time over the round trip, beside
 * the bare requests', which are the network model's own cost (TLS, HTTP and the emulator on a
 * machine that cools down between round trips), a floor no sender goes below.
 */
const printModelFloor = ({ byRtt, modelFloorMs }: NetworkResults['network']): void => {
  const senders = [...new Set(Object.values(byRtt).flatMap((bySender) => Object.keys(bySender)))];
  table(
    "Warm p50 over the round trip (ms): the bare requests' excess is the model's floor",
    ['round trip', ...senders, 'ours over bare https', 'ours over bare fetch'],
    Object.entries(byRtt).map(([rtt, bySender]) => {
      const ours = bySender.ours?.warm.excessMs ?? Number.NaN;
      const floor = modelFloorMs[rtt] ?? {};
      return [
        rtt,
        ...senders.map((sender) => shown(bySender[sender]?.warm.excessMs)),
        shown(ours - (floor['bare-https'] ?? Number.NaN)),
        shown(ours - (floor.bare ?? Number.NaN)),
      ];
    }),
  );
};

const printNetworkTables = ({ coldEndToEnd, network, warmCpuOverheadMs }: NetworkResults): void => {
  const cold = coldEndToEnd.byFunction;
  table(
    `Cold start end to end over HTTPS (${coldEndToEnd.samples} fresh processes each, interleaved with the hand-written sender; ms from process start to the first result)`,
    [
      'sender',
      'end to end p50',
      'p90',
      'hand-written p50',
      'ratio',
      'first invocation p50',
      'hand-written',
      'ratio',
    ],
    [
      ...Object.entries(cold).map(([name, figures]) => [
        name,
        round(figures.ours.endToEndMs.p50, 1),
        round(figures.ours.endToEndMs.p90, 1),
        round(figures.handWritten.endToEndMs.p50, 1),
        `${round(figures.endToEndRatio)}x`,
        round(figures.ours.firstInvocationMs.p50, 1),
        round(figures.handWritten.firstInvocationMs.p50, 1),
        `${round(figures.firstInvocationRatio)}x`,
      ]),
      [
        'bare request',
        round(coldEndToEnd.bare.endToEndMs.p50, 1),
        round(coldEndToEnd.bare.endToEndMs.p90, 1),
        '',
        '',
        round(coldEndToEnd.bare.firstInvocationMs.p50, 1),
        '',
        '',
      ],
    ],
  );
  const gaps = network.gapsSeconds.map((gap) => `${gap}s`);
  for (const [rtt, bySender] of Object.entries(network.byRtt)) {
    table(
      `${network.function} over HTTPS, round trip ${rtt}, server keep-alive ${network.keepAliveMs / 1000} s announced (ms, round trips, connections c / TLS handshakes h the emulator counted)`,
      [
        'sender',
        `first send of a container (p50 of ${network.firstSendSamples})`,
        `warm p50 (${network.warmSends} sends)`,
        'warm p90',
        ...gaps.map((gap) => `after ${gap} idle`),
      ],
      Object.entries(bySender).map(([sender, figures]) => [
        sender,
        step(figures.first),
        `${round(figures.warm.p50)}${figures.warm.roundTrips === null ? '' : ` (${round(figures.warm.roundTrips, 2)} RTT)`} c${figures.warm.connections}/h${figures.warm.tlsHandshakes}`,
        round(figures.warm.p90),
        ...gaps.map((gap) => (figures.gaps[gap] ? step(figures.gaps[gap]) : '')),
      ]),
    );
  }
  printModelFloor(network);
  table(
    'Warm CPU overhead per send at RTT 0 (handler minus a bare POST, ms)',
    ['function', 'vs bare node:http p50', 'p99', 'vs bare fetch p50', 'p99'],
    Object.entries(warmCpuOverheadMs).map(([name, { vsBare, vsBareHttp }]) => [
      name,
      round(vsBareHttp.p50, 3),
      round(vsBareHttp.p99, 3),
      round(vsBare.p50, 3),
      round(vsBare.p99, 3),
    ]),
  );

  console.log('\nTargets:');
  const worstEndToEnd = Math.max(...Object.values(cold).map((f) => f.endToEndRatio));
  const worstFirst = Math.max(...Object.values(cold).map((f) => f.firstInvocationRatio));
  console.log(
    `- cold start end to end <= 1.0x the hand-written sender: ${verdict(worstEndToEnd <= 1)} (worst ${round(worstEndToEnd)}x)`,
  );
  console.log(
    `- first invocation <= 1.0x: ${verdict(worstFirst <= 1)} (worst ${round(worstFirst)}x)`,
  );
  for (const [rtt, bySender] of Object.entries(network.byRtt)) {
    const rttMs = Number.parseFloat(rtt);
    const ours = bySender.ours;
    if (!ours || rttMs === 0) continue;
    const kept = network.gapsSeconds
      .filter((gap) => gap * 1000 < network.keepAliveMs)
      .map((gap) => `${gap}s`);
    const slowest = (figures: SenderFigures | undefined): number =>
      figures
        ? Math.max(
            figures.warm.p50,
            ...kept.map((gap) => figures.gaps[gap]?.ms ?? Number.POSITIVE_INFINITY),
          )
        : Number.NaN;
    const slowestKept = slowest(ours);
    const bare = bySender.bare;
    const floors = network.modelFloorMs[rtt] ?? {};
    const floor = floors['bare-https'] ?? Number.NaN;
    console.log(
      `- RTT ${rtt}: warm and kept-alive sends <= 1 RTT + 2 ms: ${verdict(slowestKept <= rttMs + 2)} as measured (slowest ${round(slowestKept)} ms; the bare requests' slowest on the same network ${round(slowest(bare))} ms with fetch, ${shown(slowest(bySender['bare-https']))} ms with node:https; the model's floor, bare warm p50 over the round trip: ${shown(floor)} ms with node:https, ${shown(floors.bare)} ms with fetch)`,
    );
    if (Number.isFinite(floor)) {
      console.log(
        `- RTT ${rtt}: the same net of the model's floor: ${verdict(slowestKept - floor <= rttMs + 2)} (${round(slowestKept - rttMs - floor)} ms over the round trip and the floor)`,
      );
    }
    console.log(
      `- RTT ${rtt}: first send <= set-up (2 RTT) + 1 RTT + 10 ms: ${verdict(ours.first.ms <= 3 * rttMs + 10)} (p50 ${round(ours.first.ms, 1)} ms; bare request ${round(bare?.first.ms ?? Number.NaN, 1)} ms, hand-written ${round(bySender['hand-written']?.first.ms ?? Number.NaN, 1)} ms)`,
    );
  }
  // Judged against the bare POST on the client ours uses: the stricter floor.
  const worst = (against: 'vsBare' | 'vsBareHttp'): number =>
    Math.max(...Object.values(warmCpuOverheadMs).map((overhead) => overhead[against].p50));
  console.log(
    `- warm CPU overhead at RTT 0 <= 0.2 ms p50: ${verdict(worst('vsBareHttp') <= 0.2)} (worst ${round(worst('vsBareHttp'), 3)} ms against a bare node:http POST; ${round(worst('vsBare'), 3)} ms against a bare fetch POST)`,
  );
};

export { printNetworkTables };
