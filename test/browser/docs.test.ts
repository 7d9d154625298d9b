/**
 * /docs in a real browser: Debian's chromium driven by playwright-core (installed by .ci/run
 * when missing; an optional prerequisite locally: without /usr/bin/chromium the file is
 * skipped with a notice, and fails under CI=true: test/helpers/required-tool.ts). The page must
 * list every surface's endpoints and its "Try it out" must reach the API: the seed's show-inventory-unit request answers 200 with the demo data.
 */
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApi } from '../helpers/local-api';
import { requiredTool } from '../helpers/required-tool';

const chromiumTool = requiredTool({
  name: 'chromium',
  path: '/usr/bin/chromium',
  install: 'sudo apt-get install chromium',
  skips: 'test/browser/docs.test.ts (the /docs page in a browser)',
});

describe.skipIf(!chromiumTool.available)('/docs in chromium', () => {
  let browser: Browser;
  let server: Server;
  let page: Page;

  beforeAll(async () => {
    const api = await startLocalApi();
    server = api.server;
    browser = await chromium.launch({
      executablePath: chromiumTool.executable,
      headless: true,
      // No sandbox as root in CI; no background traffic on a machine without network.
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage();
    await page.goto(`${api.url}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it.each([
    ['course units', '/api/v2/inventories/assign_units'],
    ['inventory units', '/api/v2/{api_token}/parts/{part_id}/inventory_units/{id}/split'],
    ['inventory reference data', '/api/v2/{api_token}/parts'],
    ['enrollment codes', '/api/enrollment/v1/enroll-user-with-code'],
    ['OAuth token', '/oauth2/access_token'],
  ])('lists the %s endpoints (%s)', async (_surface, path) => {
    expect(await page.locator(`.opblock-summary-path[data-path="${path}"]`).count()).toBeGreaterThan(0);
  });

  it('"Try it out" on show inventory unit returns 200 from the API', async () => {
    const operation = page.locator('#operations-Inventory_units__Aligni-compatible_-showInventoryUnit, .opblock:has(.opblock-summary-path[data-path="/api/v2/{api_token}/parts/{part_id}/inventory_units/{id}"]).opblock-get').first();
    await operation.locator('.opblock-summary').click();
    await operation.locator('.try-out__btn').click();
    await operation.locator('input[placeholder="api_token"]').fill('oid3vLgynoy_Yl1gZkrgkLEq3J');
    await operation.locator('input[placeholder="part_id"]').fill('728');
    await operation.locator('input[placeholder="id"]').fill('52');
    await operation.locator('.execute').click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 60_000 });
    expect((await status.innerText()).trim()).toBe('200');
    // The seed's unit 52, as the API answered it.
    expect(await operation.locator('.live-responses-table .response-col_description pre').first().innerText()).toContain('"asset_id": "A0000000"');
  }, 120_000);
});
