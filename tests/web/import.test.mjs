// SPDX-License-Identifier: MIT
// The Import page in Chromium: a requester picks a CSV file with bad rows and reads every error
// by row and column (nothing created), checks a good file by a dry run (its orders, lines and
// values, nothing created), then imports it and follows the link to a new order; a user who
// raises no orders is offered no Import.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { selectors } from 'playwright-core';

import { http, launchBrowser, PASSWORD, ROOT, signIn, startServer, test } from './server.mjs';

const node = await startServer();
selectors.setTestIdAttribute('data-test');
const SHOTS = join(ROOT, 'build');
mkdirSync(SHOTS, { recursive: true });
const browser = await launchBrowser();
const pageErrors = [];

async function signedIn(username) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 },
        timezoneId: 'UTC' });
    context.setDefaultTimeout(15000);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${username}: ${e.message}`));
    await page.goto(`${node.base}/`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-name').filter({ hasText: /\S/ }).waitFor();
    return page;
}

const HEADER = 'order_ref,agreement,requester,supplier,activity,method,requester_unit,'
    + 'supplier_unit,date,backdate_reason,currency,category,description,quantity,unit,price';
/* A line of the Indian Navy (unit 2) to the JMSDF (unit 5) during JIMEX 2024 (activity 2). */
const row = (ref, category, qty, price) => `${ref},IN-JP-2020,IN,JP,2,cash,2,5,2024-06-12,`
    + `from the records,JPY,${category},Supplies,${qty},l,${price}`;
const csv = (...rows) => Buffer.from(`${[HEADER, ...rows].join('\r\n')}\r\n`);

const requester = await signIn(node.base, 'in-requester');
const count = async () => (await http(node.base, 'GET', '/api/orders?limit=500', requester))
    .json.items.length;
let page = null;
let before = 0;

test('a user who raises no orders is offered no Import', async () => {
    const auditor = await signedIn('in-auditor');
    assert.equal(await auditor.getByTestId('nav-import').isHidden(), true);
    await auditor.context().close();
});

test('a file with bad rows: every error by row and column, nothing created', async () => {
    before = await count();
    page = await signedIn('in-requester');
    await page.getByTestId('nav-import').click();
    await page.getByTestId('import-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv',
        buffer: csv(row('A', 'pol', 1, 150), row('A', 'water', 1, '1.5'), row('B', 'beer', 1, 10)) });
    await page.getByTestId('import-check').click();
    const errors = page.getByTestId('import-errors');
    await errors.waitFor();
    const rows = await errors.locator('tbody tr').allInnerTexts();
    assert.equal(rows.length, 2, rows.join('\n'));
    assert.match(rows[0], /^3\s+price\s+"1\.5" must be a whole number/);
    assert.match(rows[1], /^4\s+category\s+category "beer" is not a category/);
    await page.getByTestId('import-summary').filter({ hasText: 'import: 2 errors; nothing was '
        + 'created' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'web-import-errors.png'), fullPage: true });
    assert.equal(await count(), before);
});

test('a dry run shows the orders, lines and values, and creates nothing', async () => {
    await page.getByTestId('import-file').setInputFiles({ name: 'good.csv', mimeType: 'text/csv',
        buffer: csv(row('A', 'pol', 2, 150), row('A', 'water', 3, 10), row('B', 'food', 1, 900)) });
    await page.getByTestId('import-check').click();
    await page.getByTestId('import-summary').filter({ hasText: '2 orders would be created' })
        .waitFor();
    const table = page.getByTestId('import-orders');
    assert.equal(await table.locator('tbody tr').count(), 3);
    assert.match(await page.getByTestId('import-row-2').innerText(), /330 JPY|330/);
    assert.equal(await count(), before);
});

test('the import creates the orders and links to them', async () => {
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-summary').filter({ hasText: '2 orders created' }).waitFor();
    assert.equal(await count(), before + 2);
    await page.screenshot({ path: join(SHOTS, 'web-import-done.png'), fullPage: true });
    await page.getByTestId('import-row-2').locator('a').click();
    await page.waitForURL(/#\/orders\/IN-JP-2024-\d{6}$/);
    assert.deepEqual(pageErrors, []);
});

test('the browser and the server stop', async () => {
    await browser.close();
    await node.stop();
});
