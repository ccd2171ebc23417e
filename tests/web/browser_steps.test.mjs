// SPDX-License-Identifier: MIT
// The ways out and the settlement steps in Chromium, each through the order page's form of the
// official who may take it, on a desktop and on a phone: a short delivery closed by close-line
// then invoiced in part, a cross-currency payment against a chosen invoice, a receipt
// corrected, a dispute and who raised it, back-entered marks, a return partly rejected, one
// exchange order matched against two, a draft amended with lines added and removed, and a grant
// of authority. Each checks the resulting view; screenshots at 1280 and 390 px wide go to build/
// (at 390 px the page must not scroll sideways and the step forms' controls be 44 px high).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
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

const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const TODAY = day(0);
const run = (args) => acsa(node, ['--db', node.db, ...args]).trim();

const NAMES = { IN: { raise: 'Lt Cdr M. Pillai', approve: 'Cdr A. Rao', clerk: 'MCPO D. Fernandes' },
    JP: { raise: 'Lt K. Tanaka', approve: 'Capt K. Sato', clerk: 'CPO T. Ito' } };
const UNITS = { IN: '2', JP: '5' };

/** An order of requester to supplier raised, approved and accepted through the CLI. */
function accepted(requester, supplier, method, lines) {
    const other = NAMES[supplier];
    const mine = NAMES[requester];
    const number = run(['order', 'create', '--agreement', 'IN-JP-2020', '--requester', requester,
        '--supplier', supplier, '--activity', '4', '--requester-unit', UNITS[requester],
        '--supplier-unit', UNITS[supplier], '--place', 'Yokosuka', '--need-by', day(10),
        '--method', method, '--by', mine.raise, ...lines.flatMap((l) => ['--line', l])]);
    run(['order', 'submit', number, '--by', mine.raise]);
    run(['order', 'approve', number, '--by', mine.approve]);
    run(['order', 'accept', number, '--by', other.approve]);
    return number;
}

/** Issues and receives qty of line on an order of requester (CLI). */
function deliver(number, requester, supplier, line, issued, received = issued) {
    run(['order', 'issue', number, '--line', String(line), '--qty', String(issued), '--by',
        NAMES[supplier].clerk]);
    if (received > 0) {
        run(['order', 'receive', number, '--line', String(line), '--qty', String(received),
            '--by', NAMES[requester].raise]);
    }
}

const water = (qty, price = 2) => `category=water,desc=Potable water,qty=${qty},unit=l,`
    + `price=${price},currency=JPY`;
const diesel = (qty) => `category=pol,desc=Diesel fuel marine,qty=${qty},unit=l,price=150,`
    + 'currency=JPY';

// ---- Browsers --------------------------------------------------------------------------------

const pageErrors = [];
const pages = {};

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

const as = async (username) => (pages[username] ??= await signedIn(username));

const shows = (scope, name, text) => scope.getByTestId(name).filter({ hasText: text }).first()
    .waitFor();

async function openOrder(page, number) {
    await page.goto('about:blank');
    await page.goto(`${node.base}/#/orders/${number}`);
    await shows(page, 'order-number', number);
}

/** Fills the step form's inputs and selects ({key: value}) and sends it. */
async function takeStep(page, step, values = {}) {
    const form = page.getByTestId(`action-${step}`);
    await form.waitFor();
    for (const [key, v] of Object.entries(values)) {
        const control = form.getByTestId(`action-${step}-${key}`);
        if (await control.evaluate((el) => el.tagName === 'SELECT')) {
            await control.selectOption(v);
        } else {
            await control.fill(v);
        }
    }
    await form.getByTestId(`action-${step}-button`).click();
    return form;
}

/** Takes the step and waits for the confirmation naming the new state. */
async function stepTo(page, step, values, state) {
    await takeStep(page, step, values);
    await shows(page, 'order-message', `now ${state.toLowerCase()}`);
    await shows(page, 'order-state', state);
}

const flat = async (locator) => (await locator.innerText()).replace(/\s+/g, ' ').trim();

/** A phone-width look at the order as username: no sideways scroll; shots at both widths. */
async function shoot(username, number, name) {
    await openOrder(pages[username], number);
    await pages[username].screenshot({ path: join(SHOTS, `screenshot-${name}-1280.png`),
        fullPage: true });
    const phone = await signedIn(username, PHONE);
    await openOrder(phone, number);
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `${name}: the page scrolls sideways at 390 px (${width}px)`);
    const small = await phone.evaluate(() => [...document.querySelectorAll(
        '[data-test="order-actions"] button, [data-test="order-actions"] input:not([type=checkbox]),'
        + ' [data-test="order-actions"] select')]
        .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
        .map((el) => el.dataset.test || el.tagName));
    assert.deepEqual(small, [], `${name}: tap targets under 44 px high at 390 px`);
    await phone.screenshot({ path: join(SHOTS, `screenshot-${name}-390.png`), fullPage: true });
    await phone.context().close();
}

// ---- A short delivery closed, invoiced in part, paid across currencies ------------------------

const short = { number: null, invoices: [] };

test('defect 2: a short delivery is closed by close-line on the order page', async () => {
    short.number = accepted('IN', 'JP', 'cash', [water(100), diesel(50)]);
    deliver(short.number, 'IN', 'JP', 1, 100);
    deliver(short.number, 'IN', 'JP', 2, 50, 30);
    const page = await as('in-requester');
    await openOrder(page, short.number);
    await shows(page, 'order-state', 'Delivering');
    const form = page.getByTestId('action-close-line');
    // Only the line still short is offered; a close without a reason is refused beside it.
    assert.deepEqual(await form.getByTestId('action-close-line-line').locator('option')
        .evaluateAll((os) => os.map((o) => o.value)), ['2']);
    await takeStep(page, 'close-line', {});
    await shows(form, 'field-error-reason', 'Reason: required');
    await shows(form, 'form-error', 'The form has 1 error: see below.');
    await stepTo(page, 'close-line', { line: '2', reason: 'supplier short of stock' },
        'Delivered');
    await shows(page, 'line-2-closed', 'closed short');
    assert.equal(await flat(page.getByTestId('line-2-received')), '30');
    const change = page.getByTestId('order-changes').getByTestId('change-row-0');
    assert.equal(await flat(change.getByTestId('change-step')), 'Close line short');
    assert.equal(await flat(change.getByTestId('change-what')), 'line 2 closed at 30 l received');
    assert.equal(await flat(change.getByTestId('change-reason')), 'supplier short of stock');
});

test('defect 13: the supplier invoices part of a line; the invoice shows its quantity', async () => {
    const page = await as('jp-finance');
    await openOrder(page, short.number);
    const form = await takeStep(page, 'invoice', { line: '1', qty: '200' });
    await shows(form, 'field-error-qty', 'Quantity: at most 100 l left to invoice on line 1');
    await stepTo(page, 'invoice', { line: '1', qty: '60' }, 'Delivered');
    const invoices = page.getByTestId('order-invoices');
    short.invoices.push(await flat(invoices.getByTestId('invoice-number').first()));
    assert.match(short.invoices[0], /^JP-INV-IN-\d{4}-\d{6}$/);
    assert.equal(await flat(invoices.getByTestId('invoice-qty').first()), 'line 1: 60 l');
    assert.equal(await flat(invoices.getByTestId('invoice-amount').first()), '120 JPY');
    assert.equal(await flat(invoices.getByTestId('invoice-due').first()), day(30));
    // The rest: every received quantity not yet invoiced, in a second invoice.
    await stepTo(page, 'invoice', {}, 'Invoiced');
    short.invoices.push(await flat(invoices.getByTestId('invoice-number').nth(1)));
    assert.equal(await flat(invoices.getByTestId('invoice-qty').nth(1)),
        'line 1: 40 l; line 2: 30 l');
    assert.equal(await flat(invoices.getByTestId('invoice-amount').nth(1)), '4,580 JPY');
});

test('defect 13: a payment in INR at a stated rate against the second invoice', async () => {
    const page = await as('in-finance');
    await openOrder(page, short.number);
    const form = await takeStep(page, 'pay', { invoice: short.invoices[1], amount: '2290',
        currency: 'INR' });
    await shows(form, 'field-error-rate', 'Rate: required for a payment in INR of an order in JPY');
    await stepTo(page, 'pay', { invoice: short.invoices[1], amount: '2290', currency: 'INR',
        rate: '2', 'rate-date': TODAY, 'rate-source': 'RBI reference rate' }, 'Invoiced');
    const payment = page.getByTestId('order-payments').getByTestId('payment-row-0');
    assert.equal(await flat(payment.getByTestId('payment-invoice')), short.invoices[1]);
    assert.equal(await flat(payment.getByTestId('payment-paid')), '2,290.00 INR');
    assert.equal(await flat(payment.getByTestId('payment-rate')),
        `1 INR = 2 JPY (${TODAY}, RBI reference rate)`);
    assert.equal(await flat(payment.getByTestId('payment-credited')), '4,580 JPY');
    const second = page.getByTestId(`invoice-row-${short.invoices[1]}`);
    assert.equal(await flat(second.getByTestId('invoice-open')), '0 JPY');
    assert.equal(await flat(second.getByTestId('invoice-status')), 'Paid');
    const first = page.getByTestId(`invoice-row-${short.invoices[0]}`);
    assert.equal(await flat(first.getByTestId('invoice-open')), '120 JPY');
    await shows(page, 'order-outstanding', '120 JPY');
    await shoot('in-finance', short.number, 'order-settlement');
});

// ---- A receipt corrected ---------------------------------------------------------------------

test('a receipt recorded too high is corrected by the requester: delivering again', async () => {
    const number = accepted('IN', 'JP', 'cash', [water(100)]);
    deliver(number, 'IN', 'JP', 1, 100);
    const page = await as('in-requester');
    await openOrder(page, number);
    await shows(page, 'order-state', 'Delivered');
    const form = page.getByTestId('action-correct');
    assert.deepEqual(await form.getByTestId('action-correct-step').locator('option')
        .evaluateAll((os) => os.map((o) => o.value)), ['receive']);
    assert.equal(await form.getByTestId('action-correct-qty').inputValue(), '100');
    await takeStep(page, 'correct', { qty: '150', reason: 'recount' });
    await shows(form, 'field-error-qty', /exceed the 100 issued/);
    await stepTo(page, 'correct', { qty: '90', reason: 'recount: 10 l short' }, 'Delivering');
    assert.equal(await flat(page.getByTestId('line-1-received')), '90');
    const change = page.getByTestId('order-changes').getByTestId('change-row-0');
    assert.equal(await flat(change.getByTestId('change-what')),
        'line 1: receive set to 90 l (-20 JPY)');
    const last = page.getByTestId('order-events').locator('li.event').last();
    assert.equal(await last.getByTestId('event-step').innerText(), 'Correct');
    assert.match(await flat(last.locator('.event-what')), /^line 1 · receive corrected to 90 l · -20 JPY$/);
    await shoot('in-requester', number, 'order-correction');
});

test('a disputed order says which party raised the dispute, who, when and why', async () => {
    const number = accepted('IN', 'JP', 'cash', [water(50)]);
    deliver(number, 'IN', 'JP', 1, 50, 0);
    const page = await as('in-requester');
    await openOrder(page, number);
    await stepTo(page, 'dispute', { reason: 'wrong grade delivered' }, 'Disputed');
    const note = page.getByTestId('order-dispute');
    assert.equal(await flat(note), `Disputed by IN (Lt Cdr M. Pillai, ${TODAY}): `
        + 'wrong grade delivered. Only that party\'s official may resolve it; every other '
        + 'step waits.');
    assert.equal(await page.getByTestId('action-receive').count(), 0);
    const change = page.getByTestId('order-changes').getByTestId('change-row-0');
    assert.equal(await flat(change.getByTestId('change-step')), 'Dispute');
});

test('steps the API marks back-entered are tagged in the title, the history and the tables',
    async () => {
        // The marks come with the dated-steps rules; the view is shown them here by
        // rewriting the order's answer in the browser.
        const page = await as('in-finance');
        await page.route(`**/api/orders/${short.number}`, async (route) => {
            const response = await route.fetch();
            const json = await response.json();
            json.events.filter((e) => e.step === 'pay' || e.step === 'close-line')
                .forEach((e) => Object.assign(e, { back_entered: true,
                    backdate_reason: 'entered from the paper ledger' }));
            await route.fulfill({ response, json });
        });
        await openOrder(page, short.number);
        await shows(page, 'order-back-entered', '2 back-entered steps');
        assert.equal(await flat(page.getByTestId('payment-back-entered')),
            'Back-entered: entered from the paper ledger');
        assert.equal(await page.getByTestId('change-back-entered').count(), 1);
        assert.equal(await page.getByTestId('event-back-entered').count(), 2);
        await page.unroute(`**/api/orders/${short.number}`);
        await openOrder(page, short.number);
        assert.equal(await page.getByTestId('order-back-entered').count(), 0);
    });

// ---- A return partly rejected ----------------------------------------------------------------

test('defect 11: the supplier rejects part of a return; that quantity is owed again',
    async () => {
        const number = accepted('IN', 'JP', 'rik', [water(100, 10)]);
        deliver(number, 'IN', 'JP', 1, 100);
        run(['order', 'return', number, '--line', '1', '--qty', '100', '--by', NAMES.IN.raise]);
        run(['order', 'accept-return', number, '--line', '1', '--qty', '80', '--by',
            NAMES.JP.clerk]);
        const page = await as('jp-clerk');
        await openOrder(page, number);
        const form = page.getByTestId('action-reject-return');
        assert.equal(await form.getByTestId('action-reject-return-qty').inputValue(), '20');
        await takeStep(page, 'reject-return', { qty: '30', reason: 'damaged in transit' });
        await shows(form, 'field-error-qty', 'Quantity: at most 20 l open on line 1');
        await stepTo(page, 'reject-return', { qty: '20', reason: 'damaged in transit' },
            'Delivered');
        assert.equal(await flat(page.getByTestId('line-1-returned')), '80');
        assert.equal(await flat(page.getByTestId('line-1-accepted')), '80');
        await shows(page, 'order-outstanding', '200 JPY');
        const change = page.getByTestId('order-changes').getByTestId('change-row-0');
        assert.equal(await flat(change.getByTestId('change-what')),
            'line 1: 20 l of the return refused');
        assert.equal(await page.getByTestId('action-reject-return').count(), 0);
        await shoot('jp-clerk', number, 'order-return-rejected');
    });

// ---- One exchange order against two -----------------------------------------------------------

test('an exchange order is matched against two reverse orders ticked on its page', async () => {
    const mine = accepted('IN', 'JP', 'eve', [water(100, 10)]);
    deliver(mine, 'IN', 'JP', 1, 100);
    const theirs = [60, 40].map((qty) => {
        const number = accepted('JP', 'IN', 'eve', [water(qty, 10)]);
        deliver(number, 'JP', 'IN', 1, qty);
        return number;
    });
    const page = await as('in-finance');
    await openOrder(page, mine);
    const form = page.getByTestId('action-exchange');
    for (const number of theirs) {
        await form.getByTestId(`action-exchange-with-${number}`).check();
    }
    await stepTo(page, 'exchange', {}, 'Settled');
    assert.equal(await flat(page.getByTestId('order-exchanged-with')), theirs.join(', '));
    // One exchange event for each order matched, in the order ticked.
    const events = page.getByTestId('order-events').locator('li.event');
    const count = await events.count();
    for (const [i, number] of theirs.entries()) {
        const event = events.nth(count - theirs.length + i);
        assert.equal(await event.getByTestId('event-step').innerText(), 'Exchange');
        assert.equal(await event.getByTestId('event-detail').innerText(),
            `exchanged with ${number}`);
    }
    for (const number of theirs) {
        await openOrder(page, number);
        await shows(page, 'order-state', 'Settled');
        await shows(page, 'order-exchanged-with', mine);
    }
    await shoot('in-finance', mine, 'order-exchange');
});

// ---- A draft amended ---------------------------------------------------------------------------

test('defect 8: a draft is amended on its page: unit, place, a line added, one removed',
    async () => {
        const number = run(['order', 'create', '--agreement', 'IN-JP-2020', '--requester', 'IN',
            '--supplier', 'JP', '--activity', '4', '--requester-unit', '2', '--method', 'cash',
            '--by', NAMES.IN.raise, '--line', water(100), '--line', diesel(10)]);
        const page = await as('in-requester');
        await openOrder(page, number);
        const form = page.getByTestId('action-amend');
        await form.getByTestId('action-amend-add-line').click();
        await form.getByTestId('action-amend-add-category-0').selectOption('pol');
        await form.getByTestId('action-amend-add-desc-0').fill('Lubricating oil');
        await form.getByTestId('action-amend-add-qty-0').fill('20');
        await form.getByTestId('action-amend-add-unit-0').fill('l');
        await form.getByTestId('action-amend-add-price-0').fill('-5');
        await form.getByTestId('action-amend-button').click();
        await shows(form, 'field-error-add-price-0',
            'New line 1, unit price: a number, such as 12 or 12.5');
        await form.getByTestId('action-amend-add-price-0').fill('400');
        await form.getByTestId('action-amend-remove-2').check();
        await stepTo(page, 'amend', { supplier_unit: '5', place: 'Kure', need_by: day(12) },
            'Draft');
        await shows(page, 'order-supplier', 'Japan Maritime Self-Defense Force');
        await shows(page, 'order-place', 'Kure');
        assert.equal(await page.getByTestId('order-lines').locator('tbody tr').count(), 2);
        assert.equal(await flat(page.getByTestId('line-row-2').locator('td').nth(2)),
            'Lubricating oil');
        await shows(page, 'order-value', '8,200 JPY');
        await shoot('in-requester', number, 'order-amend');
    });

// ---- A grant of authority ------------------------------------------------------------------------

test('defect 12: the programme officer grants an official authority from a date', async () => {
    const page = await as('in-programme');
    await page.getByTestId('nav-officials').click();
    const form = page.getByTestId('grant-form');
    await form.waitFor();
    await form.getByTestId('grant-party').selectOption('IN');
    await form.getByTestId('grant-name').fill('Cdr P. Iyer');
    await form.getByTestId('grant-title').fill('Deputy Fleet Logistics Officer');
    await form.getByTestId('grant-limit').fill('12.345');
    await form.getByTestId('grant-currency').selectOption('INR');
    await form.getByTestId('grant-from').fill(TODAY);
    await form.getByTestId('grant-submit').click();
    await shows(form, 'field-error-limit', /limit/);
    await form.getByTestId('grant-limit').fill('250000');
    await form.getByTestId('grant-agreement').selectOption('IN-JP-2020');
    await form.getByTestId('grant-submit').click();
    await shows(form, 'grant-result', 'Cdr P. Iyer may act from');
    await shows(page, 'officials-table', 'Deputy Fleet Logistics Officer');
    const finance = await as('in-finance');
    await finance.getByTestId('nav-officials').click();
    await finance.getByTestId('officials-table').waitFor();
    assert.equal(await finance.getByTestId('grant-form').count(), 0);
    await page.screenshot({ path: join(SHOTS, 'screenshot-officials-1280.png'), fullPage: true });
    const phone = await signedIn('in-programme', PHONE);
    await phone.getByTestId('nav-officials').click();
    await phone.getByTestId('grant-form').waitFor();
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `officials: the page scrolls sideways (${width}px)`);
    await phone.screenshot({ path: join(SHOTS, 'screenshot-officials-390.png'), fullPage: true });
    await phone.context().close();
});

test('no page raised an error or logged one (CSP included)', () => {
    assert.deepEqual(pageErrors, []);
});

test('the browser closes and SIGTERM stops the server with exit code 0', async () => {
    await browser.close();
    await node.stop();
});
