// SPDX-License-Identifier: MIT
// Supporting documents in Chromium: on the order page, a requester attaches a PNG to a line
// through the panel's form (a file input that opens a phone's camera), sees it listed under
// the line with a download link, downloads the same bytes, and sees a refusal (a text file)
// in the panel; an auditor sees the documents and no form. Screenshots at 1280 and 390 px wide
// go to build/ (at 390 px the page must not scroll sideways).

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectors } from 'playwright-core';

import { acsa, launchBrowser, PASSWORD, ROOT, startServer, test } from './server.mjs';

const node = await startServer();
selectors.setTestIdAttribute('data-test');
const browser = await launchBrowser();

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SHOTS = join(ROOT, 'build');
mkdirSync(SHOTS, { recursive: true });
const PNG = join(node.dir, 'ticket.png');
// A 1x1 PNG: a real image, so the screenshot's download link names a file a viewer opens.
writeFileSync(PNG, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQ'
    + 'DwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));
const TEXT = join(node.dir, 'notes.png');
writeFileSync(TEXT, 'not an image at all, whatever its name says\n');

const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const run = (args) => acsa(node, ['--db', node.db, ...args]).trim();

const pageErrors = [];

async function signedIn(username, viewport = DESKTOP) {
    const context = await browser.newContext({ viewport, timezoneId: 'UTC', acceptDownloads: true });
    context.setDefaultTimeout(15000);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${username}: ${e.message}`));
    page.on('console', (m) => {
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) {
            pageErrors.push(`${username}: ${m.text()}`);
        }
    });
    await page.goto(`${node.base}/`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-name').filter({ hasText: /\S/ }).waitFor();
    return page;
}

async function openOrder(page, number) {
    await page.goto('about:blank');
    await page.goto(`${node.base}/#/orders/${number}`);
    await page.getByTestId('order-number').filter({ hasText: number }).waitFor();
    await page.getByTestId('documents-panel').locator('h2').waitFor();
}

const order = { number: null, doc: null };

test('an order of the requester\'s unit, delivered on line 1', () => {
    order.number = run(['order', 'create', '--agreement', 'IN-JP-2020', '--requester', 'IN',
        '--supplier', 'JP', '--activity', '4', '--requester-unit', '2', '--supplier-unit', '5',
        '--place', 'Yokosuka', '--need-by', day(10), '--method', 'cash', '--by',
        'Lt Cdr M. Pillai', '--line',
        'category=pol,desc=Diesel fuel marine,qty=500,unit=l,price=150,currency=JPY', '--line',
        'category=water,desc=Potable water,qty=100,unit=l,price=2,currency=JPY']);
    run(['order', 'submit', order.number, '--by', 'Lt Cdr M. Pillai']);
    run(['order', 'approve', order.number, '--by', 'Cdr A. Rao']);
    run(['order', 'accept', order.number, '--by', 'Capt K. Sato']);
    run(['order', 'issue', order.number, '--line', '1', '--qty', '500', '--by', 'CPO T. Ito']);
    run(['order', 'receive', order.number, '--line', '1', '--qty', '500', '--by',
        'Lt Cdr M. Pillai']);
    assert.match(order.number, /^IN-JP-\d{4}-\d{6}$/);
});

test('the requester attaches a PNG to line 1 and sees it listed with a download link',
    async () => {
        const page = await signedIn('in-requester');
        await openOrder(page, order.number);
        const panel = page.getByTestId('documents-panel');
        await panel.getByTestId('documents-line-1').filter({ hasText: 'received, no document yet' })
            .waitFor();
        const file = panel.getByTestId('document-file');
        assert.equal(await file.getAttribute('accept'), 'application/pdf,image/jpeg,image/png');
        assert.equal(await file.getAttribute('capture'), 'environment');
        await panel.getByTestId('document-line').selectOption('1');
        await panel.getByTestId('document-kind').selectOption('fuel-ticket');
        await file.setInputFiles(PNG);
        await panel.getByTestId('document-attach').click();
        await panel.getByTestId('document-message').filter({ hasText: /Attached IN-DOC-/ })
            .waitFor();
        const link = panel.getByTestId('documents-line-1').getByTestId('document-link');
        await link.waitFor();
        assert.match(await link.innerText(), /^Fuel ticket · IN-DOC-\d{4}-\d{6}$/);
        order.doc = (await link.innerText()).split(' · ')[1];
        const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
        assert.equal(download.suggestedFilename(), `${order.doc}.png`);
        const saved = join(node.dir, 'downloaded.png');
        await download.saveAs(saved);
        assert.deepEqual(readFileSync(saved), readFileSync(PNG));
        await page.screenshot({ path: join(SHOTS, 'screenshot-documents-1280.png'),
            fullPage: true });
        await page.context().close();
    });

test('a text file is refused by its content, and the refusal is shown in the panel',
    async () => {
        const page = await signedIn('in-requester');
        await openOrder(page, order.number);
        const panel = page.getByTestId('documents-panel');
        await panel.getByTestId('document-file').setInputFiles(TEXT);
        await panel.getByTestId('document-attach').click();
        await panel.getByTestId('document-message')
            .filter({ hasText: 'not a PDF, JPEG or PNG file' }).waitFor();
        assert.equal(await panel.getByTestId('document-link').count(), 1);
        await page.context().close();
    });

test('on a phone the panel fits 390 px, with the camera input', async () => {
    const phone = await signedIn('in-requester', PHONE);
    await openOrder(phone, order.number);
    await phone.getByTestId('documents-panel').getByTestId('document-link').waitFor();
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `the page scrolls sideways at 390 px (${width}px)`);
    await phone.getByTestId('documents-panel').scrollIntoViewIfNeeded();
    await phone.screenshot({ path: join(SHOTS, 'screenshot-documents-390.png'), fullPage: true });
    await phone.getByTestId('documents-panel').screenshot({
        path: join(SHOTS, 'screenshot-documents-panel-390.png') });
    await phone.context().close();
});

test('an auditor sees the documents and no form to attach', async () => {
    const page = await signedIn('in-auditor');
    await openOrder(page, order.number);
    const panel = page.getByTestId('documents-panel');
    await panel.getByTestId('document-link').waitFor();
    assert.equal(await panel.getByTestId('document-form').count(), 0);
    await page.context().close();
});

test('the CLI lists what the browser attached', () => {
    const list = JSON.parse(run(['order', 'documents', order.number, '--json']));
    assert.deepEqual(list.map((d) => [d.id, d.line, d.kind, d.content_type]),
        [[order.doc, 1, 'fuel-ticket', 'image/png']]);
});

test('no page raised an error or logged one (CSP included)', () => {
    assert.deepEqual(pageErrors, []);
});

test('the browser closes and SIGTERM stops the server with exit code 0', async () => {
    await browser.close();
    await node.stop();
});
