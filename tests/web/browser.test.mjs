// SPDX-License-Identifier: MIT
// The web UI in Chromium: a cash order raised through the form and walked by each official in a
// browser of their own, refusals beside their field, the dashboard's panels, the Partners page
// with Japan's node joining (sync, reconciliation, quarantine), and screenshots.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { selectors } from 'playwright-core';

import {
    acsa, freshNode, http, identity, launchBrowser, pairNodes, PASSWORD, ROOT, signIn, startServer,
    test,
} from './server.mjs';

const node = await startServer();
selectors.setTestIdAttribute('data-test');
const browser = await launchBrowser();

const DESKTOP = { width: 1366, height: 768 };
const TABLET = { width: 768, height: 1024 };
const SHOTS = join(ROOT, 'build');
mkdirSync(SHOTS, { recursive: true });

/** An ISO date days after today (the browser's and the server's today are the same). */
const fromToday = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);

// ---- Browsers ------------------------------------------------------------------------------

/* Uncaught errors and console errors of every page (a CSP violation is one); the console's
 * note of a refused request is not, as refusals are part of the walk. */
const pageErrors = [];

/** A fresh browser context (no cookies) signed in as username through the sign-in form, on the
 * demo node or the node at base. */
async function signedIn(username, viewport = DESKTOP, base = node.base) {
    const context = await browser.newContext({ viewport, timezoneId: 'UTC' });
    context.setDefaultTimeout(15000);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${username}: ${e.message}`));
    page.on('console', (m) => {
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) {
            pageErrors.push(`${username}: ${m.text()}`);
        }
    });
    await page.goto(`${base}/`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-name').filter({ hasText: /\S/ }).waitFor();
    return page;
}

/** Waits until the element of test name shows text (a string or a RegExp). */
const shows = (scope, name, text) => scope.getByTestId(name).filter({ hasText: text }).first()
    .waitFor();

/** Loads the page afresh at the address hash (#/, #/orders/NUMBER), of the node at base. */
const open = async (page, hash, base = node.base) => {
    await page.goto('about:blank');
    await page.goto(`${base}/${hash}`);
    await page.getByTestId('main').locator('h1').first().waitFor();
};

/** The net balance with Japan in yen on the dashboard, as a number. */
async function netWithJapan(page) {
    await open(page, '#/');
    const cell = page.getByTestId('balance-net-JP-JPY');
    await cell.waitFor();
    return Number((await cell.innerText()).replace(/[^\d-]/g, ''));
}

/** Sets the overdue panel's date and returns the order numbers it lists. */
async function overdueAsOf(page, date) {
    const panel = page.getByTestId('dashboard-overdue');
    await panel.getByTestId('overdue-as-of').fill(date);
    await panel.getByText(`As of ${date}.`).waitFor();
    return panel.getByTestId('overdue-row').locator('a').allInnerTexts();
}

// ---- The dashboard's counts and chart ---------------------------------------------------------

/** "YYYY-MM" of the month n months before this one (UTC). */
const monthsAgo = (n) => {
    const now = new Date();
    const m = now.getUTCFullYear() * 12 + now.getUTCMonth() - n;
    return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
};

test('the approver reads "N awaiting your approval" on the dashboard, linking to those orders',
    async () => {
        const page = await signedIn('in-approver');
        await open(page, '#/');
        const counts = await page.evaluate(async () =>
            (await (await fetch('/api/stats/states')).json()));
        /* Only the orders India asked for await India's approval; Japan's await Japan's. */
        assert.ok(counts.requested.submitted > 0, JSON.stringify(counts));
        assert.ok(counts.requested.submitted < counts.states.submitted, JSON.stringify(counts));
        const queue = page.getByTestId('queue-submitted');
        await queue.filter({ hasText: /awaiting/ }).waitFor();
        assert.equal(await queue.innerText(),
            `${counts.requested.submitted} awaiting your approval`);
        assert.equal(await queue.getAttribute('href'), '#/orders?state=submitted');
        assert.equal(await page.getByTestId('queue-approved').innerText(),
            `${counts.supplied.approved || 'None'} awaiting your acceptance`);
        assert.match(await page.getByTestId('queue-disputed').innerText(),
            new RegExp(`^(${counts.states.disputed}|None) disputed$`));
        await page.context().close();
    });

test('the dashboard chart: received and supplied apart, every month of the period on the axis',
    async () => {
        for (const [width, height, name] of [[1280, 900, 'dashboard-1280'],
            [390, 844, 'dashboard-390']]) {
            const page = await signedIn('in-finance', { width, height });
            await open(page, '#/');
            const figures = await page.evaluate(async () =>
                (await (await fetch('/api/stats/monthly?months=60&limit=500')).json()).items);
            const chart = page.getByTestId('dashboard-chart');
            await chart.getByTestId('chart-months').selectOption('60');
            const usd = chart.getByTestId('chart-USD');
            await usd.locator('[data-test=chart-bar]').first().waitFor();
            /* Two series: what Japan supplied to India and what India supplied to Japan. */
            assert.deepEqual(await usd.getByTestId('chart-series').allTextContents(),
                ['Received from JP', 'Supplied to JP']);
            /* Every month of the 60 on the axis, from 59 months ago to this one. */
            const months = await usd.locator('[data-test=chart-month]').evaluateAll((ticks) =>
                ticks.map((t) => t.getAttribute('data-month')));
            assert.equal(months.length, 60);
            assert.equal(months[0], monthsAgo(59));
            assert.equal(months.at(-1), monthsAgo(0));
            /* A month without USD orders is on the axis, its row of figures empty. */
            const used = new Set(figures.filter((f) => f.currency === 'USD').map((f) => f.month));
            const empty = months.find((m) => !used.has(m));
            assert.ok(empty, 'every month has orders in USD');
            const rows = usd.getByTestId('chart-month-row');
            assert.equal(await rows.count(), 60);
            const cells = await rows.nth(months.indexOf(empty)).locator('td').allInnerTexts();
            assert.deepEqual(cells.slice(1).filter((c) => c !== ''), []);
            /* The totals each way are the API's, rejected and cancelled orders left out. */
            for (const direction of ['received', 'supplied']) {
                const sum = figures.filter((f) => f.currency === 'USD' && f.direction === direction)
                    .reduce((a, f) => a + Math.round(Number(f.value) * 100), 0);
                const total = await usd.getByTestId(`chart-total-USD-${direction}-JP`).innerText();
                assert.equal(Math.round(Number(total.replace(/[^\d.]/g, '')) * 100), sum, total);
            }
            await page.getByTestId('queue-delivered').filter({ hasText: /\d|None/ }).waitFor();
            await page.screenshot({ path: join(SHOTS, `screenshot-${name}.png`), fullPage: true });
            await page.getByTestId('dashboard-queues').screenshot({ path: join(SHOTS,
                `screenshot-${name}-queues.png`) });
            await chart.screenshot({ path: join(SHOTS, `screenshot-${name}-chart.png`) });
            await page.context().close();
        }
    });

// ---- The walk --------------------------------------------------------------------------------

const order = { number: null };
const pages = {}; // username -> the page of that user's browser
let net0;

test('the finance officer reads the balance with Japan on the dashboard', async () => {
    pages['in-finance'] = await signedIn('in-finance');
    await shows(pages['in-finance'], 'user-role', 'Finance officer');
    net0 = await netWithJapan(pages['in-finance']);
    assert.ok(Number.isInteger(net0));
    /* Committed, delivered and settled figures, and the lines in transit. */
    const page = pages['in-finance'];
    await page.getByTestId('balance-committed_payable_cash-JP-JPY').waitFor();
    await page.getByTestId('balance-settled_payable-JP-JPY').waitFor();
    const transit = page.getByTestId('dashboard-transit');
    await transit.getByTestId('transit-as-of').fill('2030-01-01');
    await transit.getByText('As of 2030-01-01:').waitFor();
    assert.ok(await transit.getByTestId('transit-table').isVisible()
        || await transit.getByTestId('transit-empty').isVisible());
});

test('a wrong password shows the server\'s message on the sign-in form', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(`${node.base}/`);
    await page.getByTestId('login-username').fill('in-auditor');
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await shows(page, 'login-error', /wrong/);
    assert.equal(await page.getByTestId('nav').isHidden(), true);
    await context.close();
});

test('the requester raises an order through the form', async () => {
    const page = pages['in-requester'] = await signedIn('in-requester');
    await shows(page, 'user-party', 'Indian Navy');
    await page.getByTestId('nav-new-order').click();
    const form = page.getByTestId('order-form');
    // The demo's exercise running now (PASSEX): a new order may cite it today.
    await form.getByTestId('new-activity').locator('option[value="4"]')
        .waitFor({ state: 'attached' });
    assert.equal(await form.getByTestId('new-agreement').inputValue(), 'IN-JP-2020');
    await form.getByTestId('new-activity').selectOption('4');
    assert.equal(await form.getByTestId('new-place').inputValue(), 'Yokosuka');
    await form.getByTestId('new-method').selectOption('cash');
    await form.getByTestId('new-need-by').fill(fromToday(10));
    assert.equal(await form.getByTestId('new-requester').inputValue(), 'IN');
    assert.equal(await form.getByTestId('new-supplier').inputValue(), 'JP');
    assert.equal(await form.getByTestId('new-requester-unit').inputValue(), '2');
    await form.getByTestId('new-supplier-unit').selectOption('5');
    await form.getByTestId('line-category-0').selectOption('pol');
    await form.getByTestId('line-desc-0').fill('Diesel fuel marine');
    await form.getByTestId('line-qty-0').fill('1000');
    await form.getByTestId('line-unit-0').fill('l');
    await form.getByTestId('line-price-0').fill('150');
    await shows(form, 'new-total', 'Order value: 150,000 JPY');
    await form.getByTestId('order-create').click();
    await page.waitForURL(/#\/orders\/IN-JP-\d{4}-\d{6}$/);
    order.number = decodeURIComponent(page.url().split('/').at(-1));
    await shows(page, 'order-number', order.number);
    await shows(page, 'order-state', 'Draft');
    await shows(page, 'line-1-ordered', '1,000');
});

async function takeStep(page, step, values) {
    const form = page.getByTestId(`action-${step}`);
    for (const [key, v] of Object.entries(values)) {
        await form.getByTestId(`action-${step}-${key}`).fill(v);
    }
    await form.getByTestId(`action-${step}-button`).click();
}

/** One test per step, each through the order page's form in the browser of its official:
 * [step, user, form values, state after]. */
function walk(steps) {
    for (const [step, username, values, state] of steps) {
        test(`${username} takes step ${step} on the order page: ${state}`, async () => {
            const page = pages[username] ??= await signedIn(username);
            await open(page, `#/orders/${order.number}`);
            await page.getByTestId(`action-${step}`).waitFor();
            await takeStep(page, step, values);
            await shows(page, 'order-message', `now ${state.toLowerCase()}`);
            await shows(page, 'order-state', state);
            const last = page.getByTestId('order-events').locator('li.event').last();
            assert.equal(await last.getByTestId('event-step').innerText(),
                step.charAt(0).toUpperCase() + step.slice(1));
        });
    }
}

walk([
    ['submit', 'in-requester', {}, 'Submitted'],
    ['approve', 'in-approver', {}, 'Approved'],
    ['accept', 'jp-approver', {}, 'Accepted'],
]);

test('issuing more than ordered is refused with the message under the quantity', async () => {
    const page = pages['jp-clerk'] = await signedIn('jp-clerk');
    await open(page, `#/orders/${order.number}`);
    await takeStep(page, 'issue', { qty: '5000' });
    const form = page.getByTestId('action-issue');
    // Checked before sending: at most what is open on the line, no request sent.
    await shows(form, 'field-error-qty', 'Quantity: at most 1,000 l open on line 1');
    await shows(form, 'form-error', 'The form has 1 error: see below.');
    assert.equal(await form.getByTestId('action-issue-qty').getAttribute('aria-invalid'), 'true');
    await shows(page, 'order-state', 'Accepted');
});

walk([
    ['issue', 'jp-clerk', { qty: '1000' }, 'Delivering'],
    ['receive', 'in-requester', {}, 'Delivered'],
    ['invoice', 'jp-finance', {}, 'Invoiced'],
]);

test('after the invoice the dashboard shows India owing it, overdue 40 days on', async () => {
    const page = pages['in-finance'];
    assert.equal(await netWithJapan(page), net0 - 150000);
    assert.ok(!(await overdueAsOf(page, fromToday(20))).includes(order.number),
        'not overdue before the 30 days of the agreement');
    assert.ok((await overdueAsOf(page, fromToday(40))).includes(order.number));
    await page.getByTestId('chart-JPY').locator('svg [data-test=chart-bar]').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'screenshot-dashboard.png'), fullPage: true });
});

test('defect 13: the invoiced order lists its numbered invoice and its due date', async () => {
    const page = pages['jp-finance'];
    await open(page, `#/orders/${order.number}`);
    const invoices = page.getByTestId('order-invoices');
    await invoices.waitFor();
    assert.match(await invoices.getByTestId('invoice-number').first().innerText(),
        /^JP-INV-IN-\d{4}-\d{6}$/);
    assert.equal(await invoices.getByTestId('invoice-due').first().innerText(), fromToday(30));
    const inFinance = pages['in-finance'];
    await open(inFinance, `#/orders/${order.number}`);
    const pay = inFinance.getByTestId('action-pay');
    await pay.waitFor();
    for (const key of ['amount', 'currency', 'rate', 'rate-date', 'rate-source', 'invoice']) {
        await pay.getByTestId(`action-pay-${key}`).waitFor();
    }
});

walk([['pay', 'in-finance', {}, 'Settled']]);

test('after the payment the dashboard shows the balance as before, nothing overdue', async () => {
    const page = pages['in-finance'];
    assert.equal(await netWithJapan(page), net0);
    assert.ok(!(await overdueAsOf(page, fromToday(40))).includes(order.number));
});

test('the settled order page: amounts, lines, dates and the history of every step', async () => {
    const page = pages['in-finance'];
    await open(page, `#/orders/${order.number}`);
    await shows(page, 'order-state', 'Settled');
    await shows(page, 'order-value', '150,000 JPY');
    await shows(page, 'order-paid', '150,000 JPY');
    await shows(page, 'order-outstanding', '0 JPY');
    await shows(page, 'line-1-received', '1,000');
    await shows(page, 'order-supplier', 'JP · Japan Maritime Self-Defense Force');
    assert.equal(await page.getByTestId('order-events').locator('li.event').count(), 8);
    const actors = await page.getByTestId('event-actor').allInnerTexts();
    assert.deepEqual(actors, ['Lt Cdr M. Pillai', 'Lt Cdr M. Pillai', 'Cdr A. Rao', 'Capt K. Sato',
        'CPO T. Ito', 'Lt Cdr M. Pillai', 'Cdr M. Kato', 'Cdr N. Menon']);
    await page.getByTestId('event-postings').first().locator('summary').click();
    await page.screenshot({ path: join(SHOTS, 'screenshot-order.png'), fullPage: true });
});

test('at tablet width the order page stacks its panels and still shows every part', async () => {
    const page = await signedIn('in-finance', TABLET);
    await open(page, `#/orders/${order.number}`);
    await shows(page, 'order-state', 'Settled');
    for (const part of ['order-header', 'order-lines', 'order-actions', 'order-due-dates',
        'order-events']) {
        assert.equal(await page.getByTestId(part).isVisible(), true, part);
    }
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= TABLET.width, `the page scrolls sideways (${width}px)`);
    await page.screenshot({ path: join(SHOTS, 'screenshot-tablet.png'), fullPage: true });
});

// ---- Partner nodes ---------------------------------------------------------------------------

/* Japan's node joins last: once it is India's partner node, India's node refuses the Japanese
 * users' steps (Japan's node signs them), which the walk above took on India's node. */
const japan = { node: null };
/** Text of an element without its line breaks. */
// ---- A dispute and its resolution ------------------------------------------------------------

const disputed = { number: null };

test('a delivering order is disputed by the requester through the order page', async () => {
    const run = (args) => acsa(node, ['--db', node.db, ...args]).trim();
    disputed.number = run(['order', 'create', '--agreement', 'IN-JP-2020', '--requester', 'IN',
        '--supplier', 'JP', '--activity', '4', '--requester-unit', '2', '--supplier-unit', '5',
        '--place', 'Yokosuka', '--need-by', fromToday(10), '--method', 'cash',
        '--by', 'Lt Cdr M. Pillai',
        '--line', 'category=water,desc=Potable water,qty=100,unit=l,price=2,currency=JPY']);
    run(['order', 'submit', disputed.number, '--by', 'Lt Cdr M. Pillai']);
    run(['order', 'approve', disputed.number, '--by', 'Cdr A. Rao']);
    run(['order', 'accept', disputed.number, '--by', 'Capt K. Sato']);
    run(['order', 'issue', disputed.number, '--line', '1', '--qty', '100', '--by', 'CPO T. Ito']);
    const page = pages['in-requester'];
    await open(page, `#/orders/${disputed.number}`);
    await page.getByTestId('action-dispute').waitFor();
    await takeStep(page, 'dispute', { reason: 'water not potable on arrival' });
    await shows(page, 'order-message', 'now disputed');
    await shows(page, 'order-state', 'Disputed');
    await shows(page, 'order-disputed-by', 'IN');
    assert.equal(await page.getByTestId('action-receive').count(), 0);
});

test("Japan's official is offered no resolution of India's dispute", async () => {
    const page = pages['jp-approver'] ??= await signedIn('jp-approver');
    await open(page, `#/orders/${disputed.number}`);
    await shows(page, 'order-state', 'Disputed');
    assert.equal(await page.getByTestId('action-resolve').count(), 0);
});

test("India's official resolves the dispute: the order is delivering again", async () => {
    const page = pages['in-approver'] ??= await signedIn('in-approver');
    await open(page, `#/orders/${disputed.number}`);
    const form = page.getByTestId('action-resolve');
    await form.waitFor();
    await form.getByTestId('action-resolve-button').click();
    await shows(form, 'field-error-reason', 'Reason: required');
    await shows(page, 'order-state', 'Disputed');
    await takeStep(page, 'resolve', { reason: 'retested: potable' });
    await shows(page, 'order-message', 'now delivering');
    await shows(page, 'order-state', 'Delivering');
    const last = page.getByTestId('order-events').locator('li.event').last();
    assert.equal(await last.getByTestId('event-step').innerText(), 'Resolve dispute');
    assert.equal(await last.getByTestId('event-detail').innerText(), 'retested: potable');
});

test('after the resolution the requester receives and the order is delivered', async () => {
    const page = pages['in-requester'];
    await open(page, `#/orders/${disputed.number}`);
    await takeStep(page, 'receive', {});
    await shows(page, 'order-state', 'Delivered');
});

const flat = async (locator) => (await locator.innerText()).replace(/\s+/g, ' ').trim();
const demoLastRecord = async () => Number(await node.sqlite.query(
    "SELECT max(seq) FROM records WHERE origin = 'IN'"));

test("Japan's node joins: the programme officer sees it on the Partners page", async () => {
    japan.node = await startServer({ create: freshNode('JP', { users: [{
        username: 'jp-programme', name: 'Capt K. Mori', role: 'programme-officer' }] }) });
    pairNodes(node, japan.node);
    const page = pages['in-programme'] = await signedIn('in-programme');
    await page.getByTestId('nav-partners').click();
    await page.getByTestId('peer-row-JP').waitFor();
    assert.equal(await page.getByTestId('nav-partners').getAttribute('aria-current'), 'page');
    await shows(page, 'partners-nation', '(IN)');
    assert.equal(await flat(page.getByTestId('peer-url-JP')), japan.node.base);
    assert.equal(await flat(page.getByTestId('peer-fingerprint-JP')),
        identity(japan.node).fingerprint);
    for (const [cell, text] of [['peer-received-JP', 'none yet'], ['peer-acked-JP', 'none yet'],
        ['peer-last-sync-JP', 'never']]) {
        assert.equal(await flat(page.getByTestId(cell)), text, cell);
    }
    await shows(page, 'quarantine-empty', 'Nothing refused');
    assert.equal(await page.getByTestId('sync-report').isHidden(), true);
});

test('the Partners page is for programme officers and auditors; only the first syncs',
    async () => {
        const finance = pages['in-finance'];
        await open(finance, '#/');
        assert.equal(await finance.getByTestId('nav-partners').isHidden(), true);
        await open(finance, '#/partners');
        await shows(finance, 'partners-denied', 'programme officers and auditors');
        assert.equal(await finance.getByTestId('peers-table').count(), 0);
        const auditor = await signedIn('in-auditor');
        await auditor.getByTestId('nav-partners').click();
        await auditor.getByTestId('reconcile-JP').waitFor();
        assert.equal(await auditor.getByTestId('sync-JP').count(), 0);
        await auditor.context().close();
    });

test("Sync now sends India's records; Japan's node refuses the demo's Japanese steps",
    async () => {
        const page = pages['in-programme'];
        await page.getByTestId('sync-JP').click();
        const report = page.getByTestId('sync-report');
        await report.getByTestId('sync-summary').waitFor();
        assert.equal(await flat(report.locator('h2')), 'Sync with JP');
        // The demo entered Japan's steps on India's node by hand: Japan's node never signed them.
        await shows(report, 'sync-summary', /JP's node refused [\d,]+ records/);
        const last = await demoLastRecord();
        await shows(page, 'peer-acked-JP', `through no. ${last.toLocaleString('en-US')}`);
        await shows(report, 'sync-acked-through', `through no. ${last.toLocaleString('en-US')}`);
        await shows(page, 'peer-last-sync-JP', new Date().toISOString().slice(0, 10));
        const refused = Number((await flat(report.getByTestId('sync-sent-quarantined')))
            .replace(/,/g, ''));
        assert.ok(refused > 0);
        assert.equal(refused, Number(await japan.node.sqlite.query(
            "SELECT count(*) FROM quarantine WHERE what = 'record'")));
    });

test('Reconcile with Japan lists where the two nodes disagree, as the API does', async () => {
    const page = pages['in-programme'];
    await page.getByTestId('reconcile-JP').click();
    const report = page.getByTestId('reconcile-report');
    await report.getByTestId('reconcile-summary').waitFor();
    await shows(report, 'reconcile-disagree', 'disagree');
    const api = (await http(node.base, 'GET', '/api/reconcile?peer=JP',
        await signIn(node.base, 'in-auditor'))).json;
    assert.ok(api.items.length > 0);
    assert.equal(await report.getByTestId('reconcile-row').count(), api.items.length);
    await shows(report, 'reconcile-summary', `${api.summary.orders_here} here, `
        + `${api.summary.orders_there} on its node`);
    const first = report.getByTestId('reconcile-row').first();
    assert.equal(await flat(first.getByTestId('reconcile-order')), api.items[0].order ?? '—');
    // Quantities read as people count them, not in the API's thousandths.
    const line = api.items.findIndex((i) => /^line \d+\.issued_milli$/.test(i.field)
        && i.ours !== '0');
    assert.ok(line >= 0, 'a line quantity differs');
    const row = report.getByTestId('reconcile-row').nth(line);
    assert.match(await flat(row.getByTestId('reconcile-field')), /^Line \d+, issued$/);
    assert.equal(await flat(row.getByTestId('reconcile-ours')), (Number(api.items[line].ours)
        / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 }));
    assert.equal(await page.evaluate(() => document.activeElement?.textContent),
        'Reconciliation with JP', 'the report has the focus');
    await page.screenshot({ path: join(SHOTS, 'screenshot-partners-differences.png'),
        fullPage: true });
});

test('Reconcile offline, before any bundle came from Japan, says there is no snapshot',
    async () => {
        const page = pages['in-programme'];
        await page.getByTestId('reconcile-offline-JP').click();
        const report = page.getByTestId('reconcile-report');
        await shows(report, 'reconcile-error', "snapshot: no snapshot of JP's node has been "
            + 'received');
        assert.equal(await report.getByTestId('reconcile-table').count(), 0);
    });

test("on Japan's node its officer sees the refused records with the reasons", async () => {
    const page = await signedIn('jp-programme', DESKTOP, japan.node.base);
    await page.getByTestId('nav-partners').click();
    await page.getByTestId('quarantine-table').waitFor();
    await shows(page, 'partners-nation', '(JP)');
    await shows(page, 'peer-received-IN', 'through no.');
    await shows(page, 'quarantine-count', 'The latest 100 entries shown.');
    assert.equal(await page.getByTestId('quarantine-row').count(), 100);
    const reasons = await page.getByTestId('quarantine-reason').allInnerTexts();
    assert.ok(reasons.every((r) => r.length > 10), reasons.join('\n'));
    assert.ok(reasons.some((r) => /JP/.test(r)), reasons.slice(0, 5).join('\n'));
    await page.getByTestId('quarantine-more').click();
    await page.getByTestId('quarantine-row').nth(100).waitFor();
    await page.context().close();
});

test('two nodes that hold the same orders: Sync now, then Reconcile says they agree',
    async () => {
        // India's node with one order for Japan (no demo), and Japan's node, new.
        const india = await startServer({ create: (n) => {
            freshNode('IN', { users: [{ username: 'in-officer', name: 'Capt V. Kulkarni',
                role: 'programme-officer' }], commands: [
                ['unit', 'add', '--party', 'IN', '--name', 'Indian Navy', '--service', 'navy'],
                ['unit', 'add', '--party', 'JP', '--name', 'Japan Maritime Self-Defense Force', '--service', 'jmsdf'],
                ['activity', 'add', '--agreement', 'IN-JP-2020', '--name', 'JIMEX 2026', '--type',
                    'bilateral-training', '--from', fromToday(-5), '--to', fromToday(5)],
            ] })(n);
            const number = acsa(n, ['--db', n.db, 'order', 'create', '--agreement', 'IN-JP-2020',
                '--requester', 'IN', '--supplier', 'JP', '--activity', '1', '--method', 'cash',
                '--requester-unit', '1', '--supplier-unit', '2', '--place', 'Yokosuka',
                '--need-by', fromToday(10),
                '--by', 'Lt Cdr M. Pillai', '--line',
                'category=pol,desc=Diesel fuel marine,qty=1000,unit=l,price=150,currency=JPY'])
                .trim();
            acsa(n, ['--db', n.db, 'order', 'submit', number, '--by', 'Lt Cdr M. Pillai']);
        } });
        const partner = await startServer({ create: freshNode('JP') });
        try {
            pairNodes(india, partner);
            const page = await signedIn('in-officer', DESKTOP, india.base);
            await page.getByTestId('nav-partners').click();
            await page.getByTestId('sync-JP').click();
            const sync = page.getByTestId('sync-report');
            await shows(sync, 'sync-summary', /^Sent [\d,]+ records to JP, received 0 records/);
            assert.equal(await sync.getByTestId('sync-summary').getAttribute('class'),
                'message ok');
            await page.getByTestId('reconcile-JP').click();
            const report = page.getByTestId('reconcile-report');
            await shows(report, 'reconcile-agree', 'The two nodes agree');
            await shows(report, 'reconcile-summary', '1 here, 1 on its node');
            assert.equal(await report.getByTestId('reconcile-table').count(), 0);
            await page.screenshot({ path: '/tmp/acsa-partners.png', fullPage: true });
            await page.screenshot({ path: join(SHOTS, 'screenshot-partners.png'),
                fullPage: true });

            // Japan's node goes down: Reconcile says so plainly.
            await partner.stop();
            await page.getByTestId('reconcile-JP').click();
            await shows(report, 'reconcile-error', /^The node of JP could not be reached: /);
            assert.equal(await report.getByTestId('reconcile-error').getAttribute('role'),
                'alert');
            await page.context().close();
        } finally {
            await partner.stop();
            await india.stop();
        }
    });

test('the Officials page shows grants with titles; the programme officer revokes one',
    async () => {
        const finance = pages['in-finance'];
        await finance.getByTestId('nav-officials').click();
        await finance.getByTestId('officials-table').waitFor();
        assert.equal(await finance.getByTestId('revoke-form').count(), 0);
        const officer = await signedIn('in-programme');
        await officer.getByTestId('nav-officials').click();
        await shows(officer, 'officials-table', 'Fleet Logistics Officer');
        await officer.getByTestId('revoke-party').fill('IN');
        await officer.getByTestId('revoke-name').fill('Gp Capt S. Nair');
        await officer.getByTestId('revoke-date').fill('2099-01-01');
        await officer.getByTestId('revoke-reason').fill('posted away');
        await officer.getByTestId('revoke-submit').click();
        await shows(officer, 'revoke-result', 'end on 2099-01-01');
        await shows(officer, 'officials-table', 'from 2099-01-01: posted away');
        await officer.getByTestId('revoke-submit').click();
        await shows(officer, 'field-error-name', 'holds no grant still to revoke');
        await officer.context().close();
    });

test('signing out returns to the sign-in form', async () => {
    const page = pages['in-requester'];
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-form').waitFor();
    assert.equal(await page.getByTestId('user-box').isHidden(), true);
});

test('no page raised an error or logged one (CSP included)', () => {
    assert.deepEqual(pageErrors, []);
});

test("the browser closes and SIGTERM stops the servers with exit code 0", async () => {
    await browser.close();
    await japan.node?.stop();
    await node.stop();
});
