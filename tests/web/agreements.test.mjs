// SPDX-License-Identifier: MIT
// The agreement's lifecycle over HTTP and in Chromium: every bad body of the notice, terminate
// and amend routes refused naming its field (wrong type, bad date, bad UTF-8, too long, a role
// that may not, a replay), then the agreement view walked by the programme officer (notice,
// amendment pasted as JSON, termination) and read by the auditor, who is offered no form;
// screenshots at 1280 and 390 pixels wide.

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
const ID = 'IN-JP-2020';
const PATH = `/api/agreements/${ID}`;
const FILE = JSON.parse(readFileSync(join(ROOT, 'agreements/india-japan-2020.json'), 'utf8'));
const amended = () => ({ ...FILE, categories: [...FILE.categories, 'salvage'] });

const programme = await signIn(node.base, 'in-programme');
const auditor = await signIn(node.base, 'in-auditor');
const requester = await signIn(node.base, 'in-requester');
const life = async () => (await http(node.base, 'GET', `${PATH}/lifecycle`, auditor)).json;

// ---- Refusals first ---------------------------------------------------------------------------

const BAD = [
    ['notice: a date of the wrong type', 'notice', { date: 20240613 }, 400, 'date'],
    ['notice: no such day', 'notice', { date: '2024-02-30' }, 400, 'date'],
    ['notice: a date that is no date', 'notice', { date: '13/06/2024' }, 400, 'date'],
    ['notice: an unknown member', 'notice', { date: '2024-06-13', by: 'JP' }, 400, 'by'],
    ['notice: before the agreement took effect', 'notice', { date: '2019-01-01' }, 422, 'date'],
    ['terminate: no reason', 'terminate', { date: '2024-06-15' }, 400, 'reason'],
    ['terminate: a reason of the wrong type', 'terminate', { date: '2024-06-15', reason: 7 },
        400, 'reason'],
    ['terminate: a reason too long', 'terminate', { date: '2024-06-15', reason: 'x'.repeat(300) },
        400, 'reason'],
    ['terminate: a control character in the reason', 'terminate',
        { date: '2024-06-15', reason: 'ended\u001b[2J' }, 400, 'reason'],
    ['terminate: dated before the agreement began', 'terminate',
        { date: '2019-01-01', reason: 'never' }, 422, 'date'],
    ['amend: no effective day', 'amend', { agreement: amended() }, 400, 'effective'],
    ['amend: an effective day of the wrong type', 'amend', { effective: 1, agreement: amended() },
        400, 'effective'],
    ['amend: the document of another agreement', 'amend',
        { effective: '2024-06-12', agreement: { ...amended(), id: 'IN-FR-2018' } }, 400,
        'agreement'],
    ['amend: a document that is not an object', 'amend',
        { effective: '2024-06-12', agreement: 'IN-JP-2020' }, 400, 'agreement'],
    ['amend: effective before the agreement took effect', 'amend',
        { effective: '2019-01-01', agreement: amended() }, 422, 'effective'],
    ['amend: other parties', 'amend',
        { effective: '2024-06-12', agreement: { ...amended(), parties: ['JP', 'IN'] } }, 422,
        '$.parties'],
];

for (const [name, verb, body, status, field] of BAD) {
    test(`refused, naming ${field}: ${name}`, async () => {
        const before = await life();
        const r = await http(node.base, 'POST', `${PATH}/${verb}`, programme, { body });
        assertProblem(r, status, field);
        assert.deepEqual(await life(), before, 'nothing changed');
    });
}

test('refused: a body that is not UTF-8', async () => {
    const raw = await fetch(`${node.base}${PATH}/terminate`, { method: 'POST',
        headers: { Cookie: programme.cookie, 'X-CSRF-Token': programme.csrf,
            'Content-Type': 'application/json' },
        body: Buffer.concat([Buffer.from('{"date":"2024-06-15","reason":"'),
            Buffer.from([0xC3, 0x28]), Buffer.from('"}')]) });
    assert.equal(raw.status, 400, await raw.text());
    assert.equal((await life()).status, 'in force');
});

test('refused: a body larger than the API takes', async () => {
    const agreement = { ...amended(), title: 'x'.repeat(70000) };
    const r = await http(node.base, 'POST', `${PATH}/amend`, programme,
        { body: { effective: '2024-06-12', agreement } });
    assert.equal(r.status, 413, r.text);
});

test('refused: roles that may not manage the agreement (403), and no session (401)', async () => {
    for (const [who, session] of [['requester', requester], ['auditor', auditor]]) {
        for (const [verb, body] of [['notice', { date: '2024-06-13' }],
            ['terminate', { date: '2024-06-15', reason: 'ended' }],
            ['amend', { effective: '2024-06-12', agreement: amended() }]]) {
            const r = await http(node.base, 'POST', `${PATH}/${verb}`, session, { body });
            assertProblem(r, 403);
            assert.ok(r.status === 403, `${who} ${verb}`);
        }
    }
    const r = await http(node.base, 'POST', `${PATH}/notice`, null,
        { body: { date: '2024-06-13' } });
    assert.equal(r.status, 401);
    assert.equal((await life()).status, 'in force');
});

test('an unknown agreement is 404, for reading and for notice', async () => {
    assertProblem(await http(node.base, 'GET', '/api/agreements/XX-YY-1999/lifecycle', auditor),
        404);
    assertProblem(await http(node.base, 'POST', '/api/agreements/XX-YY-1999/notice', programme,
        { body: { date: '2024-06-13' } }), 404);
});

// ---- The browser ------------------------------------------------------------------------------

const browser = await launchBrowser();
const pageErrors = [];

async function signedIn(username, width) {
    const context = await browser.newContext({ viewport: { width, height: 900 },
        timezoneId: 'UTC' });
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

const text = async (page, name) => (await page.getByTestId(name).innerText())
    .replace(/\s+/g, ' ').trim();
let officer;

test('the programme officer finds the agreement, in force, with one version', async () => {
    officer = await signedIn('in-programme', 1280);
    await officer.getByTestId('nav-agreements').click();
    await officer.getByTestId(`agreement-link-${ID}`).click();
    await officer.getByTestId('agreement-status').filter({ hasText: 'in force' }).waitFor();
    assert.equal(await officer.getByTestId('agreement-versions').locator('tbody tr').count(), 1);
    for (const form of ['notice-form', 'terminate-form', 'amend-form']) {
        assert.ok(await officer.getByTestId(form).isVisible(), form);
    }
});

test('a notice dated before the agreement is refused beside its field', async () => {
    await officer.getByTestId('notice-date').fill('2019-01-01');
    await officer.getByTestId('notice-submit').click();
    await officer.getByTestId('notice-form').getByText(/on or after the day/).waitFor();
    assert.equal((await life()).status, 'in force');
});

test('the programme officer gives notice; the status says so', async () => {
    await officer.getByTestId('notice-date').fill('2024-06-13');
    await officer.getByTestId('notice-submit').click();
    await officer.getByTestId('agreement-status').filter({ hasText: 'notice given' }).waitFor();
    assert.match(await text(officer, 'agreement-notice'), /given by IN on 2024-06-13/);
    assert.equal(await officer.getByTestId('notice-form').count(), 0, 'notice is given once');
});

test('the programme officer amends it by pasting the new version', async () => {
    await officer.getByTestId('amend-effective').fill('2024-06-12');
    await officer.getByTestId('amend-agreement').fill(JSON.stringify(amended(), null, 2));
    await officer.getByTestId('amend-submit').click();
    await officer.getByTestId('agreement-version-2').waitFor();
    const row = await text(officer, 'agreement-version-2');
    assert.match(row, /2024-06-12/);
    assert.match(row, /IN/);
    await officer.screenshot({ path: join(SHOTS, 'screenshot-agreement-1280.png'),
        fullPage: true });
});

test('text that is not JSON is refused in the form, nothing sent', async () => {
    await officer.getByTestId('amend-effective').fill('2024-07-01');
    await officer.getByTestId('amend-agreement').fill('{ not json');
    await officer.getByTestId('amend-submit').click();
    await officer.getByTestId('amend-form').getByText(/not JSON/).waitFor();
    assert.equal((await life()).versions.length, 2);
});

test('the auditor reads the agreement on a phone and is offered no form', async () => {
    const page = await signedIn('in-auditor', 390);
    await page.goto(`${node.base}/#/agreements/${ID}`);
    await page.getByTestId('agreement-status').filter({ hasText: 'notice given' }).waitFor();
    for (const form of ['notice-form', 'terminate-form', 'amend-form']) {
        assert.equal(await page.getByTestId(form).count(), 0, form);
    }
    await page.screenshot({ path: join(SHOTS, 'screenshot-agreement-390.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth
        - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
});

test('the programme officer terminates it; no form is left', async () => {
    await officer.getByTestId('terminate-date').fill('2024-06-15');
    await officer.getByTestId('terminate-reason').fill('superseded by IN-JP-2024');
    await officer.getByTestId('terminate-submit').click();
    await officer.getByTestId('agreement-status').filter({ hasText: 'terminated' }).waitFor();
    assert.match(await text(officer, 'agreement-termination'),
        /by IN from 2024-06-15: superseded by IN-JP-2024/);
    for (const form of ['notice-form', 'terminate-form', 'amend-form']) {
        assert.equal(await officer.getByTestId(form).count(), 0, form);
    }
});

test('a second termination is refused (a replay changes nothing)', async () => {
    const r = await http(node.base, 'POST', `${PATH}/terminate`, programme,
        { body: { date: '2024-06-16', reason: 'again' } });
    assertProblem(r, 422, 'date');
    assert.match(r.json.detail, /already terminated/);
    assert.equal((await life()).termination.date, '2024-06-15');
});

test('no page error, and the server stops cleanly', async () => {
    assert.deepEqual(pageErrors, []);
    await browser.close();
    await node.stop();
});
