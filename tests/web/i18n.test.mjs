// SPDX-License-Identifier: MIT
// The web UI in English and Japanese, at 1280 and 390 px: every page checked by axe-core (no
// serious or critical violation), nothing scrolling sideways on a phone, the key facts of the
// order list visible, and a screenshot of each under build/screens/; the message catalogue
// complete in both languages; the language switch remembered; ISO dates with their calendar;
// numbers in the user's locale (lakh grouping for INR); the new-order form's checks, every
// error at once beside its field in the form's words.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { axeViolations, launchBrowser, PASSWORD, ROOT, startServer, test } from './server.mjs';
import { en, ja } from '../../web/i18n-catalogue.js';

const node = await startServer();
const browser = await launchBrowser();
const SHOTS = join(ROOT, 'build', 'screens');
mkdirSync(SHOTS, { recursive: true });

const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
const LANGS = ['en', 'ja'];

/* Uncaught errors of every page. */
const pageErrors = [];

/** A fresh context in lang at viewport (axe is injected, so the page's CSP is bypassed). */
async function context(lang, viewport) {
    const ctx = await browser.newContext({ viewport, timezoneId: 'UTC', bypassCSP: true,
        locale: lang === 'ja' ? 'ja-JP' : 'en-US' });
    ctx.setDefaultTimeout(15000);
    await ctx.addInitScript((code) => {
        try {
            if (!localStorage.getItem('acsa.lang')) {
                localStorage.setItem('acsa.lang', code);
            }
        } catch {
            /* about:blank has no storage. */
        }
    }, lang);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${lang}: ${e.message}`));
    return page;
}

async function signInAs(page, username) {
    await page.goto(`${node.base}/`);
    await page.locator('[data-test=login-username]').fill(username);
    await page.locator('[data-test=login-password]').fill(PASSWORD);
    await page.locator('[data-test=login-submit]').click();
    await page.locator('[data-test=user-name]').filter({ hasText: /\S/ }).waitFor();
}

/** Opens hash and waits for its heading and the end of its loading notes. */
async function open(page, hash) {
    await page.goto('about:blank');
    await page.goto(`${node.base}/${hash}`);
    await page.locator('main h1').first().waitFor();
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(() => !document.querySelector('[data-test=loading]'),
        null, { timeout: 15000 }).catch(() => {});
}

/** Elements wider than the phone's screen (sideways scrolling), as lines. */
async function overflow(page) {
    return page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width + 1) {
            return [];
        }
        return [...document.querySelectorAll('main *')].filter((el) => {
            const r = el.getBoundingClientRect();
            return r.right > width + 1 && r.width > 0 && !el.closest('.chart-scroll');
        }).slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className} `
            + `[${el.dataset.test || ''}] right ${Math.round(el.getBoundingClientRect().right)}`);
    });
}

test('the catalogue: every key in English and in Japanese, placeholders alike', () => {
    const missing = Object.keys(en).filter((k) => !(k in ja));
    const extra = Object.keys(ja).filter((k) => !(k in en));
    assert.deepEqual(missing, [], 'keys without Japanese');
    assert.deepEqual(extra, [], 'Japanese keys without English');
    const names = (v) => (typeof v === 'string' ? [...v.matchAll(/\{(\w+)\}/g)]
        .map((m) => m[1]).sort().join() : '');
    const differ = Object.keys(en).filter((k) => typeof en[k] === 'string'
        && typeof ja[k] === 'string' && names(en[k]) !== names(ja[k]));
    assert.deepEqual(differ, [], 'placeholders differ');
});

/* The pages, each with the user who sees it. */
const PAGES = [
    { name: 'dashboard', hash: '#/', user: 'in-programme' },
    { name: 'orders', hash: '#/orders', user: 'in-programme' },
    { name: 'order', hash: 'ORDER', user: 'in-programme' },
    { name: 'partners', hash: '#/partners', user: 'in-programme' },
    { name: 'officials', hash: '#/officials', user: 'in-programme' },
    { name: 'quarantine', hash: '#/quarantine', user: 'in-programme' },
    { name: 'agreements', hash: '#/agreements', user: 'in-programme' },
    { name: 'agreement', hash: '#/agreements/IN-JP-2020', user: 'in-programme' },
    { name: 'reports', hash: '#/reports', user: 'in-programme' },
    { name: 'new-order', hash: '#/orders/new', user: 'in-requester' },
    { name: 'import', hash: '#/import', user: 'in-requester' },
    { name: 'dashboard-requester', hash: '#/', user: 'in-requester' },
];

for (const lang of LANGS) {
    for (const [size, viewport] of Object.entries(WIDTHS)) {
        test(`every page in ${lang} at ${viewport.width} px: axe, no sideways scroll, `
            + 'screenshots', async () => {
            const problems = [];
            let page = await context(lang, viewport);
            await page.goto(`${node.base}/`);
            await page.locator('[data-test=login-form]').waitFor();
            assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
            problems.push(...(await axeViolations(page)).map((v) => `login: ${v}`));
            await page.screenshot({ path: join(SHOTS, `${lang}-${viewport.width}-login.png`),
                fullPage: true });
            let user = null;
            let orderHash = null;
            for (const p of PAGES) {
                if (p.user !== user) {
                    await page.context().close();
                    page = await context(lang, viewport);
                    await signInAs(page, p.user);
                    user = p.user;
                }
                let hash = p.hash;
                if (hash === 'ORDER') {
                    if (!orderHash) {
                        await open(page, '#/orders');
                        const link = page.locator('[data-test^=order-link-]').first();
                        orderHash = await link.getAttribute('href');
                    }
                    hash = orderHash;
                }
                await open(page, hash);
                problems.push(...(await axeViolations(page)).map((v) => `${p.name}: ${v}`));
                problems.push(...(await page.locator('[data-test=panel-error], '
                    + '[data-test=global-error]:visible, [data-test=orders-error]')
                    .allInnerTexts()).map((text) => `${p.name} error: ${text}`));
                if (size === 'phone') {
                    problems.push(...(await overflow(page)).map((v) => `${p.name} wider: ${v}`));
                }
                await page.screenshot({ path: join(SHOTS,
                    `${lang}-${viewport.width}-${p.name}.png`), fullPage: true });
                await page.screenshot({ path: join(SHOTS,
                    `${lang}-${viewport.width}-${p.name}-top.png`) });
            }
            await page.context().close();
            assert.deepEqual(problems, []);
        });
    }
}

test('the order list at 390 px: number, state, value and outstanding on screen', async () => {
    const page = await context('en', WIDTHS.phone);
    await signInAs(page, 'in-programme');
    await open(page, '#/orders');
    const row = page.locator('[data-test^=order-row-]').first();
    const cells = await row.locator('td').evaluateAll((tds) => tds.map((td) => {
        const r = td.getBoundingClientRect();
        return { label: td.dataset.label, left: r.left, right: r.right, text: td.innerText };
    }));
    for (const label of ['Order', 'State', 'Value', 'Outstanding']) {
        const cell = cells.find((c) => c.label === label);
        assert.ok(cell, `a cell ${label}`);
        assert.ok(cell.left >= 0 && cell.right <= 390, `${label} on screen: ${JSON.stringify(cell)}`);
    }
    await page.context().close();
});

test('Japanese: the switch, remembered; labels, states and the user\'s role in Japanese',
    async () => {
        const page = await context('en', WIDTHS.desktop);
        await page.goto(`${node.base}/`);
        await page.locator('[data-test=login-form]').waitFor();
        assert.equal(await page.locator('[data-test=login-submit]').innerText(), 'Sign in');
        await Promise.all([page.waitForEvent('load'),
            page.locator('[data-test=lang-switch]').selectOption('ja')]);
        await page.locator('[data-test=login-form]').waitFor();
        assert.equal(await page.locator('[data-test=login-submit]').innerText(), 'サインイン');
        await signInAs(page, 'in-finance');
        assert.equal(await page.locator('[data-test=nav-orders]').innerText(), '注文');
        assert.equal(await page.locator('[data-test=user-role]').innerText(), '会計担当');
        await open(page, '#/orders');
        assert.match(await page.locator('main h1').innerText(), /注文/);
        // The choice outlives the page and the session.
        await page.locator('[data-test=sign-out]').click();
        await page.reload();
        await page.locator('[data-test=login-form]').waitFor();
        assert.equal(await page.locator('[data-test=login-submit]').innerText(), 'サインイン');
        await page.context().close();
    });

test('numbers in the user\'s locale: INR grouped in lakh and crore in English', async () => {
    const page = await context('en', WIDTHS.desktop);
    await page.goto(`${node.base}/`);
    await page.locator('[data-test=login-form]').waitFor();
    const text = await page.evaluate(async () => {
        const f = await import('./format.js');
        return [f.money('5199700.00', 'INR'), f.money('1880000', 'JPY'),
            f.money('-123456789.5', 'INR'), f.quantity('12000.5', 'l')];
    });
    assert.deepEqual(text, ['51,99,700.00 INR', '1,880,000 JPY', '-12,34,56,789.5 INR',
        '12,000.5 l']);
    await page.context().close();
});

test('the new-order form: every error at once, beside its field, in the form\'s words; '
    + 'dates in ISO with a calendar', async () => {
    for (const lang of LANGS) {
        const page = await context(lang, WIDTHS.phone);
        await signInAs(page, 'in-requester');
        await open(page, '#/orders/new');
        const form = page.locator('[data-test=order-form]');
        await form.locator('[data-test=line-category-0] option').nth(1).waitFor({
            state: 'attached' });
        await form.locator('[data-test=line-currency-0]').selectOption('INR');
        await form.locator('[data-test=line-qty-0]').fill('abc');
        await form.locator('[data-test=line-price-0]').fill('1.234');
        await form.locator('[data-test=new-need-by]').fill('2026-13-40');
        await form.locator('[data-test=order-create]').click();
        const error = (key) => form.locator(`[data-test=field-error-${key}]`);
        await error('line-price-0').waitFor();
        const want = lang === 'en' ? {
            price: 'Line 1, unit price: at most 2 decimals in INR',
            qty: 'Line 1, quantity: a number, such as 12 or 12.5',
            desc: 'Line 1, description: required',
            need: 'Needed by: a date as YYYY-MM-DD',
        } : {
            price: '明細 1、単価：INR では小数点以下 2 桁まで',
            qty: '明細 1、数量：12 や 12.5 のような数値を入力してください',
            desc: '明細 1、品名：必須です',
            need: '必要期日：YYYY-MM-DD 形式の日付を入力してください',
        };
        assert.equal(await error('line-price-0').innerText(), want.price);
        assert.equal(await error('line-qty-0').innerText(), want.qty);
        assert.equal(await error('line-desc-0').innerText(), want.desc);
        assert.equal(await error('need_by').innerText(), want.need);
        assert.equal(await form.locator('[data-test=form-error]').isVisible(), true);
        assert.equal(await form.locator('[data-test=line-price-0]')
            .getAttribute('aria-invalid'), 'true');
        await page.screenshot({ path: join(SHOTS, `${lang}-390-new-order-errors.png`),
            fullPage: true });
        // The calendar writes ISO.
        const needBy = form.locator('[data-test=new-need-by]');
        await needBy.fill('2027-03-10');
        await form.locator('[data-test=new-need-by-pick]').click();
        const picker = page.locator('[data-test=date-picker]');
        await picker.waitFor();
        assert.equal(await picker.locator('.date-month').innerText(), '2027-03');
        await page.screenshot({ path: join(SHOTS, `${lang}-390-date-picker.png`) });
        await picker.locator('[data-date="2027-03-21"]').click();
        assert.equal(await needBy.inputValue(), '2027-03-21');
        assert.equal(await picker.count(), 0);
        await page.context().close();
    }
});

test('no uncaught error in any page', () => {
    assert.deepEqual(pageErrors, []);
});

test('teardown', async () => {
    await browser.close();
    await node.stop();
});
