// SPDX-License-Identifier: MIT
// The reports of requirement 15 over HTTP and in Chromium, on the demo node: who may read them
// (those who may read the balance), a bad parameter refused naming it, the CSV answer; then the
// Reports page walked by a finance officer (every report shown, its CSV downloaded) and read on
// a phone; screenshots at 1280 and 390 pixels wide.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectors } from 'playwright-core';

import {
    assertProblem, http, launchBrowser, PASSWORD, ROOT, signIn, startServer, test,
} from './server.mjs';

const node = await startServer();
selectors.setTestIdAttribute('data-test');
const SHOTS = join(ROOT, 'build');
mkdirSync(SHOTS, { recursive: true });
const TODAY = new Date().toISOString().slice(0, 10);
const REPORTS = [
    ['statement', `?partner=JP&from=2020-01-01&to=${TODAY}`],
    ['open', ''],
    ['unliquidated', ''],
    ['by-method', ''],
    ['yearly', `?year=${TODAY.slice(0, 4)}`],
    ['missing', ''],
];

const finance = await signIn(node.base, 'in-finance');

// ---- HTTP ------------------------------------------------------------------------------------

for (const username of ['in-finance', 'in-programme', 'in-auditor']) {
    test(`${username} reads every report`, async () => {
        const session = await signIn(node.base, username);
        for (const [name, query] of REPORTS) {
            const r = await http(node.base, 'GET', `/api/reports/${name}${query}`, session);
            assert.equal(r.status, 200, `${name}: ${r.text}`);
            assert.ok(Array.isArray(r.json.items), name);
        }
    });
}

for (const username of ['in-requester', 'in-approver', 'in-clerk']) {
    test(`${username} may not read the reports, as the balance`, async () => {
        const session = await signIn(node.base, username);
        for (const [name, query] of REPORTS) {
            const r = await http(node.base, 'GET', `/api/reports/${name}${query}`, session);
            assert.equal(r.status, 403, `${name}: ${r.text}`);
        }
        assert.equal((await http(node.base, 'GET', '/api/balance', session)).status, 403);
    });
}

test('the statement of the demo: cash and kind sections, each closing on its last balance',
    async () => {
        const r = await http(node.base, 'GET', `/api/reports/statement${REPORTS[0][1]}&limit=500`,
            finance);
        assert.equal(r.status, 200);
        const items = r.json.items;
        assert.ok(items.some((x) => x.line === 'posting'), 'the demo has postings with Japan');
        let last = null;
        for (const x of items) {
            if (x.line === 'opening') {
                last = BigInt(x.balance.replace('.', ''));
            } else if (x.line === 'posting') {
                last += BigInt(x.amount.replace('.', ''));
                assert.equal(BigInt(x.balance.replace('.', '')), last, JSON.stringify(x));
            } else {
                assert.equal(BigInt(x.balance.replace('.', '')), last, JSON.stringify(x));
            }
        }
    });

test('bad parameters are refused naming them', async () => {
    const bad = [
        [`/api/reports/statement?partner=JP&from=2024-07-01&to=2024-06-01`, 'from'],
        [`/api/reports/statement?partner=JP&from=2024-02-30&to=2024-06-01`, 'from'],
        [`/api/reports/statement?from=2024-01-01&to=2024-06-01`, 'partner'],
        [`/api/reports/statement?partner=JP&from=2024-01-01&to=2024-06-01&currency=XYZ`,
            'currency'],
        ['/api/reports/yearly?year=123', 'year'],
        ['/api/reports/yearly', 'year'],
        ['/api/reports/open?as_of=yesterday', 'as_of'],
        ['/api/reports/by-method?format=xlsx', 'format'],
        ['/api/reports/missing?colour=red', 'colour'],
    ];
    for (const [path, field] of bad) {
        assertProblem(await http(node.base, 'GET', path, finance), 400, field);
    }
});

test('?format=csv answers an attachment of text/csv', async () => {
    const r = await http(node.base, 'GET', '/api/reports/by-method?format=csv', finance);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/csv; charset=utf-8/);
    assert.match(r.headers.get('content-disposition'), /^attachment; filename="by-method.csv"/);
    assert.match(r.text, /^METHOD,CURRENCY,ORDERS,VALUE,SETTLED,SETTLED VALUE,SETTLED %,AVG DAYS\r\n/);
});

// ---- The page --------------------------------------------------------------------------------

const browser = await launchBrowser();
const pageErrors = [];

async function signedIn(username, width) {
    const context = await browser.newContext({ viewport: { width, height: 900 },
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

/** Shows the report and waits for its table or its empty note. */
async function showReport(page, name, params = {}) {
    await page.getByTestId('report-choice').selectOption(name);
    for (const [param, value] of Object.entries(params)) {
        const control = page.getByTestId(`report-param-${param}`);
        if (await control.evaluate((el) => el.tagName) === 'SELECT') {
            await control.selectOption(value);
        } else {
            await control.fill(value);
        }
    }
    await page.getByTestId('report-show').click();
    await page.locator('[data-test=report-table], [data-test=report-empty]').first().waitFor();
}

let officer;

test('a finance officer finds Reports in the navigation and shows each report', async () => {
    officer = await signedIn('in-finance', 1280);
    await officer.getByTestId('nav-reports').click();
    await officer.getByTestId('report-choice').waitFor();
    const params = {
        statement: { partner: 'JP', from: '2020-01-01', to: TODAY },
        yearly: { year: TODAY.slice(0, 4) },
    };
    for (const [name] of REPORTS) {
        await showReport(officer, name, params[name] || {});
        const [download] = await Promise.all([officer.waitForEvent('download'),
            officer.getByTestId('report-csv').click()]);
        const csv = readFileSync(await download.path(), 'utf8');
        assert.match(csv, /^[A-Z %]+(,[A-Z %]+)*\r\n/, `${name}: ${csv.slice(0, 80)}`);
        assert.match(download.suggestedFilename(), /\.csv$/);
    }
});

test('the statement on the page: its rows, screenshot at 1280', async () => {
    await showReport(officer, 'statement', { partner: 'JP', from: '2020-01-01', to: TODAY });
    assert.ok(await officer.getByTestId('report-row-0').isVisible());
    assert.match(await officer.getByTestId('report-row-0').innerText(), /opening/);
    await officer.screenshot({ path: join(SHOTS, 'screenshot-reports-1280.png'),
        fullPage: true });
});

test('open orders with their totals by state', async () => {
    await showReport(officer, 'open');
    await officer.getByTestId('report-totals').waitFor();
    await officer.screenshot({ path: join(SHOTS, 'screenshot-reports-open-1280.png'),
        fullPage: true });
});

test('a refused period is shown, not a table', async () => {
    await officer.getByTestId('report-choice').selectOption('statement');
    await officer.getByTestId('report-param-partner').selectOption('JP');
    await officer.getByTestId('report-param-from').fill('2024-07-01');
    await officer.getByTestId('report-param-to').fill('2024-06-01');
    await officer.getByTestId('report-show').click();
    await officer.getByTestId('report-error').filter({ hasText: 'is after' }).waitFor();
});

test('on a phone: the statement fits the width', async () => {
    const page = await signedIn('in-auditor', 390);
    await page.goto(`${node.base}/#/reports`);
    await page.getByTestId('report-choice').waitFor();
    await showReport(page, 'statement', { partner: 'JP', from: '2020-01-01', to: TODAY });
    await page.screenshot({ path: join(SHOTS, 'screenshot-reports-390.png') });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth
        - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
    await showReport(page, 'by-method');
    await page.screenshot({ path: join(SHOTS, 'screenshot-reports-by-method-390.png'),
        fullPage: true });
});

test('a requester is offered no Reports', async () => {
    const page = await signedIn('in-requester', 1280);
    assert.equal(await page.getByTestId('nav-reports').isVisible(), false);
    await page.goto(`${node.base}/#/reports`);
    await page.getByTestId('reports-forbidden').waitFor();
});

test('no page error, and the server stops cleanly', async () => {
    assert.deepEqual(pageErrors, []);
    await browser.close();
    await node.stop();
});
