// SPDX-License-Identifier: MIT
// The authorisation matrix: every route for every role (and no one), on orders of the user's
// own unit, another unit and other parties, expected from the roles table; denials write nothing.
// The node-to-node routes (/sync/v1/...) answer no person at all: only a partner node's signature.

import assert from 'node:assert/strict';

import {
    apiToken, assertProblem, FRANCE, http, newUser, orderBody, PASSWORD, signIn, signInAll,
    startServer, test, USER_PASSWORD, USERS,
} from './server.mjs';

const node = await startServer();
const S = await signInAll(node.base);
const PO = S['in-programme'];

// ---- The node the matrix runs on ---------------------------------------------------------------

const setup = async (method, path, body, as = PO) => {
    const r = await http(node.base, method, path, as, { body });
    assert.ok(r.status === 200 || r.status === 201, `${method} ${path}: ${r.text}`);
    return r.json;
};
await setup('POST', '/api/agreements', FRANCE);
const frUnit = (await setup('POST', '/api/units', { party: 'FR', name: 'Marine nationale' })).id;
const varuna = (await setup('POST', '/api/activities', { agreement: 'IN-FR-2018',
    name: 'Varuna 2024', type: 'bilateral-training', from: '2024-03-01', to: '2024-03-10' })).id;
const frOrder = (await setup('POST', '/api/orders', orderBody({ agreement: 'IN-FR-2018',
    supplier: 'FR', supplier_unit: frUnit, activity: varuna, place: 'Goa', date: '2024-03-01',
    need_by: '2024-03-05', lines: [{ category: 'pol', desc: 'Diesel', qty: '100', unit: 'l',
        price: '1.50', currency: 'EUR' }] }), S['in-requester'])).number;
await setup('POST', '/api/users', newUser('matrix-target'));
await setup('POST', '/api/users', newUser('token-owner'));
const tokenOwner = await signIn(node.base, 'token-owner', USER_PASSWORD);
const newToken = async (session) => `/api/tokens/${(await apiToken(node.base, session)).id}`;

/* Orders to act on, one per relation to the users: India's Navy asks Japan's JMSDF, India's
 * Army asks Japan's JGSDF, and back; and the Navy asks France, whom no Japanese user sees. */
const scopes = async (where = '') => (await node.sqlite.query('SELECT number, requester, '
    + `supplier, requester_unit_id, supplier_unit_id FROM orders ${where} ORDER BY number`))
    .split('\n').map((row) => {
        const [number, requester, supplier, ru, su] = row.split('|');
        return { number, requester, supplier, requester_unit: Number(ru) || null,
            supplier_unit: Number(su) || null };
    });
const ORDERS = await scopes(`WHERE number IN ('IN-JP-2024-000009', 'IN-JP-2024-000003', `
    + `'JP-IN-2024-M000019', 'JP-IN-2024-M000014', '${frOrder}')`);

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
const name = (u) => u?.username ?? 'no one';
const SIGNED_IN = 'signed in';
/** Routes only a registered partner node may call, by signing the request: no person, whatever
 * the session or token, and no one without credentials either (403, not 401). */
const NODES_ONLY = [];
const FINANCE = ['finance-officer', 'programme-officer', 'auditor'];
/** Partner nodes, the quarantine and reconciliation (the READ_AUDIT action). */
const AUDIT = ['auditor', 'programme-officer'];
/** The demo node has no partner node: what reconcile and sync answer the people allowed to ask. */
const NO_PARTNER = { status: 400, field: 'peer', detail: /no partner node/ };

/** Routes that are not about one order: who may call them (roles table and route table). */
const NODE_ROUTES = [
    { route: 'GET /healthz', who: ANYONE },
    { route: 'GET /metrics', who: AUDIT },
    { route: 'GET /api/openapi.json', who: ANYONE },
    { route: 'GET /readyz', who: ANYONE },
    { route: 'GET /problems', who: ANYONE },
    { route: 'GET /problems/{type}', path: '/problems/forbidden', who: ANYONE },
    { route: 'GET /', who: ANYONE },
    { route: 'GET /{asset}', path: '/style.css', who: ANYONE },
    { route: 'POST /api/session', who: ANYONE,
        body: { username: 'in-auditor', password: PASSWORD } },
    { route: 'GET /api/session', who: SIGNED_IN },
    { route: 'DELETE /api/session', who: SIGNED_IN, fresh: true, prepares: true },
    { route: 'GET /api/users', who: ['programme-officer'] },
    { route: 'POST /api/users', who: ['programme-officer'], body: (u) => newUser(`by-${name(u)}`) },
    { route: 'POST /api/users/{username}/disable', path: '/api/users/matrix-target/disable',
        who: ['programme-officer'], body: {} },
    { route: 'GET /api/tokens', who: SIGNED_IN },
    { route: 'POST /api/tokens', who: SIGNED_IN, body: { name: 'matrix' } },
    { route: 'DELETE /api/tokens/{id}', scope: 'own token', who: SIGNED_IN, prepares: true,
        path: (u, auth) => newToken(auth ?? tokenOwner) },
    { route: 'DELETE /api/tokens/{id}', scope: "another user's token", who: ['programme-officer'],
        denied: 404, prepares: true, path: () => newToken(tokenOwner) },
    { route: 'GET /api/agreements', who: SIGNED_IN },
    { route: 'GET /api/agreements/{id}', path: '/api/agreements/IN-JP-2020', who: SIGNED_IN },
    { route: 'POST /api/agreements', who: ['programme-officer'], body: FRANCE },
    { route: 'GET /api/units', who: SIGNED_IN },
    { route: 'POST /api/units', who: ['programme-officer'],
        body: (u) => ({ party: 'IN', name: `Unit of ${name(u)}` }) },
    { route: 'GET /api/officials', who: SIGNED_IN },
    { route: 'POST /api/officials', who: ['programme-officer'],
        body: (u) => ({ party: 'IN', name: `Cdr ${name(u)}`, title: 'Commander', limit: '1000',
            currency: 'JPY', from: '2024-01-01' }) },
    { route: 'POST /api/officials/revoke', who: ['programme-officer'],
        body: (u) => ({ party: 'IN', name: `Cdr Nobody of ${name(u)}`, date: '2024-06-01',
            reason: 'posted away' }),
        answer: { status: 404, field: 'name', detail: /holds no grant still to revoke/ } },
    { route: 'GET /api/activities', who: SIGNED_IN },
    { route: 'POST /api/activities', who: ['programme-officer'],
        body: (u) => ({ agreement: 'IN-JP-2020', name: `Drill of ${name(u)}`,
            type: 'routine', from: '2026-01-01', to: '2026-01-02' }) },
    { route: 'GET /api/orders', who: SIGNED_IN },
    { route: 'GET /api/balance', who: FINANCE },
    { route: 'GET /api/overdue', who: [...FINANCE, 'approver'] },
    { route: 'POST /api/convert-overdue', who: ['programme-officer'],
        body: { as_of: '2024-01-01' } },
    { route: 'GET /api/stats/monthly', who: SIGNED_IN },
    { route: 'GET /api/stats/states', who: SIGNED_IN },
    { route: 'GET /api/reports/in-transit', who: SIGNED_IN },
    { route: 'POST /api/import/orders', path: '/api/import/orders?dry_run=true',
        who: ['requester'], body: 'order_ref\n',
        answer: { status: 415, field: 'Content-Type', detail: /text\/csv/ } },
    { route: 'GET /api/reports/statement',
        path: '/api/reports/statement?partner=JP&from=2024-01-01&to=2024-12-31', who: FINANCE },
    { route: 'GET /api/reports/open', who: FINANCE },
    { route: 'GET /api/reports/unliquidated', who: FINANCE },
    { route: 'GET /api/reports/by-method', who: FINANCE },
    { route: 'GET /api/reports/yearly', path: '/api/reports/yearly?year=2024', who: FINANCE },
    { route: 'GET /api/reports/missing', who: FINANCE },
    { route: 'GET /api/audit', who: AUDIT },
    { route: 'GET /api/audit/verify', who: AUDIT },
    { route: 'GET /api/peers', who: AUDIT },
    { route: 'GET /api/quarantine', who: AUDIT },
    { route: 'POST /api/quarantine/{id}/resolve', path: '/api/quarantine/999999/resolve',
        who: ['programme-officer'],
        body: { action: 'drop', by: 'Capt V. Kulkarni', reason: 'matrix' },
        answer: { status: 404, field: 'id', detail: /no quarantine entry 999999/ } },
    { route: 'GET /api/reconcile', who: AUDIT, answer: NO_PARTNER },
    { route: 'POST /api/sync', who: ['programme-officer'], answer: NO_PARTNER },
    { route: 'GET /sync/v1/status', who: NODES_ONLY, anonymous: 403 },
    { route: 'GET /sync/v1/batches', path: '/sync/v1/batches?after=0', who: NODES_ONLY,
        anonymous: 403 },
    { route: 'POST /sync/v1/batches', who: NODES_ONLY, anonymous: 403, body: 'ACSABAT1' },
    { route: 'GET /sync/v1/fingerprints', who: NODES_ONLY, anonymous: 403 },
    { route: 'POST /sync/v1/facts', who: NODES_ONLY, anonymous: 403,
        body: 'IN-JP-2024-000001\n' },
    { route: 'GET /sync/v1/balance', who: NODES_ONLY, anonymous: 403 },
    { route: 'GET /sync/v1/agreements', who: NODES_ONLY, anonymous: 403 },
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

/* Each case: its name, the user, the request (method, path(auth), body(), or an order step
 * whose body and If-Match are made when it runs) and whether the policy allows it, or the
 * status of the denial: 401 for no one (403 on the node-to-node routes), 404 for an order the
 * user may not see, else 403. An allowed request may name the answer the node's state implies
 * (answer: {status, field, detail}). */
const CASES = [];
function addCase(route, at, user, allowed, denied, request, anonymous = 401) {
    const status = user === null ? anonymous : denied;
    const answer = allowed && request.answer ? ` (${request.answer.status})` : '';
    CASES.push({ name: `${route}${at ? ` ${at}` : ''} as ${who(user)}: `
        + `${allowed ? `allowed${answer}` : status}`, method: route.split(' ')[0], user, allowed,
    denied: status, ...request });
}

for (const r of NODE_ROUTES) {
    for (const u of PEOPLE) {
        const allowed = r.who === ANYONE || (u !== null
            && (r.who === SIGNED_IN || r.who.includes(u.role)));
        addCase(r.route, r.scope && `(${r.scope})`, u, allowed, r.denied ?? 403, {
            fresh: r.fresh, prepares: r.prepares, body: () => value(r.body, u),
            path: (auth) => value(r.path ?? r.route.split(' ')[1], u, auth),
            answer: r.answer, nodesOnly: r.who === NODES_ONLY }, r.anonymous);
    }
}
for (const u of PEOPLE) {
    for (const scope of ['own unit', 'other unit', 'other party']) {
        const [requester, supplier, ru, su] = RAISES[u?.party ?? 'IN'][scope];
        const o = { requester, supplier, requester_unit: ru, supplier_unit: su };
        addCase('POST /api/orders', `for unit ${ru} of ${requester} (${scope})`, u,
            u !== null && u.role === 'requester' && requestingUnit(u, o), 403, {
                path: () => '/api/orders',
                body: () => orderBody({ requester, supplier, requester_unit: ru,
                    supplier_unit: su }) });
    }
}
for (const o of ORDERS) {
    for (const u of PEOPLE) {
        const sees = u !== null && SEES[u.role](u, o);
        const at = `${o.number} (${u ? relation(u, o) : `${o.requester} asks ${o.supplier}`})`;
        addCase('GET /api/orders/{number}', at, u, sees, 404,
            { path: () => `/api/orders/${o.number}` });
        for (const step of STEPS) {
            addCase(`POST /api/orders/{number}/${step}`, at, u, sees && takes(u, o, step),
                sees ? 403 : 404, { path: () => `/api/orders/${o.number}/${step}`, step,
                    order: o });
        }
    }
}

/** A valid body for each step, so that only the policy or the order's state can refuse. */
function stepBody(step, order) {
    switch (step) {
    case 'reject': case 'dispute': return { reason: 'matrix' };
    case 'issue': case 'receive': case 'return': case 'accept-return': return { line: 1, qty: '1' };
    case 'pay': return { amount: '1', currency: order.currency };
    case 'exchange': return { with: ['JP-IN-2024-M000015'] };
    default: return {};
    }
}

// ---- Running a case ----------------------------------------------------------------------------

let before = await node.sqlite.snapshot(); // The database as the previous case left it.

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
    if (c.prepares) before = await node.sqlite.snapshot();
    const r = await http(node.base, c.method, path, auth, { body, headers });
    const [prior, after] = [before, await node.sqlite.snapshot()];
    before = after;
    const audited = after.audit.filter((a) => a.id > (prior.audit.at(-1)?.id ?? 0));
    assert.ok(r.status < 500, `answered ${r.status}: ${r.text}`);
    if (c.allowed && c.answer) {
        assertProblem(r, c.answer.status, c.answer.field);
        assert.match(r.json.detail, c.answer.detail);
        assert.equal(after.data, prior.data, 'a request answered with a problem wrote');
        return;
    }
    if (c.allowed) {
        assert.ok(r.status < 300 || r.status === 409 || r.status === 422,
            `expected an allowed request, got ${r.status}: ${r.text}`);
        if (r.status >= 400) assertProblem(r, r.status);
        return;
    }
    assertProblem(r, c.denied);
    assert.equal(after.data, prior.data, 'a denied request changed the database');
    if (c.nodesOnly) {
        // Not a person's request: the server never looks at the session or token, and names
        // the missing signature.
        assert.equal(r.json.field, 'X-Acsa-Signature', r.text);
        assert.equal(audited.length, 0, 'a request that is no node\'s is not audited');
    } else if (c.method !== 'GET' && c.user !== null) {
        assert.equal(audited.length, 1, 'a denied write is audited once');
        assert.notEqual(audited[0].outcome, 'ok');
    }
}

for (const c of CASES) test(c.name, () => run(c));

// ---- What each user sees in lists --------------------------------------------------------------

for (const u of USERS) {
    test(`GET /api/orders as ${who(u)} lists exactly the orders the role sees`, async () => {
        const r = await http(node.base, 'GET', '/api/orders?limit=500', S[u.username]);
        assert.equal(r.status, 200, r.text);
        const want = (await scopes()).filter((o) => SEES[u.role](u, o)).map((o) => o.number);
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
