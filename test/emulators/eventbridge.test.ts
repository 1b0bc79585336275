import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEventBridge, startEventBridge } from '../../emulators/eventbridge/server.ts';

/** The EventBridge stand-in, through the real AWS SDK and AWS_ENDPOINT_URL_EVENTBRIDGE. */

let events: RunningEventBridge;
let client: EventBridgeClient;

const put = (detail: unknown = { n: 1 }) =>
  client.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: 'tencent-chat-sender',
          DetailType: 'Group fan-out finished',
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );

describe('EventBridge stand-in', () => {
  beforeAll(async () => {
    events = await startEventBridge();
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = events.url;
    client = new EventBridgeClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
    client.destroy();
    await events.close();
  });
  beforeEach(() => {
    events.events.length = 0;
    events.clearFaults();
  });

  it('records what PutEvents sends, on the default bus unless named, and lists it', async () => {
    // Act
    const output = await put({ fanoutId: 'f1' });
    const listed = (await (await fetch(`${events.url}/stand-in/events`)).json()) as unknown[];

    // Assess
    expect(output.FailedEntryCount).toBe(0);
    expect(output.Entries?.[0]?.EventId).toEqual(expect.any(String));
    expect(listed).toMatchObject([
      {
        source: 'tencent-chat-sender',
        'detail-type': 'Group fan-out finished',
        detail: { fanoutId: 'f1' },
        eventBusName: 'default',
      },
    ]);
  });

  it('fails calls as told: an error, or a refused entry', async () => {
    // Prepare
    await fetch(`${events.url}/stand-in/faults`, {
      method: 'POST',
      body: JSON.stringify({ count: 1, mode: 'error' }),
    });
    events.addFault({ count: 1, mode: 'entry' });

    // Act
    const failed = put().catch((error: unknown) => error);
    const refused = await put();

    // Assess
    expect(await failed).toMatchObject({ name: 'InternalException' });
    expect(refused).toMatchObject({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure' }],
    });
    expect(events.events).toHaveLength(0);
    expect(events.calls.PutEvents).toBeGreaterThanOrEqual(2);
  });

  it('refuses a call without entries, and detail that is not JSON', async () => {
    // Act
    const empty = client
      .send(new PutEventsCommand({ Entries: [] }))
      .catch((error: unknown) => error);
    const bad = await client.send(
      new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{not json' }] }),
    );

    // Assess
    expect(await empty).toMatchObject({ name: 'ValidationException' });
    expect(bad.Entries?.[0]?.ErrorCode).toBe('MalformedDetail');
  });
});
