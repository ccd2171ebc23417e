// SPDX-License-Identifier: MIT
// Refusals of the order steps of the ways out and of settlement (resolve, close-line, correct,
// reject-return, amend, invoice, pay, exchange) and of the grant routes (POST /api/officials,
// /api/officials/revoke) over HTTP: a member of the wrong type, a value out of range, bytes that
// are not UTF-8, a text or a body too large, the wrong role and an unknown order. Each is
// answered with a problem naming the field and writes nothing.

import assert from 'node:assert/strict';

import { acsa, assertProblem, http, signInAll, startServer, test } from './server.mjs';

const node = await startServer();
const S = await signInAll(node.base);
const run = (args) => acsa(node, ['--db', node.db, ...args]).trim();
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

/* One cash order of India to Japan, delivered: every refusal below comes before the state. */
const ORDER = run(['order', 'create', '--agreement', 'IN-JP-2020', '--requester', 'IN',
    '--supplier', 'JP', '--activity', '4', '--requester-unit', '2', '--supplier-unit', '5',
    '--place', 'Yokosuka', '--need-by', day(10), '--method', 'cash', '--by', 'Lt Cdr M. Pillai',
    '--line', 'category=water,desc=Potable water,qty=100,unit=l,price=2,currency=JPY']);
for (const args of [['submit', '--by', 'Lt Cdr M. Pillai'], ['approve', '--by', 'Cdr A. Rao'],
    ['accept', '--by', 'Capt K. Sato'], ['issue', '--line', '1', '--qty', '100', '--by',
        'CPO T. Ito'], ['receive', '--line', '1', '--qty', '100', '--by', 'Lt Cdr M. Pillai']]) {
    run(['order', args[0], ORDER, ...args.slice(1)]);
}
const UNKNOWN = 'IN-JP-2099-999999';
const LONG = 'x'.repeat(300);              // Longer than any text member (255 bytes).
const HUGE = 'y'.repeat(70 * 1024);        // Over the 64 KiB of a signed-in user's body.

/**
 * Per route: who may take it, a body it takes, a body of a member of the wrong type, one out
 * of range (each with the field named), a body with a text too long, and a user who may see
 * the order but not take the step.
 */
const STEPS = [
    { step: 'resolve', as: 'in-approver', good: { reason: 'agreed' },
        type: [{ reason: 5 }, 'reason'], range: [{ reason: 'agreed', date: '2024-02-30' }, 'date'],
        long: [{ reason: LONG }, 'reason'], wrong: 'in-finance' },
    { step: 'close-line', as: 'in-requester', good: { line: 1, reason: 'short' },
        type: [{ line: '1', reason: 'short' }, 'line'],
        range: [{ line: 0, reason: 'short' }, 'line'],
        long: [{ line: 1, reason: LONG }, 'reason'], wrong: 'in-finance' },
    { step: 'correct', as: 'in-requester',
        good: { line: 1, corrected_step: 'receive', qty: '90', reason: 'recount' },
        type: [{ line: 1, corrected_step: 'receive', qty: 90, reason: 'recount' }, 'qty'],
        range: [{ line: 1, corrected_step: 'pay', qty: '90', reason: 'recount' },
            'corrected_step'],
        long: [{ line: 1, corrected_step: 'receive', qty: '90', reason: LONG }, 'reason'],
        wrong: 'jp-finance' },
    { step: 'reject-return', as: 'jp-clerk', good: { line: 1, qty: '5', reason: 'damaged' },
        type: [{ line: 1, qty: 5, reason: 'damaged' }, 'qty'],
        range: [{ line: 2 ** 33, qty: '5', reason: 'damaged' }, 'line'],
        long: [{ line: 1, qty: '5', reason: LONG }, 'reason'], wrong: 'in-requester' },
    { step: 'amend', as: 'in-requester', good: { place: 'Kure' },
        type: [{ requester_unit: '2' }, 'requester_unit'],
        range: [{ remove_lines: [0] }, 'remove_lines'],
        long: [{ place: LONG }, 'place'], wrong: 'in-approver' },
    { step: 'invoice', as: 'jp-finance', good: { line: 1, qty: '10' },
        type: [{ line: 1, qty: 10 }, 'qty'], range: [{ line: 1, qty: '0.0001' }, 'qty'],
        long: [{ line: 1, qty: `1${'0'.repeat(300)}` }, 'qty'], wrong: 'in-finance' },
    { step: 'pay', as: 'in-finance', good: { amount: '10', currency: 'JPY' },
        type: [{ amount: 10, currency: 'JPY' }, 'amount'],
        range: [{ amount: '10', currency: 'INR', rate: '0', rate_date: day(0),
            rate_source: 'RBI' }, 'rate'],
        long: [{ amount: '10', currency: 'INR', rate: '2', rate_date: day(0),
            rate_source: LONG }, 'rate_source'], wrong: 'jp-finance' },
    { step: 'exchange', as: 'in-finance', good: { with: ['JP-IN-2024-000001'] },
        type: [{ with: 'JP-IN-2024-000001' }, 'with'],
        range: [{ with: Array.from({ length: 9 }, (_, i) => `JP-IN-2024-00000${i + 1}`) },
            'with'],
        long: [{ with: ['JP-IN-2024-000001'], rate: '1.5', rate_date: day(0),
            rate_source: LONG }, 'rate_source'], wrong: 'jp-finance' },
];

/** The order's ETag, for If-Match. */
async function etagOf(number) {
    const r = await http(node.base, 'GET', `/api/orders/${number}`, S['in-programme']);
    assert.equal(r.status, 200, r.text);
    return r.headers.get('etag');
}

/** A request that must change nothing in the database but its audit log; its answer. */
async function unchanged(send) {
    const before = await node.sqlite.dump();
    const r = await send();
    assert.equal(await node.sqlite.dump(), before, 'a refused request changed the database');
    return r;
}

const step = (s, body, { as = s.as, number = ORDER, etag } = {}) => unchanged(async () => http(
    node.base, 'POST', `/api/orders/${number}/${s.step}`, S[as],
    { body, headers: { 'If-Match': etag ?? await etagOf(ORDER) } }));

/** A body of raw bytes that are not UTF-8 in place of a text member. */
async function rawBytes(path, as, body, member, headers = {}) {
    const text = JSON.stringify({ ...body, [member]: 'MARK' });
    const bytes = Buffer.from(text.replace('MARK', 'Cdr \u00ff\u00fe'), 'latin1');
    const auth = S[as];
    return unchanged(async () => {
        const response = await fetch(`${node.base}${path}`, { method: 'POST', body: bytes,
            headers: { 'Content-Type': 'application/json', Cookie: auth.cookie,
                'X-CSRF-Token': auth.csrf, ...headers } });
        const t = await response.text();
        return { status: response.status, headers: response.headers, text: t,
            json: JSON.parse(t) };
    });
}

for (const s of STEPS) {
    test(`${s.step}: a member of the wrong type is 400 naming ${s.type[1]}`, async () => {
        assertProblem(await step(s, s.type[0]), 400, s.type[1]);
    });
    test(`${s.step}: a value out of range is refused naming ${s.range[1]}`, async () => {
        const r = await step(s, s.range[0]);
        assert.ok([400, 422].includes(r.status), r.text);
        assertProblem(r, r.status, s.range[1]);
    });
    test(`${s.step}: bytes that are not UTF-8 are 400 naming the body`, async () => {
        const member = s.step === 'exchange' || s.step === 'pay' || s.step === 'invoice'
            ? 'date' : Object.keys(s.long[0]).at(-1);
        const r = await rawBytes(`/api/orders/${ORDER}/${s.step}`, s.as, s.good, member,
            { 'If-Match': await etagOf(ORDER) });
        assertProblem(r, 400, 'body');
    });
    test(`${s.step}: a text too long is 400 naming ${s.long[1]}; a body over 64 KiB is 413`,
        async () => {
            const r = await step(s, s.long[0]);
            assertProblem(r, 400, s.long[1]);
            assertProblem(await step(s, { ...s.good, reason: HUGE }), 413);
        });
    test(`${s.step}: ${s.wrong} may see the order but not take the step (403 naming role)`,
        async () => {
            assertProblem(await step(s, s.good, { as: s.wrong }), 403, 'role');
        });
    test(`${s.step}: an unknown order is 404 naming number`, async () => {
        assertProblem(await step(s, s.good, { number: UNKNOWN, etag: `"${UNKNOWN}.1"` }), 404,
            'number');
    });
}

// ---- Grants of authority -------------------------------------------------------------------

const GRANT = { party: 'IN', name: 'Cdr P. Iyer', title: 'Deputy Fleet Logistics Officer',
    limit: '250000', currency: 'INR', from: day(0) };
const REVOKE = { party: 'IN', name: 'Gp Capt S. Nair', date: day(1), reason: 'posted away' };
const GRANT_ROUTES = [
    { path: '/api/officials', good: GRANT, type: [{ ...GRANT, limit: 250000 }, 'limit'],
        range: [{ ...GRANT, from: '2024-13-01' }, 'from'],
        long: [{ ...GRANT, title: LONG }, 'title'], text: 'title' },
    { path: '/api/officials/revoke', good: REVOKE, type: [{ ...REVOKE, date: 20240101 }, 'date'],
        range: [{ ...REVOKE, party: 'INDIA' }, 'party'],
        long: [{ ...REVOKE, reason: LONG }, 'reason'], text: 'reason' },
];

const grant = (g, body, as = 'in-programme') => unchanged(() => http(node.base, 'POST', g.path,
    S[as], { body }));

for (const g of GRANT_ROUTES) {
    test(`POST ${g.path}: wrong type, out of range and too long are 400 naming the field`,
        async () => {
            assertProblem(await grant(g, g.type[0]), 400, g.type[1]);
            assertProblem(await grant(g, g.range[0]), 400, g.range[1]);
            assertProblem(await grant(g, g.long[0]), 400, g.long[1]);
        });
    test(`POST ${g.path}: bytes that are not UTF-8 are 400; a body over 64 KiB is 413`,
        async () => {
            assertProblem(await rawBytes(g.path, 'in-programme', g.good, g.text), 400, 'body');
            assertProblem(await grant(g, { ...g.good, [g.text]: HUGE }), 413);
        });
    test(`POST ${g.path}: only the programme officer (403 for a finance officer)`, async () => {
        assertProblem(await grant(g, g.good, 'in-finance'), 403);
    });
}

test('POST /api/officials/revoke: an official with no grant is refused naming name', async () => {
    const r = await grant(GRANT_ROUTES[1], { ...REVOKE, name: 'Cdr Nobody' });
    assert.ok([404, 422].includes(r.status), r.text);
    assertProblem(r, r.status, 'name');
});

test('amend: a line past what an order can hold is 422 of type limit, naming add_line',
    async () => {
        const line = 'category=water,desc=Potable water,qty=1,unit=l,price=2,currency=JPY';
        const lines = Array.from({ length: 64 }, () => ['--line', line]).flat();
        const draft = run(['order', 'create', '--agreement', 'IN-JP-2020', '--requester', 'IN',
            '--supplier', 'JP', '--activity', '4', '--requester-unit', '2', '--supplier-unit',
            '5', '--place', 'Yokosuka', '--need-by', day(10), '--method', 'cash', '--by',
            'Lt Cdr M. Pillai', ...lines]);
        const s = STEPS.find((x) => x.step === 'amend');
        const r = await step(s, { add_lines: [{ category: 'water', desc: 'More water',
            qty: '1', unit: 'l', price: '2', currency: 'JPY' }] },
        { number: draft, etag: (await http(node.base, 'GET', `/api/orders/${draft}`,
            S['in-programme'])).headers.get('etag') });
        assertProblem(r, 422, 'add_line');
        assert.match(r.json.type, /\/limit$/);
        assert.match(r.json.detail, /at most 64 lines/);
    });

test('SIGTERM stops the server with exit code 0', () => node.stop());
