import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { launchChromium } from './support/browser.ts';
import { type LocalStack, startLocalStack } from './support/stack.ts';

/**
 * The API reference page (`npm run api-reference`, Swagger UI over openapi.yaml) as `npm start`
 * serves it beside the console: every operation of openapi.yaml, read now, so that a route added
 * to the document is expected on the page too; nothing fetched from outside the emulator.
 */

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

const documentedOperations = async (): Promise<string[]> => {
  const document = parse(await readFile('openapi.yaml', 'utf8')) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(document.paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => METHODS.includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
};

let stack: LocalStack;
let browser: Browser;

describe('API reference page in a browser', () => {
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startLocalStack(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows every operation of openapi.yaml, with nothing loaded from elsewhere', async () => {
    // Prepare
    const expected = await documentedOperations();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => {
      requested.push(request.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => {
      problems.push(String(error));
    });

    // Act
    await page.goto(`${stack.console}/api-reference/`);
    const operations = page.locator('.opblock');
    await operations.nth(expected.length - 1).waitFor();
    const shown = await operations.evaluateAll((blocks) =>
      blocks.map((block) => {
        const method = block.querySelector('.opblock-summary-method')?.textContent ?? '';
        const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
        return `${method.trim()} ${path}`;
      }),
    );

    // Assess
    expect(expected.length).toBeGreaterThanOrEqual(5);
    expect(shown.sort()).toStrictEqual(expected);
    expect(await page.locator('.info .title').textContent()).toContain('Tencent Chat sender');
    expect(
      requested.filter((url) => !url.startsWith(`${stack.console}/api-reference/`)),
    ).toStrictEqual([]);
    expect(requested).toContain(`${stack.console}/api-reference/openapi.json`);
    expect(problems).toStrictEqual([]);
    await page.close();
  });

  it('opens an operation with its request schema', async () => {
    // Prepare
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.console}/api-reference/`);

    // Act
    await page.locator('.opblock-summary-path[data-path="/v1/group-messages"]').click();

    // Assess
    const body = page.locator('.opblock.is-open .opblock-section-request-body');
    await body.waitFor();
    expect(await body.textContent()).toContain('GroupId');
    expect(await page.locator('.opblock.is-open .try-out').count()).toBe(0);
    await page.close();
  });

  it('redirects /api-reference to the folder and serves nothing but the built files', async () => {
    // Act
    const bare = await fetch(`${stack.console}/api-reference`, { redirect: 'manual' });
    const missing = await fetch(`${stack.console}/api-reference/nothing.js`);
    const outside = await fetch(`${stack.console}/api-reference/..%2F..%2Fpackage.json`);
    const document = await fetch(`${stack.console}/api-reference/openapi.json`);

    // Assess
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/api-reference/');
    expect(missing.status).toBe(404);
    expect(outside.status).toBe(404);
    expect(document.status).toBe(200);
    expect(document.headers.get('content-type')).toBe('application/json');
    expect(await document.json()).toStrictEqual(parse(await readFile('openapi.yaml', 'utf8')));
  });
});
