// SPDX-License-Identifier: MIT
// The order page's step forms check before sending, in English and Japanese: several bad
// fields give every error at once, each beside its field in the form's words, and no request
// leaves the browser; a refusal of the server reads in Japanese (the title of its problem type
// after the field's label, the server's detail below); the catalogue translates every problem
// type the server can send (its table in src/server/response.c, and GET /problems). Screenshots
// of the forms with their errors at 1280 and 390 px in both languages go to build/screens/, and
// axe-core finds no serious or critical violation on the pages showing them.

import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { acsa, axeViolations, launchBrowser, PASSWORD, ROOT, startServer, test } from './server.mjs';
import { en, ja } from '../../web/i18n-catalogue.js';

const node = await startServer();
const browser = await launchBrowser();
const SHOTS = join(ROOT, 'build', 'screens');
mkdirSync(SHOTS, { recursive: true });

const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const CATALOGUE = { en, ja };
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const run = (args) => acsa(node, ['--db', node.db, ...args]).trim();

const NAMES = { IN: { raise: 'Lt Cdr M. Pillai', approve: 'Cdr A. Rao', clerk: 'MCPO D. Fernandes' },
    JP: { raise: 'Lt K. Tanaka', approve: 'Capt K. Sato', clerk: 'CPO T. Ito' } };
const UNITS = { IN: '2', JP: '5' };

/** An order of IN to JP (cash, 100 l of water at 2 JPY) raised, approved and accepted. */
function accepted() {
    const number = run(['order', 'create', '--agreement', 'IN-JP-2020', '--requester', 'IN',
        '--supplier', 'JP', '--activity', '4', '--requester-unit', UNITS.IN,
        '--supplier-unit', UNITS.JP, '--place', 'Yokosuka', '--need-by', day(10),
        '--method', 'cash', '--by', NAMES.IN.raise,
        '--line', 'category=water,desc=Potable water,qty=100,unit=l,price=2,currency=JPY']);
    run(['order', 'submit', number, '--by', NAMES.IN.raise]);
    run(['order', 'approve', number, '--by', NAMES.IN.approve]);
    run(['order', 'accept', number, '--by', NAMES.JP.approve]);
    return number;
}

const pageErrors = [];

/** A page signed in as username in lang at viewport; posts collects the step requests sent. */
async function signedIn(username, lang, viewport) {
    const ctx = await browser.newContext({ viewport, timezoneId: 'UTC', bypassCSP: true,
        locale: lang === 'ja' ? 'ja-JP' : 'en-US' });
    ctx.setDefaultTimeout(15000);
    await ctx.addInitScript((code) => {
        try {
            localStorage.setItem('acsa.lang', code);
        } catch {
            /* about:blank has no storage. */
        }
    }, lang);
    const page = await ctx.newPage();
    page.posts = [];
    page.on('pageerror', (e) => pageErrors.push(`${lang} ${username}: ${e.message}`));
    page.on('request', (r) => {
        if (r.method() === 'POST' && /\/api\/orders\/[^/]+\/[a-z-]+$/.test(r.url())) {
            page.posts.push(r.url());
        }
    });
    await page.goto(`${node.base}/`);
    await page.locator('[data-test=login-username]').fill(username);
    await page.locator('[data-test=login-password]').fill(PASSWORD);
    await page.locator('[data-test=login-submit]').click();
    await page.locator('[data-test=user-name]').filter({ hasText: /\S/ }).waitFor();
    return page;
}

async function openOrder(page, number) {
    await page.goto('about:blank');
    await page.goto(`${node.base}/#/orders/${number}`);
    await page.locator('[data-test=order-number]').filter({ hasText: number }).waitFor();
}

/** Fills the step form's controls ({key: value}) and presses its button. */
async function fill(page, step, values) {
    const form = page.locator(`[data-test=action-${step}]`);
    await form.waitFor();
    for (const [key, v] of Object.entries(values)) {
        const control = form.locator(`[data-test=action-${step}-${key}]`);
        if (await control.evaluate((el) => el.tagName === 'SELECT')) {
            await control.selectOption(v);
        } else {
            await control.fill(v);
        }
    }
    await form.locator(`[data-test=action-${step}-button]`).click();
    return form;
}

/** The messages beside the fields of form, by key, as shown. */
async function fieldErrors(form) {
    return Object.fromEntries(await form.locator('[data-test^=field-error-]:visible')
        .evaluateAll((els) => els.map((el) => [el.dataset.test.replace('field-error-', ''),
            el.innerText.trim()])));
}

/** Both widths' screenshots of the step form (and at 390 px the whole page). */
async function shoot(page, form, name) {
    const width = page.viewportSize().width;
    await form.scrollIntoViewIfNeeded();
    await form.screenshot({ path: join(SHOTS, `${name}-${width}.png`) });
    if (width < 600) {
        await page.screenshot({ path: join(SHOTS, `${name}-${width}-page.png`), fullPage: true });
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= width, `${name}: the page scrolls sideways (${wide} px)`);
    }
}

const orders = {};

test('orders to act on', () => {
    orders.issue = accepted();
    orders.pay = accepted();
    run(['order', 'issue', orders.pay, '--line', '1', '--qty', '100', '--by', NAMES.JP.clerk]);
    run(['order', 'receive', orders.pay, '--line', '1', '--qty', '100', '--by', NAMES.IN.raise]);
    run(['order', 'invoice', orders.pay, '--by', 'Cdr H. Mori']);
    orders.reject = run(['order', 'create', '--agreement', 'IN-JP-2020', '--requester', 'IN',
        '--supplier', 'JP', '--activity', '4', '--requester-unit', UNITS.IN,
        '--supplier-unit', UNITS.JP, '--place', 'Yokosuka', '--need-by', day(10),
        '--method', 'cash', '--by', NAMES.IN.raise,
        '--line', 'category=water,desc=Potable water,qty=10,unit=l,price=2,currency=JPY']);
    run(['order', 'submit', orders.reject, '--by', NAMES.IN.raise]);
    run(['order', 'approve', orders.reject, '--by', NAMES.IN.approve]);
});

/* Each form, its bad values and the messages expected beside each field, in each language. */
const CASES = [
    {
        step: 'issue', user: 'jp-clerk', order: 'issue',
        values: { qty: '150.5', date: day(3), // 100 characters of Japanese: within the input's maxlength, but 300 bytes to the server.
        'backdate-reason': '遅'.repeat(100) },
        want: (lang) => (lang === 'en' ? {
            qty: 'Quantity: at most 100 l open on line 1',
            date: `Date: not after today (${day(0)})`,
            backdate_reason: 'Back-entry reason: at most 255 bytes (a Japanese '
                + 'character takes 3)',
        } : {
            qty: `${ja['order.quantity']}：明細 1 の残り 100 l 以下`,
            date: `${ja['order.date']}：今日（${day(0)}）より後の日付は指定できません`,
            backdate_reason: `${ja['order.backEntryReason']}：255 バイト以内（日本語は 1 文字 3 バイト）`,
        }),
    },
    {
        step: 'pay', user: 'in-finance', order: 'pay',
        values: { amount: '12.5', rate: '2', date: '2026-02-30' },
        want: (lang) => (lang === 'en' ? {
            amount: 'Amount: at most 0 decimals in JPY',
            rate: 'Rate: none for a payment in the order\'s currency (JPY)',
            date: 'Date: a date as YYYY-MM-DD',
        } : {
            amount: `${ja['order.amount']}：JPY では小数点以下 0 桁まで`,
            rate: `${ja['order.rate']}：注文の通貨（JPY）での支払いには指定しません`,
            date: `${ja['order.date']}：YYYY-MM-DD 形式の日付を入力してください`,
        }),
    },
    {
        step: 'reject', user: 'jp-approver', order: 'reject',
        values: { reason: '', date: day(5) },
        want: (lang) => (lang === 'en' ? {
            reason: 'Reason: required',
            date: `Date: not after today (${day(0)})`,
        } : {
            reason: `${ja['order.reason']}：必須です`,
            date: `${ja['order.date']}：今日（${day(0)}）より後の日付は指定できません`,
        }),
    },
];

for (const lang of ['en', 'ja']) {
    for (const c of CASES) {
        test(`${lang}: the ${c.step} form shows every error at once beside its field, `
            + 'sending nothing', async () => {
            for (const viewport of Object.values(WIDTHS)) {
                const page = await signedIn(c.user, lang, viewport);
                await openOrder(page, orders[c.order]);
                const form = await fill(page, c.step, c.values);
                await form.locator('[data-test=form-error]').waitFor();
                const want = c.want(lang);
                assert.deepEqual(await fieldErrors(form), want);
                const count = Object.keys(want).length;
                const summary = CATALOGUE[lang]['check.summary']({ n: count })
                    .replace('{n}', String(count));
                assert.equal(await form.locator('[data-test=form-error]').innerText(), summary);
                assert.equal(await form.locator('[aria-invalid=true]').count(), count,
                    'each field in error marked invalid');
                assert.deepEqual(page.posts, [], 'no request sent');
                assert.deepEqual(await axeViolations(page), [], 'axe on the form in error');
                await shoot(page, form, `${lang}-step-errors-${c.step}`);
                await page.context().close();
            }
        });
    }
}

test('a refusal of the server in Japanese: the type\'s title after the field\'s label, the '
    + 'server\'s detail below; in English the server\'s words', async () => {
    for (const lang of ['ja', 'en']) {
        for (const viewport of Object.values(WIDTHS)) {
            const page = await signedIn('in-finance', lang, viewport);
            await openOrder(page, orders.pay);
            // 1,000 INR at 2 is more than the 200 JPY outstanding: only the server can tell.
            const form = await fill(page, 'pay', { amount: '1000', currency: 'INR',
                rate: '2', 'rate-date': day(0), 'rate-source': 'RBI reference rate' });
            const message = form.locator('[data-test=field-error-amount]');
            await message.waitFor();
            assert.equal(page.posts.length, 1, 'the form was sent');
            const detail = message.locator('[data-test=problem-detail]');
            if (lang === 'ja') {
                assert.equal(await message.evaluate((el) => el.firstChild.textContent),
                    `${ja['order.amount']}：${ja['problem.refused']}`);
                assert.match(await detail.innerText(), /^amount: payment of .* exceeds/);
                assert.equal(await detail.getAttribute('lang'), 'en');
            } else {
                assert.match(await message.innerText(), /^amount: payment of .* exceeds/);
                assert.equal(await detail.count(), 0);
            }
            assert.deepEqual(await axeViolations(page), [], 'axe on the refusal');
            await shoot(page, form, `${lang}-step-refused-pay`);
            await page.context().close();
        }
    }
});

test('a sign-in refused reads in Japanese in the form\'s words', async () => {
    const ctx = await browser.newContext({ viewport: WIDTHS.phone, locale: 'ja-JP' });
    await ctx.addInitScript(() => localStorage.setItem('acsa.lang', 'ja'));
    const page = await ctx.newPage();
    await page.goto(`${node.base}/`);
    await page.locator('[data-test=login-username]').fill('in-finance');
    await page.locator('[data-test=login-password]').fill('not-the-password-1');
    await page.locator('[data-test=login-submit]').click();
    const message = page.locator('[data-test=login-error]');
    await message.filter({ hasText: /\S/ }).waitFor();
    assert.equal(await message.innerText(), ja['login.wrong']);
    await ctx.close();
});

/** The problem codes of the server's table and of every literal /problems/CODE in its source. */
function sourceProblemCodes() {
    const dir = join(ROOT, 'src', 'server');
    const codes = new Set();
    const table = readFileSync(join(dir, 'response.c'), 'utf8');
    for (const m of table.matchAll(/\{\s*(\d{3}),\s*ACSA_\w+,\s*"([a-z-]+)"/g)) {
        codes.add(m[2]);
    }
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.c'))) {
        const text = readFileSync(join(dir, file), 'utf8');
        for (const m of text.matchAll(/problem_code\(\s*\w+,\s*\d+,\s*"([a-z-]+)"/g)) {
            codes.add(m[1]);
        }
        for (const m of text.matchAll(/"\/problems\/([a-z][a-z-]+)"/g)) {
            codes.add(m[1]);
        }
    }
    return codes;
}

test('the catalogue translates every problem type the server can send', async () => {
    const codes = sourceProblemCodes();
    assert.ok(codes.size >= 15 && codes.has('refused'), `the table read: ${[...codes]}`);
    const response = await fetch(`${node.base}/problems`, {
        headers: { Accept: 'application/json' } });
    assert.equal(response.status, 200);
    const served = (await response.json()).items.map((i) => i.code);
    assert.deepEqual([...served].sort(), [...new Set(served)].sort());
    served.forEach((code) => codes.add(code));
    const missing = [...codes].flatMap((code) => ['en', 'ja']
        .filter((lang) => typeof CATALOGUE[lang][`problem.${code}`] !== 'string')
        .map((lang) => `${lang}: problem.${code}`));
    assert.deepEqual(missing, [], 'problem types without a translation');
});

test('no uncaught error in any page', () => {
    assert.deepEqual(pageErrors, []);
});

test('teardown', async () => {
    await browser.close();
    await node.stop();
});
