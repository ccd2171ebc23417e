// SPDX-License-Identifier: MIT
// Printing in Chromium, on the demo node: the order page links to its printed forms (order,
// receipt, invoice as PDF, made by the node), and each link answers a PDF to the signed-in
// browser; printed (print media), the page drops the navigation, the buttons and the step
// forms and shows the whole lines table, unit price and value included, nothing cut off at
// A4 width; the HTML form is styled under its own policy. Writes build/order-print.pdf (the
// page as Chromium prints it).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { selectors } from 'playwright-core';

import { acsa, launchBrowser, PASSWORD, ROOT, startServer, test } from './server.mjs';

const node = await startServer();
selectors.setTestIdAttribute('data-test');
const browser = await launchBrowser();
const SHOTS = join(ROOT, 'build');
mkdirSync(SHOTS, { recursive: true });

// A cash order of the demo with an invoice, requested by India.
const orders = JSON.parse(acsa(node, ['--db', node.db, 'order', 'list', '--state', 'invoiced',
    '--json']));
const ORDER = orders.find((o) => o.method === 'cash' && o.requester === 'IN').number;

const context = await browser.newContext({ viewport: { width: 1280, height: 800 },
    timezoneId: 'UTC' });
context.setDefaultTimeout(15000);
const page = await context.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));

test('the order page links to the order, receipt and invoice forms as PDF', async () => {
    await page.goto(`${node.base}/`);
    await page.getByTestId('login-username').fill('in-finance');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-name').filter({ hasText: /\S/ }).waitFor();
    await page.goto(`${node.base}/#/orders/${ORDER}`);
    await page.getByTestId('order-print').waitFor();
    const base = `/api/orders/${ORDER}/forms`;
    assert.equal(await page.getByTestId('print-order').getAttribute('href'), `${base}/order.pdf`);
    assert.equal(await page.getByTestId('print-receipt').getAttribute('href'),
        `${base}/receipt.pdf`);
    assert.match(await page.getByTestId('print-invoice').getAttribute('href'),
        new RegExp(`^${base}/invoice\\.pdf`));
    assert.match(await page.getByTestId('print-order').textContent(), /Print order \(PDF\)/);
    for (const name of ['print-order', 'print-receipt', 'print-invoice']) {
        const href = await page.getByTestId(name).getAttribute('href');
        const r = await page.request.get(`${node.base}${href}`);
        assert.equal(r.status(), 200, `${href}: ${r.status()}`);
        assert.equal(r.headers()['content-type'], 'application/pdf');
        assert.match(r.headers()['content-disposition'], /^inline; filename="/);
        assert.equal((await r.body()).subarray(0, 5).toString(), '%PDF-');
    }
});

test('printed, the order page has no navigation, buttons or step forms', async () => {
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 700, height: 1000 });
    for (const name of ['nav', 'sign-out', 'order-print', 'order-actions', 'back-orders']) {
        assert.equal(await page.getByTestId(name).isVisible(), false, `${name} is printed`);
    }
    assert.equal(await page.locator('main button:visible').count(), 0);
});

test('printed, the whole lines table shows, unit price and value, nothing cut off', async () => {
    const table = page.getByTestId('order-lines');
    const headers = await table.locator('thead th').allTextContents();
    assert.ok(headers.includes('Unit price'), headers.join('|'));
    assert.ok(headers.includes('Value'), headers.join('|'));
    assert.ok(await table.locator('thead').isVisible(), 'the header row is printed');
    const fit = await page.evaluate(() => {
        const t = document.querySelector('table[data-test="order-lines"]');
        const cells = [...t.querySelectorAll('th, td')];
        const right = Math.max(...cells.map((c) => c.getBoundingClientRect().right));
        return { right, width: document.documentElement.clientWidth,
            scroll: document.documentElement.scrollWidth };
    });
    assert.ok(fit.right <= fit.width + 1, `cut off: ${JSON.stringify(fit)}`);
    assert.ok(fit.scroll <= fit.width + 1, `scrolls sideways: ${JSON.stringify(fit)}`);
    const value = page.getByTestId('line-1-value');
    assert.ok(await value.isVisible(), 'the value of line 1 is printed');
    await page.pdf({ path: join(SHOTS, 'order-print.pdf'), format: 'A4' });
    assert.deepEqual(pageErrors, []);
});

test('the HTML form shows styled under its own policy, with no violation and no script', async () => {
    const errors = [];
    const listen = (m) => { if (m.type() === 'error') errors.push(m.text()); };
    page.on('console', listen);
    await page.emulateMedia({ media: 'screen' });
    const r = await page.goto(`${node.base}/api/orders/${ORDER}/forms/invoice.html`);
    assert.equal(r.status(), 200);
    assert.match(r.headers()['content-security-policy'], /^default-src 'none'; style-src 'sha256-/);
    await page.getByTestId('form-number').waitFor();
    const look = await page.evaluate(() => ({
        font: getComputedStyle(document.body).fontFamily,
        border: getComputedStyle(document.querySelector('td')).borderTopStyle,
        scripts: document.scripts.length,
    }));
    assert.match(look.font, /Noto Sans/);
    assert.equal(look.border, 'solid');
    assert.equal(look.scripts, 0);
    page.off('console', listen);
    assert.deepEqual(errors, []);
});

test('done', async () => {
    await browser.close();
    await node.stop();
});
