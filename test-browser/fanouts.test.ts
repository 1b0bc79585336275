import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.ts';
import { type FanOutStack, startFanOutStack } from './support/fan-out-stack.ts';

/**
 * The console's Fan-outs page in a real browser: a fan-out's progress follows its report live, its
 * failures are listed, the cancel button stops it, and the finished event shows when it comes.
 */

const KNOWN = Array.from({ length: 60 }, (_, i) => `page-group-${i}`);
const UNKNOWN = ['gone-1', 'gone-2'];
const Message = { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'to many' } }] };

let stack: FanOutStack;
let browser: Browser;

const counted = (text: string | null, part: string): number =>
  Number(new RegExp(`(\\d+) ${part}`).exec(text ?? '')?.[1] ?? Number.NaN);

describe('Fan-outs page in a browser', () => {
  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startFanOutStack({ groups: KNOWN, sendsPerSecond: 10 }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows a fan-out progressing live, its failures, a cancel, and the finished event', async () => {
    // Prepare
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.console}/fanouts`);
    await page.locator('#live.on').waitFor();

    // Act: the unknown groups first, so that their failures show early
    const accepted = await fetch(`${stack.api}/v1/group-fanouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'page-fanout' },
      body: JSON.stringify({ GroupIds: [...UNKNOWN, ...KNOWN], Message }),
    });
    const card = page.locator('article.fanout[data-fanout="page-fanout"]');
    const counts = card.locator('.fanout-counts');
    await card.waitFor();
    const seen = new Set<number>();
    for (let i = 0; i < 50 && seen.size < 3; i++) {
      seen.add(counted(await counts.textContent(), 'sent'));
      await page.waitForTimeout(200);
    }
    await card.locator('.fanout-failures summary').click();
    const failures = await card.locator('.fanout-failures li').allTextContents();
    await card.getByRole('button', { name: 'Cancel' }).click();
    await card.locator('.cancel-answer', { hasText: 'HTTP 200' }).waitFor({ timeout: 10_000 });
    await card.locator('.state.cancelled').waitFor();
    await card.locator('.fanout-event pre').waitFor({ timeout: 30_000 });

    // Assess
    expect(accepted.status).toBe(202);
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(failures.map((line) => line.trim()).sort()).toStrictEqual([
      'gone-1 NOT_FOUND (10010)',
      'gone-2 NOT_FOUND (10010)',
    ]);
    const text = await counts.textContent();
    const sent = counted(text, 'sent');
    const cancelled = counted(text, 'cancelled');
    expect(counted(text, 'pending')).toBe(0);
    expect(counted(text, 'failed')).toBe(2);
    expect(cancelled).toBeGreaterThan(0);
    expect(sent + 2 + cancelled).toBe(KNOWN.length + UNKNOWN.length);
    const event = JSON.parse((await card.locator('.fanout-event pre').textContent()) ?? '{}');
    expect(event).toMatchObject({ fanoutId: 'page-fanout', state: 'cancelled', sent, cancelled });
    expect(await card.locator('.fanout-bar .part').count()).toBeGreaterThanOrEqual(3);
  });
});
