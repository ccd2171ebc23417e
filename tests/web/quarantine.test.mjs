// SPDX-License-Identifier: MIT
// The Quarantine page in Chromium: Japan's node raises an order under an agreement India's node
// has not loaded, India's node refuses the activity and the order; its auditor sees them with
// the reasons and no form, its programme officer retries one too early (refused again, named,
// still open), loads the agreement, retries both (applied), and finds them under "decided ones
// too" with the decision. Screenshots at desktop (1280) and phone (390) width.

import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectors } from 'playwright-core';

import {
    acsa, freshNode, launchBrowser, pairNodes, PASSWORD, ROOT, startServer, test,
} from './server.mjs';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SHOTS = join(ROOT, 'build');
mkdirSync(SHOTS, { recursive: true });

// A second agreement between the same parties, loaded on Japan's node only.
const scratch = mkdtempSync(join(tmpdir(), 'acsa-quarantine.'));
const SECOND = join(scratch, 'india-japan-2024.json');
const agreement = JSON.parse(readFileSync(join(ROOT, 'agreements/india-japan-2020.json'), 'utf8'));
writeFileSync(SECOND, JSON.stringify({ ...agreement, id: 'IN-JP-2024',
    title: `${agreement.title} (second)` }, null, 2));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const india = await startServer({ create: freshNode('IN', { users: [
    { username: 'in-po', name: 'PO Sharma', role: 'programme-officer' },
    { username: 'in-auditor', name: 'Ms Gupta', role: 'auditor' }] }) });
const japan = await startServer({ create: freshNode('JP', {
    commands: [['agreement', 'load', SECOND]] }) });
pairNodes(india, japan);
const onJapan = (...args) => acsa(japan, ['--db', japan.db, ...args]).trim();

selectors.setTestIdAttribute('data-test');
const browser = await launchBrowser();
const pageErrors = [];

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
    await page.goto(`${india.base}/`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-name').filter({ hasText: /\S/ }).waitFor();
    return page;
}

const shows = (scope, name, text) => scope.getByTestId(name).filter({ hasText: text }).first()
    .waitFor();
let order = '';

test("Japan's activity and order under an agreement India lacks are quarantined on India",
    async () => {
        const unit = onJapan('unit', 'add', '--party', 'JP', '--name', 'JMSDF', '--service',
            'jmsdf');
        const activity = onJapan('activity', 'add', '--agreement', 'IN-JP-2024', '--name',
            'JIMEX 2024', '--type', 'bilateral-training', '--from', '2024-06-01', '--to',
            '2024-06-20', '--place', 'Yokosuka');
        order = onJapan('order', 'create', '--agreement', 'IN-JP-2024', '--requester', 'JP',
            '--supplier', 'IN', '--activity', activity, '--requester-unit', unit, '--place',
            'Yokosuka', '--need-by', '2024-06-14', '--method', 'cash', '--by', '1Lt Mori',
            '--date', '2024-06-11', '--backdate-reason', 'replayed from exercise records',
            '--line', 'category=water,desc=Potable water,qty=500,unit=l,price=2,currency=JPY');
        const report = JSON.parse(onJapan('sync', '--peer', 'IN', '--json'));
        assert.equal(report.sent_quarantined, 2);
    });

test('the auditor sees the open entries with their reasons and no form', async () => {
    const page = await signedIn('in-auditor');
    await page.getByTestId('nav-quarantine').click();
    await page.getByTestId('quarantine-table').waitFor();
    assert.equal(await page.getByTestId('nav-quarantine').getAttribute('aria-current'), 'page');
    const rows = page.locator('[data-test^="quarantine-entry-"]');
    assert.equal(await rows.count(), 2);
    await shows(page, 'quarantine-table', 'IN-JP-2024 is not loaded here');
    await shows(page, 'quarantine-table', order);
    assert.equal(await page.getByTestId('resolve-form').count(), 0);
    await page.context().close();
});

test('a retry before the cause is fixed is refused again, named, and stays open', async () => {
    const page = await signedIn('in-po');
    await page.getByTestId('nav-quarantine').click();
    await page.getByTestId('resolve-form').waitFor();
    assert.equal(await page.getByTestId('resolve-by').inputValue(), 'PO Sharma');
    const options = await page.getByTestId('resolve-entry').locator('option').allInnerTexts();
    assert.equal(options.length, 2);
    await page.screenshot({ path: join(SHOTS, 'screenshot-quarantine-desktop.png'),
        fullPage: true });
    // The activity is the older entry: the last option.
    await page.getByTestId('resolve-entry').selectOption({ index: 1 });
    await page.getByTestId('resolve-reason').fill('trying now');
    await page.getByTestId('resolve-submit').click();
    await shows(page, 'form-error', 'refused again, it stays open');
    await shows(page, 'form-error', 'IN-JP-2024 is not loaded here');
    await shows(page, 'quarantine-table', 'Retry refused by PO Sharma');
    assert.equal(await page.locator('[data-test^="quarantine-entry-"]').count(), 2);
    await page.context().close();
});

test('an empty reason is refused beside the reason field', async () => {
    const page = await signedIn('in-po');
    await page.getByTestId('nav-quarantine').click();
    await page.getByTestId('resolve-form').waitFor();
    await page.getByTestId('resolve-submit').click();
    await shows(page, 'field-error-reason', 'reason');
    await page.context().close();
});

test('once the agreement is loaded, retries take both in; they are listed as decided',
    async () => {
        acsa(india, ['--db', india.db, 'agreement', 'load', SECOND]);
        const page = await signedIn('in-po', PHONE);
        await page.getByTestId('nav-quarantine').click();
        await page.getByTestId('resolve-form').waitFor();
        await page.screenshot({ path: join(SHOTS, 'screenshot-quarantine-phone.png'),
            fullPage: true });
        for (const [open, reason] of [[2, 'agreement loaded'], [1, 'activity in']]) {
            const options = page.getByTestId('resolve-entry').locator('option');
            assert.equal(await options.count(), open);
            await page.getByTestId('resolve-entry').selectOption({ index: open - 1 });
            await page.getByTestId('resolve-action').selectOption('retry');
            await page.getByTestId('resolve-reason').fill(reason);
            await page.getByTestId('resolve-submit').click();
            await shows(page, 'resolve-result', 'applied');
            // The list and the entries offered are read again once the decision is taken.
            await page.waitForFunction((n) => document.querySelectorAll(
                '[data-test="resolve-entry"] option').length === n, open - 1);
        }
        await shows(page, 'quarantine-empty', 'Nothing open');
        assert.equal(await page.getByTestId('resolve-form').isHidden(), true);
        await page.getByTestId('quarantine-all').check();
        await shows(page, 'quarantine-table', 'Applied by PO Sharma');
        assert.equal(await page.locator('[data-test^="quarantine-entry-"]').count(), 2);
        await page.screenshot({ path: join(SHOTS, 'screenshot-quarantine-decided-phone.png'),
            fullPage: true });
        const shown = JSON.parse(acsa(india, ['--db', india.db, 'order', 'show', order,
            '--json']));
        assert.equal(shown.number, order);
        await page.context().close();
    });

test('no page raised an error or logged one (CSP included)', () => {
    assert.deepEqual(pageErrors, []);
});

test('the browser closes and SIGTERM stops the servers with exit code 0', async () => {
    await browser.close();
    await japan.stop();
    await india.stop();
});
