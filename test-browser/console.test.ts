import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.ts';
import { openConsole } from './support/console-page.ts';
import { post } from './support/demo.ts';
import { FILES_BODY, RELAY_ENTRY } from './support/fixtures.ts';
import { type LocalStack, startLocalStack } from './support/stack.ts';

/**
 * The emulator's console in a real browser (Debian's Chromium), against the local stack as
 * `npm start` runs it: the form sends through the functions, and the transcript shows the result.
 */

const PUBLIC_GROUP = '/groups/%40TGS%232C5SZEAEF';
const INJECTION = '<img src=x onerror=alert(1)>';

let stack: LocalStack;
let browser: Browser;

describe('Emulator console in a browser', () => {
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startLocalStack(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  beforeEach(async () => {
    await fetch(`${stack.console}/emulator/reset`, { method: 'POST' });
  });

  it('sends a group message with every form element type and shows each one rendered', async () => {
    // Prepare
    const { page, send, addElement, entries } = await openConsole(
      browser,
      `${stack.console}${PUBLIC_GROUP}`,
    );
    const form = page.locator('#send-form');
    await form.locator('input[name="Text"]').fill('Hello @alice and @all');
    for (const type of ['face', 'location', 'custom', 'image']) await addElement(type);
    await form.locator('select[name="MsgPriority"]').selectOption('High');
    await form.locator('input[name="To_Account"]').fill('bob');
    await form.locator('input[name="PushTitle"]').fill('Hi there');

    // Act
    const { status, answer, sent } = await send();

    // Assess
    expect(status).toMatch(/^HTTP 200/);
    expect(answer).toMatchObject({ ok: true, command: 'send_group_msg', msgSeq: 1 });
    expect(sent).toContain(`POST ${stack.api}/v1/group-messages`);
    const bubble = entries('message').first();
    await bubble.waitFor();
    expect(await bubble.locator('.meta').textContent()).toContain('MsgSeq 1');
    expect(await bubble.locator('.mention').allTextContents()).toStrictEqual(['@alice', '@all']);
    expect(await bubble.locator('.el.face').textContent()).toContain('face 1');
    expect(await bubble.locator('.el.location').textContent()).toContain('22.5224, 113.9355');
    expect(await bubble.locator('.el.custom pre').textContent()).toContain(
      '"question": "Lunch at noon?"',
    );
    expect(await bubble.locator('.el.image img').getAttribute('src')).toBe(
      `${stack.console}/console/assets/sample.svg`,
    );
    expect(await bubble.locator('.el.image figcaption').textContent()).toContain('198×111');
    expect(
      await bubble
        .locator('.el.image img')
        .evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(0);
    expect(await bubble.locator('.badge').allTextContents()).toStrictEqual([
      'priority High',
      'only to bob',
      'push: Hi there',
    ]);
  });

  it('sends files, sounds and videos from the edited request body and shows them as cards', async () => {
    // Prepare
    const { page, send, entries } = await openConsole(browser, `${stack.console}${PUBLIC_GROUP}`);
    await page.locator('#send-form textarea[name="request"]').fill(JSON.stringify(FILES_BODY));

    // Act
    const { answer } = await send();

    // Assess
    expect(answer).toMatchObject({ ok: true });
    const bubble = entries('message').first();
    await bubble.waitFor();
    expect(await bubble.locator('.el.file').textContent()).toBe('FILEagenda.pdf177.8 KB · file');
    expect(await bubble.locator('.el.file a').getAttribute('href')).toBe(
      'https://example.com/agenda.pdf',
    );
    expect(await bubble.locator('.el.sound').textContent()).toBe(
      'AUDIOVoice message0:14 · 23.0 KB',
    );
    expect(await bubble.locator('.el.video .sub').textContent()).toBe('1:15 · 2.2 MB · mp4');
  });

  it('sends a broadcast that every AVChatRoom group shows, and both live-room commands', async () => {
    // Prepare
    const lobby = await openConsole(browser, `${stack.console}/groups/live-lobby`);
    const room = await openConsole(browser, `${stack.console}/rooms/room1`);
    await lobby.page.locator('#send-form select[name="command"]').selectOption('broadcast');
    await lobby.page.locator('#send-form input[name="Text"]').fill('To every stage');

    // Act
    const broadcast = await lobby.send();
    const text = await room.send();
    await room.page.locator('#send-form select[name="command"]').selectOption('custom');
    const custom = await room.send();

    // Assess
    expect([broadcast, text, custom].map(({ answer }) => answer.command)).toStrictEqual([
      'send_broadcast_msg',
      'send_text_msg',
      'send_custom_msg',
    ]);
    const stage = await openConsole(browser, `${stack.console}/groups/live-stage`);
    expect(await stage.entries('message').first().textContent()).toContain('To every stage');
    expect(await stage.entries('message').first().locator('.badge').textContent()).toBe(
      'broadcast',
    );
    await room.entries('message').nth(1).waitFor();
    const [welcome, gift] = await room.entries('message').all();
    expect(await welcome?.locator('.el.text').textContent()).toBe('Welcome to the show');
    expect(await welcome?.locator('.extra').textContent()).toContain('"color": "gold"');
    expect(await gift?.locator('.room-custom .label').textContent()).toBe('BusinessId gift');
    expect(await gift?.locator('.room-custom pre').textContent()).toContain('"gift": "rose"');
  });

  it('shows a delivery live, without a reload, and keeps a reader who scrolled up in place', async () => {
    // Prepare
    for (let i = 0; i < 15; i += 1) {
      await post(stack.api, 'group-messages', {
        GroupId: '@TGS#12DEVUDHQ',
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `earlier ${i}` } }],
      });
    }
    const { page, entries } = await openConsole(
      browser,
      `${stack.console}/groups/%40TGS%2312DEVUDHQ`,
    );
    await page.evaluate('window.loadedOnce = true');
    await page.evaluate("document.querySelector('.transcript').scrollTop = 0");

    // Act
    await post(stack.api, 'group-messages', {
      GroupId: '@TGS#12DEVUDHQ',
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'arrives live' } }],
    });

    // Assess
    await entries('message').filter({ hasText: 'arrives live' }).waitFor({ timeout: 5_000 });
    expect(await page.evaluate('window.loadedOnce')).toBe(true);
    expect(await page.evaluate("document.querySelector('.transcript').scrollTop")).toBe(0);
    expect(await page.locator('.new-below').isVisible()).toBe(true);
    expect(await entries('message').count()).toBe(16);
  });

  it('counts the messages of each group and room live on the index', async () => {
    // Prepare
    const text = (Text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text } }];
    await post(stack.api, 'room-text-messages', {
      RoomId: 'room1',
      Sender_Account: 'host',
      TextContent: 'before',
    });
    const { page } = await openConsole(browser, `${stack.console}/`);
    const count = (id: string) =>
      page
        .locator('.targets li')
        .filter({ has: page.getByRole('link', { name: id, exact: true }) })
        .locator('.count');

    // Act
    await post(stack.api, 'room-text-messages', {
      RoomId: 'room1',
      Sender_Account: 'host',
      TextContent: 'after',
    });
    await post(stack.api, 'broadcast-messages', { MsgBody: text('to every stage') });

    // Assess
    await page.locator('.totals', { hasText: '3 delivered' }).waitFor({ timeout: 5_000 });
    expect(await count('room1').textContent()).toBe('2');
    expect(await count('live-lobby').textContent()).toBe('1');
    expect(await count('live-stage').textContent()).toBe('1');
    expect(await count('demo-meeting').textContent()).toBe('0');
  });

  it('shows a request Tencent refused with its code, on its group or on the index', async () => {
    // Prepare
    const lobby = await openConsole(browser, `${stack.console}/groups/live-lobby`);
    const index = await openConsole(browser, `${stack.console}/`);
    await lobby.page.locator('#send-form input[name="OnlineOnlyFlag"]').check();
    await index.page.locator('#send-form input[name="target"]').fill('no-such-group');

    // Act
    const refused = await lobby.send();
    const missing = await index.send();

    // Assess
    expect(refused.status).toMatch(/^HTTP 400/);
    expect(refused.answer).toMatchObject({ ok: false, error: { tencentCode: 10004 } });
    expect(await lobby.entries('refused').first().locator('.notice').textContent()).toContain(
      'Refused: ErrorCode 10004',
    );
    expect(missing.answer).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', tencentCode: 10010 },
    });
    expect(await index.entries('refused').first().textContent()).toContain(
      'Refused: ErrorCode 10010',
    );
  });

  it('makes the next reply fail with the fault switch: the function retries, then delivers', async () => {
    // Prepare
    const { page, send, entries } = await openConsole(browser, `${stack.console}${PUBLIC_GROUP}`);
    const faults = page.locator('#fault-form');
    await faults.locator('select[name="errorCode"]').selectOption('10002');
    await faults.getByRole('button', { name: 'Arm' }).click();
    await faults.locator('.status', { hasText: 'Armed' }).waitFor();

    // Act
    const { answer } = await send();

    // Assess
    expect(answer).toMatchObject({ ok: true, msgSeq: 1 });
    await entries().nth(1).waitFor();
    const [first, second] = await entries().all();
    expect(await first?.getAttribute('data-kind')).toBe('refused');
    expect(await first?.textContent()).toContain('injected: ErrorCode 10002');
    expect(await second?.getAttribute('data-kind')).toBe('message');
  });

  it('draws a forwarded chat history (TIMRelayElem) sent through the API as a nested list', async () => {
    // Prepare
    const { entries } = await openConsole(browser, `${stack.console}${PUBLIC_GROUP}`);

    // Act
    const { result } = await post(stack.api, 'group-messages', {
      GroupId: '@TGS#2C5SZEAEF',
      From_Account: 'carol',
      MsgBody: RELAY_ENTRY.message.msgBody,
    });

    // Assess
    expect(result).toMatchObject({ ok: true });
    const relay = entries('message').first();
    await relay.waitFor();
    const html = await relay.innerHTML();
    expect(html).toContain('Forwarded: Chat history of alice and bob');
    expect(html).toContain('<li>bob: &lt;b&gt;hello&lt;/b&gt;</li>');
    expect(html).toMatch(
      /<ol class="relay-list"><li><div class="sub">alice · \d\d:\d\d:\d\d · MsgSeq 1<\/div>/,
    );
    expect(html).toContain('☺ face 4');
  });

  it('shows markup in a message as text and runs none of it', async () => {
    // Prepare
    const group = await openConsole(browser, `${stack.console}${PUBLIC_GROUP}`);
    const room = await openConsole(browser, `${stack.console}/rooms/room1`);
    await group.page.locator('#send-form input[name="Text"]').fill(INJECTION);
    await room.page.locator('#send-form textarea[name="TextContent"]').fill(INJECTION);

    // Act
    await group.send();
    await room.send();
    await group.entries('message').first().waitFor();
    await room.entries('message').first().waitFor();
    await group.page.reload();
    await group.page.locator('#live.on').waitFor();
    await group.page.waitForTimeout(300);

    // Assess
    for (const { page, dialogs, entries } of [group, room]) {
      expect(await entries('message').first().locator('.el.text').textContent()).toBe(INJECTION);
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect(await page.locator('.el.text *').count()).toBe(0);
      expect(dialogs).toStrictEqual([]);
    }
  });
});
