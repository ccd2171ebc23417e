// SPDX-License-Identifier: MIT
// The contract checker itself (contract.mjs): it refuses what docs/openapi.json does not
// document, and the request members the document names are those the server reads.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRoute, responseProblems, SPEC_PATH } from './contract.mjs';
import { ROOT, test } from './server.mjs';

const JSON_TYPE = 'application/json';
const PROBLEM = 'application/problem+json';
const problem = (status) => JSON.stringify({ type: 'https://acsa.invalid/problems/not-found',
    title: 'Not found', status, detail: 'no such thing', field: null });
const session = (extra = {}) => JSON.stringify({ user: { id: 1, username: 'u', display_name: 'U',
    role: 'auditor', party: 'IN', unit_id: null, disabled: false, ...extra }, csrf_token: 'x' });

test('a documented response passes', () => {
    assert.equal(responseProblems({ method: 'GET', path: '/api/session', status: 200,
        type: JSON_TYPE, body: session() }), null);
    assert.equal(responseProblems({ method: 'GET', path: '/api/session', status: 401,
        type: `${PROBLEM}; charset=utf-8`, body: problem(401) }), null);
});

test('refused: a member the schema does not have, a missing one, a wrong type', () => {
    assert.match(responseProblems({ method: 'GET', path: '/api/session', status: 200,
        type: JSON_TYPE, body: session({ secret: 1 }) }), /\/user must NOT have additional/);
    assert.match(responseProblems({ method: 'GET', path: '/api/session', status: 200,
        type: JSON_TYPE, body: JSON.stringify({ csrf_token: 'x' }) }), /required property 'user'/);
    assert.match(responseProblems({ method: 'GET', path: '/api/session', status: 200,
        type: JSON_TYPE, body: session({ unit_id: '2' }) }), /\/user\/unit_id must be/);
});

test('refused: an undocumented status, media type, route or method; a body where none is', () => {
    assert.match(responseProblems({ method: 'GET', path: '/api/session', status: 418,
        type: PROBLEM, body: problem(418) }), /status 418 is not documented/);
    assert.match(responseProblems({ method: 'GET', path: '/api/session', status: 200,
        type: 'text/plain', body: 'hi' }), /Content-Type text\/plain is not documented/);
    assert.match(responseProblems({ method: 'GET', path: '/api/nothing/here', status: 200,
        type: JSON_TYPE, body: '{}' }), /undocumented route answered 200/);
    assert.match(responseProblems({ method: 'PUT', path: '/api/session', status: 200,
        type: JSON_TYPE, body: session() }), /undocumented method PUT/);
    assert.match(responseProblems({ method: 'DELETE', path: '/api/session', status: 204,
        type: JSON_TYPE, body: '{}' }), /documented without a body/);
    assert.match(responseProblems({ method: 'GET', path: '/api/session', status: 200,
        type: JSON_TYPE, body: '{' }), /that is not JSON/);
});

test('an unknown route or method may be refused as a documented problem (404, 405)', () => {
    assert.equal(responseProblems({ method: 'GET', path: '/api/nothing/here', status: 404,
        type: PROBLEM, body: problem(404) }), null);
    assert.equal(responseProblems({ method: 'PUT', path: '/api/session', status: 405,
        type: PROBLEM, body: problem(405) }), null);
    assert.match(responseProblems({ method: 'PUT', path: '/api/session', status: 405,
        type: PROBLEM, body: '{"status":405}' }), /required property/);
});

test('a literal path outranks a template; the query is not part of the path', () => {
    assert.equal(findRoute('/api/export/journal?from=2024-01-01').template, '/api/export/journal');
    assert.equal(findRoute('/api/export/orders').template, '/api/export/{kind}');
    assert.equal(findRoute('/api/orders/IN-2024-000001/verify').template,
        '/api/orders/{number}/verify');
    assert.equal(findRoute('/api/orders/IN-2024-000001/submit').template,
        '/api/orders/{number}/{step}');
    assert.equal(findRoute('/api/orders/a/b/c/d'), null);
});

/**
 * Every member the server reads from a request (its field tables in src/server: JIN(...)
 * entries, PAGE_QUERY, and the few members read by hand with json_object_get) is a member of a
 * documented request body or a documented parameter, and every member of a documented request
 * body is one the server reads (an agreement document's top-level members are its loader's).
 * The server refuses an unknown member naming it (json_in.c), so a documented member it does
 * not read would be refused, and one it reads but the document lacks is a hidden input.
 * contract_requests.test.mjs checks the same per route and type, on a live node.
 */
test('the request members of docs/openapi.json are the ones the server reads', () => {
    const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
    const server = new Map();
    const dir = join(ROOT, 'src/server');
    for (const file of readdirSync(dir).filter((f) => /\.[ch]$/.test(f))) {
        const text = readFileSync(join(dir, file), 'utf8');
        for (const m of text.matchAll(/(?:JIN\(|\{)\s*"([a-z_0-9]+)",\s*JIN_|json_object_get\(\w+, "([a-z_0-9]+)"\)/g)) {
            server.set(m[1] ?? m[2], file);
        }
    }
    assert.ok(server.size > 50, `field tables found in src/server: ${server.size}`);
    // An agreement document's top-level members: the loader's (src/format/agreement_json.c).
    const loader = readFileSync(join(ROOT, 'src/format/agreement_json.c'), 'utf8');
    const top = /top_members\[\] = \{([^}]*)\}/.exec(loader);
    assert.ok(top, 'top_members of src/format/agreement_json.c');
    for (const m of top[1].matchAll(/"([a-z_0-9]+)"/g)) server.set(m[1], 'agreement_json.c');
    const bodies = new Set();
    const params = new Set();
    const seen = new Set();
    const schemaOf = (ref) => spec.components.schemas[ref.split('/').pop()];
    const walk = (s) => {
        if (!s || typeof s !== 'object') return;
        if (s.$ref) {
            if (!seen.has(s.$ref)) {
                seen.add(s.$ref);
                walk(schemaOf(s.$ref));
            }
            return;
        }
        for (const [name, sub] of Object.entries(s.properties ?? {})) {
            bodies.add(name);
            walk(sub);
        }
        walk(s.items);
        [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])].forEach(walk);
    };
    for (const item of Object.values(spec.paths)) {
        for (const [method, op] of Object.entries(item)) {
            if (method === 'parameters') continue;
            for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
                params.add((p.$ref ? spec.components.parameters[p.$ref.split('/').pop()] : p).name);
            }
            Object.values(op.requestBody?.content ?? {}).forEach((c) => walk(c.schema));
        }
    }
    const hidden = [...server.keys()].filter((n) => !bodies.has(n) && !params.has(n))
        .map((n) => `${n} (${server.get(n)})`);
    assert.deepEqual(hidden, [], 'read by the server, documented nowhere');
    const unread = [...bodies].filter((n) => !server.has(n));
    assert.deepEqual(unread, [], 'documented request members the server never reads');
});
