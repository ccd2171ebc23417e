// SPDX-License-Identifier: MIT
// The authorisation matrix: every route for every role (and no one), on orders of the user's
// own unit, another unit and other parties, expected from the roles table; denials write nothing.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import {
    apiToken, assertProblem, dump, http, orderBody, PASSWORD, ROOT, signIn, signInAll, sql,
    startServer, USERS,
} from './server.mjs';

const node = await startServer();
const S = await signInAll(node.base);
const PO = S['in-programme'];

// ---- The node the matrix runs on ---------------------------------------------------------------

const FRANCE = JSON.parse(readFileSync(join(ROOT, 'agreements/india-france-2018.json'), 'utf8'));
const setup = async (method, path, body, as = PO) => {
    const r = await http(node.base, method, path, as, { body });
    assert.ok(r.status === 200 || r.status === 201, `${method} ${path}: ${r.text}`);
    return r.json;
};
await setup('POST', '/api/agreements', FRANCE);
const frUnit = (await setup('POST', '/api/units', { party: 'FR', name: 'Marine nationale' })).id;
const varuna = (await setup('POST', '/api/activities', { agreement: 'IN-FR-2018', name: 'Varuna 2024',
    type: 'bilateral-training', from: '2024-03-01', to: '2024-03-10', place: 'Goa' })).id;
const frOrder = (await setup('POST', '/api/orders', orderBody({ agreement: 'IN-FR-2018',
    supplier: 'FR', supplier_unit: frUnit, activity: varuna, place: 'Goa', date: '2024-03-01',
    need_by: '2024-03-05', lines: [{ category: 'pol', desc: 'Diesel', qty: '100', unit: 'l',
        price: '1.50', currency: 'EUR' }] }), S['in-requester'])).number;
const newUser = (username, extra = {}) => ({ username, display_name: `Lt ${username}`,
    password: 'long-password-1', role: 'requester', party: 'IN', unit_id: 2, ...extra });
await setup('POST', '/api/users', newUser('matrix-target'));
await setup('POST', '/api/users', newUser('token-owner'));
const tokenOwner = await signIn(node.base, 'token-owner', 'long-password-1');

/* Orders to act on, one per relation to the users: India's Navy asks Japan's JMSDF, India's
 * Army asks Japan's JGSDF, and back; and the Navy asks France, whom no Japanese user sees. */
const ORDERS = ['IN-JP-2024-000009', 'IN-JP-2024-000003', 'JP-IN-2024-000019', 'JP-IN-2024-000014',
    frOrder].map((number) => {
    const [requester, supplier, ru, su] = sql(node.db, 'SELECT requester, supplier, '
        + `requester_unit_id, supplier_unit_id FROM orders WHERE number = '${number}'`).split('|');
    return { number, requester, supplier, requester_unit: Number(ru), supplier_unit: Number(su) };
});

// ---- The policy: the roles table of docs/API.md and src/core/authz.c ---------------------------

const requestingUnit = (u, o) => u.unit !== null && u.party === o.requester
    && u.unit === o.requester_unit;
const supplyingUnit = (u, o) => u.unit !== null && u.party === o.supplier
    && u.unit === o.supplier_unit;
const requesterSide = (u, o) => u.party === o.requester;
const supplierSide = (u, o) => u.party === o.supplier;
const eitherSide = (u, o) => requesterSide(u, o) || supplierSide(u, o);
const anyOrder = () => true;

/** Whose orders each role sees ("see those orders", "the party's orders", "everything"). */
const SEES = {
    requester: requestingUnit,
    approver: eitherSide,
    'supplier-clerk': supplyingUnit,
    'finance-officer': eitherSide,
    'programme-officer': anyOrder,
    auditor: anyOrder,
};

/** Which steps each role takes on which orders. Besides the table of docs/API.md, authz.c lets
 * clerks, finance and programme officers dispute, and finance officers close. */
const TAKES = [
    ['requester', requestingUnit, 'submit cancel receive return dispute'],
    ['approver', requesterSide, 'approve'],
    ['approver', supplierSide, 'accept reject'],
    ['supplier-clerk', supplyingUnit, 'issue accept-return dispute'],
    ['finance-officer', supplierSide, 'invoice'],
    ['finance-officer', requesterSide, 'pay exchange'],
    ['finance-officer', eitherSide, 'dispute close'],
    ['programme-officer', anyOrder, 'close dispute'],
];
const STEPS = ['submit', 'approve', 'accept', 'reject', 'cancel', 'dispute', 'issue', 'receive',
    'return', 'accept-return', 'invoice', 'pay', 'exchange', 'close'];
const takes = (u, o, step) => TAKES.some(([role, where, steps]) => u.role === role && where(u, o)
    && steps.split(' ').includes(step));

const ANYONE = 'anyone';
const SIGNED_IN = 'signed in';
const FINANCE = ['finance-officer', 'programme-officer', 'auditor'];

/** Routes that are not about one order: who may call them (roles table and route table). */
const NODE_ROUTES = [
    { route: 'GET /healthz', who: ANYONE },
    { route: 'GET /metrics', who: ANYONE },
    { route: 'GET /api/openapi.json', who: ANYONE },
    { route: 'GET /', who: ANYONE },
    { route: 'GET /{asset}', path: '/style.css', who: ANYONE },
    { route: 'POST /api/session', who: ANYONE, body: { username: 'in-auditor', password: PASSWORD } },
    { route: 'GET /api/session', who: SIGNED_IN },
    { route: 'DELETE /api/session', who: SIGNED_IN, fresh: true },
    { route: 'GET /api/users', who: ['programme-officer'] },
    { route: 'POST /api/users', who: ['programme-officer'], body: (u) => newUser(`by-${u.username}`) },
    { route: 'POST /api/users/{username}/disable', path: '/api/users/matrix-target/disable',
        who: ['programme-officer'], body: {} },
    { route: 'GET /api/tokens', who: SIGNED_IN },
    { route: 'POST /api/tokens', who: SIGNED_IN, body: { name: 'matrix' } },
    { route: 'DELETE /api/tokens/{id}', scope: 'own token', who: SIGNED_IN,
        path: async (u, auth) => `/api/tokens/${(await apiToken(node.base, auth ?? tokenOwner)).id}` },
    { route: 'DELETE /api/tokens/{id}', scope: "another user's token", who: ['programme-officer'],
        denied: 404,
        path: async () => `/api/tokens/${(await apiToken(node.base, tokenOwner)).id}` },
    { route: 'GET /api/agreements', who: SIGNED_IN },
    { route: 'GET /api/agreements/{id}', path: '/api/agreements/IN-JP-2020', who: SIGNED_IN },
    { route: 'POST /api/agreements', who: ['programme-officer'], body: FRANCE },
    { route: 'GET /api/units', who: SIGNED_IN },
    { route: 'POST /api/units', who: ['programme-officer'],
        body: (u) => ({ party: 'IN', name: `Unit of ${u.username}` }) },
    { route: 'GET /api/officials', who: SIGNED_IN },
    { route: 'POST /api/officials', who: ['programme-officer'],
        body: (u) => ({ party: 'IN', name: `Cdr ${u.username}`, limit: '1000', currency: 'JPY' }) },
    { route: 'GET /api/activities', who: SIGNED_IN },
    { route: 'POST /api/activities', who: ['programme-officer'],
        body: (u) => ({ agreement: 'IN-JP-2020', name: `Drill of ${u.username}`,
            type: 'routine', from: '2026-01-01', to: '2026-01-02' }) },
    { route: 'GET /api/orders', who: SIGNED_IN },
    { route: 'GET /api/balance', who: FINANCE },
    { route: 'GET /api/overdue', who: [...FINANCE, 'approver'] },
    { route: 'POST /api/convert-overdue', who: ['programme-officer'], body: { as_of: '2024-01-01' } },
    { route: 'GET /api/stats/monthly', who: SIGNED_IN },
    { route: 'GET /api/audit', who: ['auditor', 'programme-officer'] },
    { route: 'GET /api/audit/verify', who: ['auditor', 'programme-officer'] },
];

/** Parties and units of a new order relative to a user: the user's unit, another unit of the
 * user's party, and the other party's unit. */
const RAISES = {
    IN: { 'own unit': ['IN', 'JP', 2, 5], 'other unit': ['IN', 'JP', 1, 4],
        'other party': ['JP', 'IN', 5, 2] },
    JP: { 'own unit': ['JP', 'IN', 5, 2], 'other unit': ['JP', 'IN', 4, 1],
        'other party': ['IN', 'JP', 2, 5] },
};

/** How an order stands to a user, for the names of the cases. */
function relation(u, o) {
    if (requestingUnit(u, o)) return 'own unit requests';
    if (supplyingUnit(u, o)) return 'own unit supplies';
    const unit = u.unit !== null ? 'another unit of ' : '';
    if (requesterSide(u, o)) return `${unit}own party requests`;
    if (supplierSide(u, o)) return `${unit}own party supplies`;
    return 'other parties';
}

// ---- The cases -------------------------------------------------------------------------------

const PEOPLE = [...USERS, null]; // null: no credentials.
const who = (u) => (u ? `${u.username} (${u.role})` : 'no one');
const value = (v, ...args) => (typeof v === 'function' ? v(...args) : v);

/* Each case: name, method, path (or async path), body, headers, user, and the expectation:
 * allowed, or the status of the denial. */
const CASES = [];
for (const r of NODE_ROUTES) {
    const [method, pattern] = r.route.split(' ');
    for (const u of PEOPLE) {
        const allowed = r.who === ANYONE || (u !== null
            && (r.who === SIGNED_IN || r.who.includes(u.role)));
        const denied = u === null ? 401 : (r.denied ?? 403);
        CASES.push({ name: `${r.route}${r.scope ? ` (${r.scope})` : ''} as ${who(u)}: `
            + `${allowed ? 'allowed' : denied}`, method, user: u, fresh: r.fresh, allowed, denied,
        path: (auth) => value(r.path ?? pattern, u, auth), body: () => value(r.body, u) });
    }
}
for (const u of PEOPLE) {
    for (const scope of ['own unit', 'other unit', 'other party']) {
        const party = u?.party ?? 'IN';
        const [requester, supplier, ru, su] = RAISES[party][scope];
        const o = { requester, supplier, requester_unit: ru, supplier_unit: su };
        const allowed = u !== null && u.role === 'requester' && requestingUnit(u, o);
        const denied = u === null ? 401 : 403;
        CASES.push({ name: `POST /api/orders for unit ${ru} of ${requester} (${scope}) as ${who(u)}: `
            + `${allowed ? 'allowed' : denied}`,
        method: 'POST', user: u, allowed, denied, path: () => '/api/orders',
        body: () => orderBody({ requester, supplier, requester_unit: ru, supplier_unit: su }) });
    }
}
for (const o of ORDERS) {
    for (const u of PEOPLE) {
        const sees = u !== null && SEES[u.role](u, o);
        const at = `${o.number} (${u ? relation(u, o) : `${o.requester} asks ${o.supplier}`})`;
        const seeDenied = u === null ? 401 : 404;
        CASES.push({ name: `GET /api/orders/{number} ${at} as ${who(u)}: `
            + `${sees ? 'allowed' : seeDenied}`, method: 'GET', user: u, allowed: sees,
        denied: seeDenied, path: () => `/api/orders/${o.number}`, body: () => undefined });
        for (const step of STEPS) {
            const allowed = sees && takes(u, o, step);
            const denied = u === null ? 401 : (sees ? 403 : 404);
            CASES.push({ name: `POST /api/orders/{number}/${step} ${at} as ${who(u)}: `
                + `${allowed ? 'allowed' : denied}`, method: 'POST', user: u, allowed, denied,
            path: () => `/api/orders/${o.number}/${step}`, step, order: o });
        }
    }
}

/** A valid body for each step, so that only the policy or the order's state can refuse. */
function stepBody(step, order) {
    switch (step) {
    case 'reject': case 'dispute': return { reason: 'matrix' };
    case 'issue': case 'receive': case 'return': case 'accept-return': return { line: 1, qty: '1' };
    case 'pay': return { amount: '1', currency: order.currency };
    case 'exchange': return { with: 'JP-IN-2024-000015' };
    default: return {};
    }
}

// ---- Running a case ----------------------------------------------------------------------------

let baseline = dump(node.db);
const lastAudit = () => Number(sql(node.db, 'SELECT coalesce(max(id), 0) FROM audit'));

async function run(c) {
    let auth = c.user ? S[c.user.username] : null;
    if (c.fresh && auth) auth = await signIn(node.base, c.user.username);
    const path = await c.path(auth);
    let body = c.body?.();
    let headers = {};
    if (c.step) {
        const current = await http(node.base, 'GET', `/api/orders/${c.order.number}`, PO);
        body = stepBody(c.step, current.json);
        headers = { 'If-Match': current.headers.get('etag') };
    }
    baseline = dump(node.db); // After the preparations above.
    const audit = lastAudit();
    const r = await http(node.base, c.method, path, auth, { body, headers });
    const after = dump(node.db);
    assert.ok(r.status < 500, `answered ${r.status}: ${r.text}`);
    if (c.allowed) {
        assert.ok(r.status < 300 || r.status === 409 || r.status === 422,
            `expected an allowed request, got ${r.status}: ${r.text}`);
        if (r.status >= 400) assertProblem(r, r.status);
    } else {
        assertProblem(r, c.denied);
        assert.equal(after, baseline, 'a denied request changed the database');
        if (c.method !== 'GET' && c.user !== null) {
            const added = sql(node.db, `SELECT outcome FROM audit WHERE id > ${audit}`).split('\n');
            assert.equal(added.length, 1, 'a denied write is audited once');
            assert.notEqual(added[0], 'ok');
        }
    }
    baseline = after;
}

for (const c of CASES) test(c.name, () => run(c));

// ---- What each user sees in lists --------------------------------------------------------------

const everyOrder = () => sql(node.db, 'SELECT number, requester, supplier, requester_unit_id, '
    + 'supplier_unit_id FROM orders ORDER BY number').split('\n').map((row) => {
    const [number, requester, supplier, ru, su] = row.split('|');
    return { number, requester, supplier, requester_unit: Number(ru) || null,
        supplier_unit: Number(su) || null };
});

for (const u of USERS) {
    test(`GET /api/orders as ${who(u)} lists exactly the orders the role sees`, async () => {
        const r = await http(node.base, 'GET', '/api/orders?limit=500', S[u.username]);
        assert.equal(r.status, 200, r.text);
        const want = everyOrder().filter((o) => SEES[u.role](u, o)).map((o) => o.number);
        assert.ok(want.length > 0);
        assert.deepEqual(r.json.items.map((o) => o.number), want);
    });
    test(`GET /api/tokens as ${who(u)} lists only the user's own tokens`, async () => {
        const r = await http(node.base, 'GET', '/api/tokens?limit=500', S[u.username]);
        assert.equal(r.status, 200, r.text);
        assert.ok(r.json.items.every((t) => t.username === u.username), r.text);
    });
}

test('GET /api/audit/verify: the log of every case above is intact', async () => {
    const r = await http(node.base, 'GET', '/api/audit/verify', S['in-auditor']);
    assert.equal(r.json.ok, true, r.text);
});

test('SIGTERM stops the server with exit code 0', () => node.stop());
