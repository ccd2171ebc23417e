// SPDX-License-Identifier: MIT
// Finding 5 of issue 8 over HTTP: every text of a request (JSON members and their names, query
// parameters, path parameters) is held to the text rule (src/core/text.h): a control character
// is 400 naming the field and writes nothing; bytes that are not UTF-8 are refused likewise.

import assert from 'node:assert/strict';

import { assertProblem, http, orderBody, signInAll, startServer, test } from './server.mjs';

const node = await startServer();
const S = await signInAll(node.base, [
    { username: 'in-requester' }, { username: 'in-programme' }, { username: 'jp-requester' },
]);

/** A request that must not change the database (less its audit log); its answer. */
async function unchanged(method, path, as, opts = {}) {
    const before = await node.sqlite.dump();
    const r = await http(node.base, method, path, S[as], opts);
    assert.equal(await node.sqlite.dump(), before, 'a refused request changed the database');
    return r;
}

const lineWith = (overrides) => orderBody({
    lines: [{ ...orderBody().lines[0], ...overrides }],
});

test('finding 5: an ESC ("\\u001b") in an order line desc is 400 naming the field', async () => {
    const r = await unchanged('POST', '/api/orders', 'in-requester',
        { body: lineWith({ desc: 'Diesel \u001b[2J fuel' }) });
    assertProblem(r, 400, 'lines[0].desc');
    assert.match(r.json.detail, /control character U\+001B at byte 8/);
});

test('finding 5: BEL, CR, newline and a C1 control in place are 400 naming place', async () => {
    for (const place of ['berth\u0007', 'berth\r4', 'berth\n4', 'berth \u009b4']) {
        const r = await unchanged('POST', '/api/orders', 'in-requester',
            { body: orderBody({ place }) });
        assertProblem(r, 400, 'place');
    }
});

test('finding 5: bytes that are not UTF-8 in a body are 400, nothing written', async () => {
    const body = JSON.stringify(orderBody({ place: 'PLACE' }));
    const bytes = Buffer.from(body.replace('PLACE', 'Cdr \u00ff\u00fe'), 'latin1');
    const before = await node.sqlite.dump();
    const auth = S['in-requester'];
    const response = await fetch(`${node.base}/api/orders`, { method: 'POST', body: bytes,
        headers: { 'Content-Type': 'application/json', Cookie: auth.cookie,
            'X-CSRF-Token': auth.csrf } });
    const text = await response.text();
    assertProblem({ status: response.status, headers: response.headers, text,
        json: JSON.parse(text) }, 400, 'body');
    assert.equal(await node.sqlite.dump(), before, 'a refused request changed the database');
});

test('finding 5: a control character in a member name is 400, not quoted raw', async () => {
    const r = await unchanged('POST', '/api/orders', 'in-requester',
        { body: { ...orderBody(), 'x\u001b[2J': 1 } });
    assertProblem(r, 400);
    assert.doesNotMatch(r.text, /\u001b/);
});

test('finding 5: a control character in a query parameter is 400 naming it', async () => {
    const r = await http(node.base, 'GET', '/api/orders?agreement=IN%1B-JP', S['in-requester']);
    assertProblem(r, 400, 'agreement');
    assert.match(r.json.detail, /^agreement: control character U\+001B at byte 3/);
    const key = await http(node.base, 'GET', '/api/orders?st%07ate=draft', S['in-requester']);
    assertProblem(key, 400, 'query parameter');
});

test('finding 5: a control character or a bad byte in a path parameter is 400 naming it',
    async () => {
        const r = await http(node.base, 'GET', '/api/orders/IN-JP%1B-2024', S['in-requester']);
        assertProblem(r, 400, 'number');
        const bad = await http(node.base, 'GET', '/api/orders/IN-JP-%FF%FE', S['in-requester']);
        assertProblem(bad, 400, 'number');
        assert.match(bad.json.detail, /^number: not valid UTF-8 at byte 7/);
    });

test('finding 5: a dispute reason with ESC is 400 naming reason, nothing written', async () => {
    const list = await http(node.base, 'GET', '/api/orders?state=delivered', S['in-programme']);
    assert.equal(list.status, 200, list.text);
    const number = list.json.items[0].number;
    const etag = (await http(node.base, 'GET', `/api/orders/${number}`, S['in-programme']))
        .headers.get('etag');
    const r = await unchanged('POST', `/api/orders/${number}/dispute`, 'in-programme',
        { body: { reason: 'short \u001b]0;owned\u0007' }, headers: { 'If-Match': etag } });
    assertProblem(r, 400, 'reason');
});

test('finding 5: text that keeps the rule is still accepted (multi-byte, no controls)',
    async () => {
        const r = await http(node.base, 'POST', '/api/orders', S['in-requester'],
            { body: lineWith({ desc: 'Kapitän’s rations 東京 🚢' }) });
        assert.equal(r.status, 201, r.text);
        const got = await http(node.base, 'GET', `/api/orders/${r.json.number}`,
            S['in-requester']);
        assert.equal(got.json.lines[0].description, 'Kapitän’s rations 東京 🚢');
    });

test('SIGTERM stops the server with exit code 0', () => node.stop());
