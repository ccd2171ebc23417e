// SPDX-License-Identifier: MIT
// The web UI's export buttons in Chromium: the order list's CSV, XLSX and JSON downloads carry
// the list's filters; the dashboard's journal and postings downloads for a finance officer.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { selectors } from 'playwright-core';

import { launchBrowser, PASSWORD, startServer, test } from './server.mjs';

const node = await startServer();
selectors.setTestIdAttribute('data-test');
const browser = await launchBrowser();
const pageErrors = [];

async function signedIn(username) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 },
        timezoneId: 'UTC', acceptDownloads: true });
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

/** Clicks the button of test name and returns the download's file name and bytes. */
async function download(page, name) {
    const [file] = await Promise.all([page.waitForEvent('download'),
        page.getByTestId(name).click()]);
    return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

let finance;

test('the order list offers CSV, XLSX and JSON exports of what its filters select', async () => {
    finance = await signedIn('in-finance');
    await finance.goto(`${node.base}/#/orders?state=closed`);
    await finance.getByTestId('orders-table').waitFor();
    const href = await finance.getByTestId('export-orders-csv').getAttribute('href');
    assert.equal(href, '/api/export/orders?format=csv&state=closed');
    const csv = await download(finance, 'export-orders-csv');
    assert.match(csv.name, /^acsa-orders-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = csv.bytes.toString('utf8').trimEnd().split('\r\n');
    assert.ok(rows[0].startsWith('number,agreement_id,'), rows[0]);
    assert.ok(rows.length > 1 && rows.slice(1).every((r) => r.includes(',closed,')), rows.join('\n'));
    const shown = await finance.getByTestId('orders-table').locator('tbody tr').count();
    assert.equal(rows.length - 1, shown);
    const xlsx = await download(finance, 'export-orders-xlsx');
    assert.match(xlsx.name, /\.xlsx$/);
    assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK');
    const json = await download(finance, 'export-orders-json');
    assert.equal(JSON.parse(json.bytes.toString('utf8')).length, shown);
    const documents = await download(finance, 'export-documents-csv');
    assert.match(documents.name, /^acsa-documents-\d{4}-\d{2}-\d{2}\.csv$/);
    assert.ok(documents.bytes.toString('utf8').startsWith('id,order,line,kind,sha256,'));
});

test('the dashboard offers the journal of the ledger beside the balance', async () => {
    await finance.goto(`${node.base}/#/`);
    await finance.getByTestId('balance-table').waitFor();
    const journal = await download(finance, 'export-journal-beancount');
    assert.match(journal.name, /^acsa-journal-\d{4}-\d{2}-\d{2}\.beancount$/);
    assert.match(journal.bytes.toString('utf8'), /^option "title" "acsa IN"$/m);
    const ledger = await download(finance, 'export-journal-ledger');
    assert.match(ledger.bytes.toString('utf8'), /^\d{4}-\d{2}-\d{2} \* [A-Z]{2}-[A-Z]{2}-/m);
});

test('the overdue, in-transit, officials and quarantine lists each offer every row as CSV',
    async () => {
        const programme = await signedIn('in-programme');
        await programme.goto(`${node.base}/#/`);
        for (const [name, prefix, header] of [
            ['overdue-export-csv', 'overdue', 'number,agreement_id,requester,supplier,'],
            ['transit-export-csv', 'in-transit', 'number,requester,supplier,state,line,'],
        ]) {
            await programme.getByTestId(name).waitFor();
            const csv = await download(programme, name);
            assert.match(csv.name, new RegExp(`^acsa-${prefix}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
            assert.ok(csv.bytes.toString('utf8').startsWith(header), csv.bytes.toString('utf8'));
        }
        const asOf = '2024-01-31';
        await programme.getByTestId('overdue-as-of').fill(asOf);
        await programme.getByTestId('overdue-as-of').dispatchEvent('change');
        await programme.waitForFunction((d) => document.querySelector(
            '[data-test="overdue-export-csv"]')?.getAttribute('href')?.includes(d), asOf);
        await programme.goto(`${node.base}/#/officials`);
        await programme.getByTestId('officials-table').waitFor();
        const officials = await download(programme, 'officials-export-csv');
        const rows = officials.bytes.toString('utf8').trimEnd().split('\r\n');
        assert.ok(rows[0].startsWith('id,party,name,title,'), rows[0]);
        const shown = await programme.getByTestId('officials-table').locator('tbody tr').count();
        assert.equal(rows.length - 1, shown);
        await programme.goto(`${node.base}/#/quarantine`);
        await programme.getByTestId('quarantine-export-csv').waitFor();
        const quarantine = await download(programme, 'quarantine-export-csv');
        assert.match(quarantine.name, /^acsa-quarantine-\d{4}-\d{2}-\d{2}\.csv$/);
        assert.ok(quarantine.bytes.toString('utf8').startsWith('id,at,peer,via,what,'));
    });

test("an order's page offers its postings", async () => {
    const number = 'IN-JP-2024-000001';
    await finance.goto(`${node.base}/#/orders/${number}`);
    await finance.getByTestId('order-events').waitFor();
    const csv = await download(finance, 'export-order-postings-csv');
    const rows = csv.bytes.toString('utf8').trimEnd().split('\r\n').slice(1);
    assert.ok(rows.length > 0 && rows.every((r) => r.split(',')[1] === number), rows.join('\n'));
});

test('a requester has no journal button, and their order export holds their orders only',
    async () => {
        const requester = await signedIn('jp-requester');
        await requester.goto(`${node.base}/#/`);
        await requester.getByTestId('dashboard-queues').waitFor();
        assert.equal(await requester.getByTestId('export-journal-ledger').count(), 0);
        await requester.goto(`${node.base}/#/orders`);
        await requester.getByTestId('orders-results').locator('table, p').first().waitFor();
        const csv = await download(requester, 'export-orders-csv');
        const rows = csv.bytes.toString('utf8').trimEnd().split('\r\n').slice(1);
        assert.ok(rows.every((r) => r.split(',')[2] === 'JP' || r.split(',')[3] === 'JP'));
    });

test('no page error, and the server stops cleanly', async () => {
    assert.deepEqual(pageErrors, []);
    await browser.close();
    await node.stop();
});
