// SPDX-License-Identifier: MIT
// Accounts and secrets under attack (issue 8, findings 3, 7 and 8): a flood of bad sign-ins is
// throttled in memory and writes nothing; no one can lock anyone out; a disabled user learns
// nothing; the last programme officer stays; no secret is kept in clear, stored responses
// expire, and the database and key files are private. Clients on other loopback addresses
// (127.0.0.2, ...) stand for other machines. No test here measures time.

import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';

import {
    acsa, assertProblem, http, newUser, ON_PG, signIn, startServer, test, USER_PASSWORD,
} from './server.mjs';

const node = await startServer();
const PO = await signIn(node.base, 'in-programme');
const count = async (table) => Number(await node.sqlite.query(`SELECT count(*) FROM ${table}`));
const uniq = (() => { let n = 0; return (prefix) => `${prefix}-${process.pid}-${++n}`; })();
const sleep = (s) => new Promise((done) => setTimeout(done, s * 1000));

/** POST /api/session from a given local address; {status, headers, text, json}. */
function signInFrom(localAddress, username, password) {
    const body = JSON.stringify({ username, password });
    const url = new URL('/api/session', node.base);
    return new Promise((done, fail) => {
        const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname,
            method: 'POST', localAddress, agent: false,
            headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } },
        (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => { text += chunk; });
            res.on('end', () => done({ status: res.statusCode, headers: res.headers, text,
                json: text !== '' && /json/.test(res.headers['content-type'] ?? '')
                    ? JSON.parse(text) : null }));
        });
        req.on('error', fail);
        req.end(body);
    });
}

/** Signs in from localAddress, waiting out each 429's Retry-After (at most tries times). */
async function signInPatiently(localAddress, username, password, tries = 10) {
    let r = null;
    for (let i = 0; i < tries; i++) {
        r = await signInFrom(localAddress, username, password);
        if (r.status !== 429) return r;
        assert.ok(Number(r.headers['retry-after']) >= 1, 'a 429 says when to retry');
        await sleep(Number(r.headers['retry-after']));
    }
    return r;
}

test('finding 3: a flood of failed sign-ins is throttled (429, Retry-After) and writes no rows',
    async () => {
        const audit = await count('audit');
        const failures = await count('login_failures');
        const flood = await Promise.all(Array.from({ length: 60 }, (_, i) => signInFrom(
            '127.0.0.1', i % 3 === 0 ? 'in-programme' : `nobody-${i}`, `wrong-password-${i}`)));
        const statuses = flood.map((r) => r.status);
        assert.deepEqual(statuses.filter((s) => ![401, 429, 503].includes(s)), []);
        const throttled = flood.filter((r) => r.status === 429);
        assert.ok(throttled.length > 0, `no 429 among ${statuses.join(' ')}`);
        for (const r of throttled) {
            assert.ok(Number(r.headers['retry-after']) >= 1, 'Retry-After');
            assert.equal(r.json.type, '/problems/throttled');
        }
        // Nothing per attempt: at most the one summary record of an interval.
        assert.equal(await count('login_failures'), failures);
        assert.ok(await count('audit') <= audit + 1, 'the audit log grew per attempt');
        // The right user gets in from the flooded address once its delay is over.
        const r = await signInPatiently('127.0.0.1', 'in-auditor', 'demo-password-1');
        assert.equal(r.status, 200, r.text);
    });

test('finding 8: wrong passwords from one address do not lock the programme officer out',
    async () => {
        for (let i = 0; i < 8; i++) {
            const r = await signInFrom('127.0.0.2', 'in-programme', `wrong-password-${i}`);
            assert.ok([401, 429].includes(r.status), r.text);
        }
        const other = await signInFrom('127.0.0.3', 'in-programme', 'demo-password-1');
        assert.equal(other.status, 200, other.text);
        assert.equal(other.json.user.role, 'programme-officer');
    });

test('finding 8: a disabled user with the right password gets the answer of a wrong one',
    async () => {
        const name = uniq('disabled');
        assert.equal((await http(node.base, 'POST', '/api/users', PO,
            { body: newUser(name) })).status, 201);
        assert.equal((await http(node.base, 'POST', `/api/users/${name}/disable`, PO,
            { body: {} })).status, 200);
        const right = await signInFrom('127.0.0.4', name, USER_PASSWORD);
        const wrong = await signInFrom('127.0.0.5', name, 'not-the-password-1');
        assertProblem({ ...right, headers: new Headers(right.headers) }, 401);
        assert.equal(right.status, wrong.status);
        assert.equal(right.text, wrong.text);
        assert.equal(right.headers['content-type'], wrong.headers['content-type']);
        assert.ok(!/disabled/.test(right.text));
    });

test('finding 8: the last enabled programme officer cannot be disabled (API and CLI)',
    async () => {
        const r = await http(node.base, 'POST', '/api/users/in-programme/disable', PO,
            { body: {} });
        assertProblem(r, 422, 'username');
        assert.match(r.json.detail, /last enabled programme officer/);
        assert.throws(() => acsa(node, ['--db', node.db, 'user', 'disable', 'in-programme']),
            (e) => /last enabled programme officer/.test(String(e.stderr)));
        assert.equal(await node.sqlite.query(
            "SELECT disabled FROM users WHERE username = 'in-programme'"), '0');
    });

test('finding 7: a replayed token creation never shows the secret, kept nowhere in the files',
    async () => {
        const headers = { 'Idempotency-Key': uniq('token') };
        const first = await http(node.base, 'POST', '/api/tokens', PO,
            { body: { name: 'replayed' }, headers });
        assert.equal(first.status, 201, first.text);
        const secret = first.json.token;
        assert.match(secret, /^[0-9a-f]{64}$/);
        const again = await http(node.base, 'POST', '/api/tokens', PO,
            { body: { name: 'replayed' }, headers });
        assertProblem(again, 409, 'Idempotency-Key');
        assert.equal(again.headers.get('idempotency-replayed'), 'true');
        assert.equal(again.json.id, first.json.id);
        assert.ok(!again.text.includes(secret));
        // Neither the token, nor the session or its CSRF token, in any byte of the database.
        const session = /acsa_session=([0-9a-f]{64})/.exec(PO.cookie)[1];
        // On PostgreSQL the files are the server's: every row of every table, as text.
        const everything = async () => `${await node.sqlite.dump()}\n${await node.sqlite.query(
            'SELECT t::text FROM audit t')}`;
        for (const file of ON_PG ? ['the database'] : [node.db, `${node.db}-wal`]) {
            let bytes = '';
            try {
                bytes = ON_PG ? await everything() : readFileSync(file).toString('latin1');
            } catch {
                continue;
            }
            for (const [what, text] of [['token', secret], ['session', session],
                ['CSRF token', PO.csrf]]) {
                assert.ok(!bytes.includes(text), `the ${what} is in ${file}`);
            }
        }
    });

test('finding 7: stored responses older than 24 hours are not replayed and are deleted',
    async () => {
        const key = uniq('aged');
        const post = (k) => http(node.base, 'POST', '/api/tokens', PO,
            { body: { name: 'aged' }, headers: { 'Idempotency-Key': k } });
        assert.equal((await post(key)).status, 201);
        await node.sqlite.query('UPDATE idempotency SET created_s = created_s - 86400 '
            + `WHERE key = '${key}'`);
        assert.equal((await post(uniq('other'))).status, 201); // A write purges.
        assert.equal(await node.sqlite.query(
            `SELECT count(*) FROM idempotency WHERE key = '${key}'`), '0');
        const again = await post(key);
        assert.equal(again.status, 201, again.text);
        assert.equal(again.headers.get('idempotency-replayed'), null);
    });

test('finding 7: the database, its WAL files and the node key are readable by the owner only',
    async () => {
        // On PostgreSQL the database's files are the server's: the key file is the node's.
        const files = ON_PG ? [node.keyFile]
            : [node.db, `${node.db}-wal`, `${node.db}-shm`, `${node.db}.key`];
        for (const file of files) {
            assert.equal((statSync(file).mode & 0o777).toString(8), '600', file);
        }
        // acsa init, whatever the umask (a SQLite file, its key beside it).
        const db = `${node.dir}/init.db`;
        acsa({ ...node, keyFile: `${db}.key` }, ['--db', db, 'init', '--nation', 'IN']);
        for (const file of [db, `${db}.key`]) {
            assert.equal((statSync(file).mode & 0o777).toString(8), '600', file);
        }
    });

test('stop the server', async () => {
    await node.stop();
});
