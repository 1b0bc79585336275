import { launchChromium } from './support/browser.ts';
import { GROUP, ROOM, sendDemo } from './support/demo.ts';
import { startLocalStack } from './support/stack.ts';

/**
 * `npm run screenshots`: the README's pictures of the console (docs/console-*.png), from the local
 * stack after a short demo conversation.
 */

const stack = await startLocalStack();
const browser = await launchChromium();
try {
  await sendDemo(stack.api, stack.console);
  const shots = [
    { path: 'docs/console-group.png', url: `/groups/${GROUP}`, width: 1280, height: 1400 },
    { path: 'docs/console-room.png', url: `/rooms/${ROOM}`, width: 1280, height: 760 },
    { path: 'docs/console-phone.png', url: `/groups/${GROUP}`, width: 390, height: 844 },
  ];
  for (const shot of shots) {
    const page = await browser.newPage({ viewport: { width: shot.width, height: shot.height } });
    await page.goto(`${stack.console}${shot.url}`);
    await page.locator('#live.on').waitFor();
    await page.screenshot({ path: shot.path });
    await page.close();
    console.log(`wrote ${shot.path}`);
  }
} finally {
  await browser.close();
  await stack.stop();
}
