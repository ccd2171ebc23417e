// SPDX-License-Identifier: MIT
// The web UI in Chromium: a cash order raised through the form and walked by each official in a
// browser of their own, refusals beside their field, the dashboard's panels, and screenshots.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, selectors } from 'playwright-core';

import { PASSWORD, ROOT, startServer, test } from './server.mjs';

const node = await startServer();
selectors.setTestIdAttribute('data-test');
const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

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

/** A fresh browser context (no cookies) signed in as username through the sign-in form. */
async function signedIn(username, viewport = DESKTOP) {
    const context = await browser.newContext({ viewport, timezoneId: 'UTC' });
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

/** Waits until the element of test name shows text (a string or a RegExp). */
const shows = (scope, name, text) => scope.getByTestId(name).filter({ hasText: text }).first()
    .waitFor();

/** Loads the page afresh at the address hash (#/, #/orders/NUMBER). */
const open = async (page, hash) => {
    await page.goto('about:blank');
    await page.goto(`${node.base}/${hash}`);
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

// ---- The walk --------------------------------------------------------------------------------

const order = { number: null };
const pages = {}; // username -> the page of that user's browser
let net0;

test('the finance officer reads the balance with Japan on the dashboard', async () => {
    pages['in-finance'] = await signedIn('in-finance');
    await shows(pages['in-finance'], 'user-role', 'Finance officer');
    net0 = await netWithJapan(pages['in-finance']);
    assert.ok(Number.isInteger(net0));
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
    await form.getByTestId('new-activity').locator('option[value="2"]')
        .waitFor({ state: 'attached' });
    assert.equal(await form.getByTestId('new-agreement').inputValue(), 'IN-JP-2020');
    await form.getByTestId('new-activity').selectOption('2');
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
    await shows(form, 'field-error-qty', /exceed the 1000 ordered/);
    assert.equal(await form.getByTestId('form-error').isHidden(), true);
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

test('signing out returns to the sign-in form', async () => {
    const page = pages['in-requester'];
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-form').waitFor();
    assert.equal(await page.getByTestId('user-box').isHidden(), true);
});

test('no page raised an error or logged one (CSP included)', () => {
    assert.deepEqual(pageErrors, []);
});

test('the browser closes and SIGTERM stops the server with exit code 0', async () => {
    await browser.close();
    await node.stop();
});
