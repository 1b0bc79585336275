import type { Browser, Page } from 'playwright-core';

/** A console page in the browser, with what a user does on it: fill the form, send, arm a fault. */

interface ConsolePage {
  page: Page;
  /** Dialogs the page opened (alert, confirm, prompt): a sign of script that should not run. */
  dialogs: string[];
  send: () => Promise<{ status: string; answer: Record<string, unknown>; sent: string }>;
  addElement: (type: string) => Promise<void>;
  entries: (kind?: string) => ReturnType<Page['locator']>;
}

const openConsole = async (browser: Browser, url: string): Promise<ConsolePage> => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url);
  await page.locator('#live.on').waitFor();
  const form = page.locator('#send-form');
  return {
    page,
    dialogs,
    entries: (kind) => page.locator(kind ? `.timeline .entry.${kind}` : '.timeline .entry'),
    addElement: async (type) => {
      await form.locator('select[name="add-type"]').selectOption(type);
      await form.getByRole('button', { name: 'Add element' }).click();
    },
    send: async () => {
      const status = form.locator('.status');
      await form.getByRole('button', { name: 'Send', exact: true }).click();
      await status.filter({ hasText: /^HTTP \d+/ }).waitFor({ timeout: 30_000 });
      return {
        status: (await status.textContent()) ?? '',
        answer: JSON.parse((await form.locator('pre.answer').textContent()) ?? '{}'),
        sent: (await form.locator('pre.sent').textContent()) ?? '',
      };
    },
  };
};

export type { ConsolePage };
export { openConsole };
