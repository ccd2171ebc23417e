// SPDX-License-Identifier: MIT
// Shared by the web tests: a demo node (or a fresh node of any nation) served by `acsa serve` in a
// directory of its own, partner nodes paired by key, an HTTP client that signs in by cookie (with
// CSRF) or API token or signs as a node, and database dumps. With ACSA_TEST_PG (a postgresql://
// URI, as tests/pg/cluster.sh exports it, with ACSA_TEST_PG_DIR its socket directory) every node
// lives in a PostgreSQL database of its own in that cluster, with its key file in its directory.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test as nodeTest } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checked, checkResponse, responseProblems, summary } from './contract.mjs';

export const ROOT = process.env.ACSA_SOURCE_ROOT ??
    resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PASSWORD = 'demo-password-1';
const SOURCE_BIN = process.env.ACSA_BIN ?? join(ROOT, 'build/acsa');

/**
 * node:test's test(), whose failure reads as one block of lines: meson's TAP parser ends the
 * YAML block of a failure at a blank line or a line of "...", which assertion diffs contain.
 */
export function test(name, fn) {
    return nodeTest(name, async (t) => {
        try {
            await fn(t);
            await browserContract.verify();
        } catch (e) {
            const lines = String(e?.message ?? e).split('\n').filter((l) => l.trim() !== '')
                .map((l) => l.replace(/^(\s*)(\.\.\.|---)\s*$/, '$1(...)'));
            const error = new Error(lines.slice(0, 80).join('\n'));
            error.stack = `Error: ${error.message}\n${(e?.stack ?? '').split('\n')
                .filter((l) => /^\s+at /.test(l)).join('\n')}`;
            throw error;
        }
    });
}

// ---- The browser ------------------------------------------------------------------------------

/**
 * What the web UI's own requests received: every response to an /api/ or /sync/ URL in a page of
 * a context of launchBrowser() is checked against docs/openapi.json like http()'s (contract.mjs).
 * Bodies are read as they arrive; verify() waits for the reads and throws naming every response
 * that does not conform (test() calls it when each test ends; responses that arrive between
 * tests are reported by the next test, or at exit).
 */
const browserContract = {
    pending: new Set(),
    failures: [],
    responses: 0,
    unread: 0,
    watch(context) {
        context.on('response', (response) => {
            const url = new URL(response.url());
            if (!/^\/(api|sync)\//.test(url.pathname)) return;
            const task = this.check(response, url)
                .catch((e) => this.failures.push(`${response.request().method()} ${url.pathname}`
                    + `${url.search}: ${e.message}`))
                .finally(() => this.pending.delete(task));
            this.pending.add(task);
        });
        // A context's bodies are read before it goes.
        const close = context.close.bind(context);
        context.close = async (...args) => {
            await Promise.allSettled([...this.pending]);
            return close(...args);
        };
    },
    async check(response, url) {
        const method = response.request().method();
        const status = response.status();
        // A redirect's body is not kept by the browser, and a 204 has none: each is documented
        // empty or not at all.
        let body = method === 'HEAD' ? undefined
            : status === 204 || (status >= 300 && status < 400) ? '' : null;
        if (body === null) {
            try {
                body = await response.body();
            } catch (e) {
                // Chromium no longer holds it (evicted from the inspector's cache when the page
                // moved on): its status and media type are checked, as a HEAD's are.
                if (!/evicted|No (resource|data found)|closed/.test(e.message)) throw e;
                body = undefined;
                this.unread += 1;
            }
        }
        const problems = responseProblems({ method, path: url.pathname + url.search, status,
            type: response.headers()['content-type'], body });
        this.responses += 1;
        if (problems) this.failures.push(`in the browser: ${problems}`);
    },
    async verify() {
        while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
        const failures = this.failures.splice(0);
        if (failures.length > 0) {
            throw new Error(`API contract (docs/openapi.json): ${failures.length} response(s) `
                + `the web UI received do not conform:\n${failures.join('\n')}`);
        }
    },
};

process.on('exit', () => {
    if (browserContract.responses > 0) {
        process.stderr.write(`contract: ${browserContract.responses} responses the web UI `
            + `received checked against docs/openapi.json (${browserContract.unread} of them `
            + 'without their body, which the browser no longer held)\n');
    }
    if (browserContract.failures.length > 0) {
        process.stderr.write(`API contract (docs/openapi.json), in the browser after the last `
            + `test:\n${browserContract.failures.join('\n')}\n`);
        process.exitCode = 1;
    }
});

/**
 * Debian's Chromium, headless, as every browser test drives it (playwright-core); each context
 * it makes has its API responses checked against the document (browserContract).
 */
export async function launchBrowser() {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const newContext = browser.newContext.bind(browser);
    browser.newContext = async (...args) => {
        const context = await newContext(...args);
        browserContract.watch(context);
        return context;
    };
    browser.newPage = async (...args) => (await browser.newContext(...args)).newPage();
    const close = browser.close.bind(browser);
    browser.close = async (...args) => {
        await Promise.allSettled([...browserContract.pending]);
        return close(...args);
    };
    return browser;
}

/** axe-core's serious and critical violations of the page, as lines. */
export async function axeViolations(page) {
    await page.addScriptTag({ content: readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8') });
    const result = await page.evaluate(async () => window.axe.run(document, {
        resultTypes: ['violations'] }));
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' '))
            .join(' | ')}`);
}

/** The PostgreSQL cluster the nodes live in (ACSA_TEST_PG_DIR), or null for SQLite files. */
const PG_DIR = process.env.ACSA_TEST_PG ? process.env.ACSA_TEST_PG_DIR : null;
export const ON_PG = Boolean(PG_DIR);
const pgUri = (database) => `postgresql:///${database}?host=${PG_DIR}&user=acsa`;

/** The environment acsa runs in for a node: its key file in ACSA_KEY on PostgreSQL (several
 * nodes, one key each; on SQLite the key is beside the database). */
const nodeEnv = (node) => ({ ...process.env, TZ: 'UTC',
    ...(node.keyFile && ON_PG ? { ACSA_KEY: node.keyFile } : {}) });

/** Runs acsa with args (and input on its stdin, when given); its stdout, or throws. */
export function acsa(node, args, input) {
    return execFileSync(node.bin, args, { encoding: 'utf8', input, env: nodeEnv(node),
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
}

/** The demo node of India (`acsa demo`): the default database of startServer. */
export const demoNode = (node) => acsa(node, ['demo', '--db', node.db]);

/**
 * A fresh node of nation: `acsa init`, the agreements (files under the source root, the
 * India-Japan one by default), then each of commands (acsa arguments after --db), then users
 * [{username, name, role, unit?}] of that nation with the demo password.
 */
export function freshNode(nation, { agreements = ['agreements/india-japan-2020.json'],
    commands = [], users = [] } = {}) {
    return (node) => {
        const run = (args, input) => acsa(node, ['--db', node.db, ...args], input);
        run(['init', '--nation', nation]);
        agreements.forEach((file) => run(['agreement', 'load', join(ROOT, file)]));
        commands.forEach((args) => run(args));
        for (const u of users) {
            run(['user', 'add', '--username', u.username, '--name', u.name, '--role', u.role,
                '--party', nation, ...(u.unit ? ['--unit', String(u.unit)] : []),
                '--password-stdin'], `${PASSWORD}\n`);
        }
    };
}

/**
 * Creates a database in a new directory (the demo node unless create(node) makes another) and
 * serves it on a free port. Returns {base, dir, db (its path), sqlite (openDatabase), bin, log(),
 * stop()}; stop() sends SIGTERM and asserts exit code 0.
 */
export async function startServer({ serveArgs = [], scheme = 'http', create = demoNode } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'acsa-web.'));
    const bin = join(dir, 'acsa'); // A copy: a rebuild while the tests run cannot change it.
    const node = { dir, bin, db: join(dir, 'node.db'), keyFile: join(dir, 'node.db.key') };
    try {
        copyFileSync(SOURCE_BIN, bin);
        if (ON_PG) {
            // A database of its own, named after the directory (unique), emptied by dropping.
            const database = `web_${dir.split('.').at(-1).toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
            execFileSync('psql', ['-X', '-q', pgUri('postgres'), '-c',
                `CREATE DATABASE ${database}`], { stdio: 'ignore' });
            node.db = pgUri(database);
            node.keyFile = join(dir, 'node.key');
        }
        create(node);
    } catch (e) {
        rmSync(dir, { recursive: true, force: true });
        throw e;
    }
    node.sqlite = openDatabase(node.db);
    const child = spawn(bin, ['--db', node.db, 'serve', '--listen', '127.0.0.1:0', ...serveArgs],
        { stdio: ['ignore', 'ignore', 'pipe'], env: nodeEnv(node) });
    let stderr = '';
    const exited = new Promise((done) => child.on('exit',
        (code, signal) => done({ code, signal })));
    const base = await new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no "event":"listening" line: ${stderr}`)), 10000);
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (chunk) => {
            stderr += chunk;
            const m = /^\{.*"event":"listening","url":"(https?:\/\/127\.0\.0\.1:\d+)".*\}$/m.exec(stderr);
            if (m) {
                clearTimeout(timer);
                done(m[1]);
            }
        });
        exited.then(({ code }) => fail(new Error(`acsa serve exited with ${code}: ${stderr}`)));
    });
    assert.ok(base.startsWith(`${scheme}://`), `served at ${base}`);
    // A test file that ends without stop() (a filtered run, a failure) does not wait for it.
    child.unref();
    child.stderr.unref();
    const cleanUp = () => {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
    };
    process.on('exit', cleanUp);
    let stopped = false;
    return {
        ...node,
        base,
        log: () => stderr,
        async stop() {
            if (stopped) return;
            stopped = true;
            child.ref(); // Wait for it.
            child.stderr.ref();
            child.kill('SIGTERM');
            const { code, signal } = await exited;
            process.off('exit', cleanUp);
            node.sqlite.close();
            rmSync(dir, { recursive: true, force: true });
            assert.equal(signal, null, `acsa serve was killed by ${signal}`);
            assert.equal(code, 0, `acsa serve exited with ${code}: ${stderr.slice(-2000)}`);
        },
    };
}

/* The line that ends the output of each batch of commands to the sqlite3 shell. */
const END = '-- end of output --';

/**
 * A sqlite3 shell kept open on a database (a shell per comparison would cost more than the
 * request it checks), or psql on a PostgreSQL one (a postgresql:// URI). query(sql) resolves
 * its output (columns joined by "|"); snapshot() a dump of every table but the audit log
 * (every request, refused or not, is audited) as {data}, and the last audit records as
 * {audit: [{id, action, outcome}]}; dump() just the data. sqlite3's dump is .dump; psql's is
 * each table's rows as text in sorted order (a heap's order is not the data's), so that it
 * reads the same while the data is the same.
 */
export function openDatabase(path) {
    const pg = /^postgres(ql)?:/.test(path);
    const shell = pg
        ? spawn('psql', ['-X', '-q', '-A', '-t', path], { stdio: ['pipe', 'pipe', 'pipe'] })
        : spawn('sqlite3', ['-batch', path], { stdio: ['pipe', 'pipe', 'pipe'] });
    const streams = [shell.stdin, shell.stdout, shell.stderr];
    const hold = (on) => streams.forEach((s) => (on ? s.ref() : s.unref()));
    hold(false);
    process.on('exit', () => shell.kill());
    let output = '';
    let errors = '';
    let waiting = null;
    shell.stdout.setEncoding('utf8');
    shell.stderr.setEncoding('utf8');
    shell.stderr.on('data', (chunk) => { errors += chunk; });
    shell.stdout.on('data', (chunk) => {
        output += chunk;
        const end = output.indexOf(`${END}\n`);
        if (end >= 0 && waiting) {
            const [text, failure] = [output.slice(0, end), errors];
            [output, errors] = [output.slice(end + END.length + 1), ''];
            hold(false);
            waiting(failure ? Promise.reject(new Error(`sqlite3: ${failure}`)) : text);
        }
    });
    let queue = Promise.resolve();
    const run = (commands) => {
        const result = queue.then(() => new Promise((done) => {
            waiting = done;
            hold(true);
            shell.stdin.write(`${commands}\n${pg ? '\\echo' : '.print'} '${END}'\n`);
        }));
        queue = result.catch(() => {});
        return result;
    };
    if (pg) run('SET client_min_messages = warning;');
    let tables = null;
    const dumpTables = async () => {
        if (pg) {
            return "SELECT format('SELECT %L || '': '' || t::text FROM public.%I t "
                + "ORDER BY t::text', tablename, tablename) FROM pg_tables "
                + "WHERE schemaname = 'public' AND tablename <> 'audit' ORDER BY tablename\n"
                + '\\gexec\n';
        }
        tables ??= (await run("SELECT name FROM sqlite_master WHERE type = 'table' "
            + "AND name <> 'audit' ORDER BY name;")).trim().split('\n').join(' ');
        return `.dump ${tables}\n.mode list\n.separator '|'\n`;
    };
    const snapshot = async () => {
        const text = await run(`${await dumpTables()}`
            + "SELECT 'audit', id, action, outcome FROM audit WHERE id > (SELECT max(id) - 100 "
            + 'FROM audit) ORDER BY id;');
        const data = [];
        const audit = [];
        for (const line of text.split('\n')) {
            const [tag, id, action, outcome] = line.split('|');
            if (tag === 'audit' && outcome !== undefined) {
                audit.push({ id: Number(id), action, outcome });
            } else {
                data.push(line);
            }
        }
        return { data: data.join('\n'), audit };
    };
    return {
        query: async (sql) => (await run(`${sql.replace(/;?\s*$/, ';')}`)).trim(),
        snapshot,
        dump: async () => (await snapshot()).data,
        close: () => shell.stdin.end(),
    };
}

/**
 * One HTTP exchange. auth is a session {cookie, csrf}, a {token}, or null. Options: body (an
 * object sent as JSON, or a string sent as is), type (Content-Type), headers, csrf (false to
 * leave X-CSRF-Token out of a cookie write). Returns {status, headers, text, json}.
 */
export async function http(base, method, path, auth = null, opts = {}) {
    const headers = { ...(opts.headers ?? {}) };
    if (auth?.cookie) {
        headers.Cookie = auth.cookie;
        if (method !== 'GET' && opts.csrf !== false && auth.csrf) {
            headers['X-CSRF-Token'] = auth.csrf;
        }
    }
    if (auth?.token) headers.Authorization = `Bearer ${auth.token}`;
    let body;
    if (opts.body !== undefined) {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['Content-Type'] = opts.type ?? 'application/json';
    }
    const response = await fetch(base + path, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    checkResponse({ method, path, status: response.status,
        type: response.headers.get('content-type'), body: method === 'HEAD' ? undefined : text });
    let json = null;
    if (/json/.test(response.headers.get('content-type') ?? '') && text !== '') {
        json = JSON.parse(text);
    }
    return { status: response.status, headers: response.headers, text, json };
}

// Every response of http() and nodeHttp() is checked against docs/openapi.json (contract.mjs);
// how many, in the test's log.
process.on('exit', () => {
    if (checked.responses > 0) process.stderr.write(`${summary()}\n`);
});

/** Signs in; returns the session {cookie, csrf, user, setCookie}. */
export async function signIn(base, username, password = PASSWORD) {
    const r = await http(base, 'POST', '/api/session', null, { body: { username, password } });
    assert.equal(r.status, 200, `sign-in of ${username}: ${r.text}`);
    const setCookie = r.headers.get('set-cookie') ?? '';
    const m = /acsa_session=([^;]*)/.exec(setCookie);
    assert.ok(m, `no session cookie: ${setCookie}`);
    return { cookie: `acsa_session=${m[1]}`, csrf: r.json.csrf_token, user: r.json.user,
        setCookie };
}

/** Creates an API token for the session's user; returns {token, id}. */
export async function apiToken(base, session, name = 'web tests') {
    const r = await http(base, 'POST', '/api/tokens', session, { body: { name } });
    assert.equal(r.status, 201, `token: ${r.text}`);
    return { token: r.json.token, id: r.json.id };
}

/** Asserts r is an RFC 9457 problem of status (and field, when given). */
export function assertProblem(r, status, field) {
    assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
    assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const p = r.json;
    assert.ok(p && typeof p === 'object', `problem body: ${r.text}`);
    assert.match(p.type, /^\/problems\/[a-z-]+$/);
    assert.equal(typeof p.title, 'string');
    assert.ok(p.title.length > 0);
    assert.equal(p.status, status);
    assert.equal(typeof p.detail, 'string');
    assert.ok(p.detail.length > 0);
    assert.ok('field' in p, `problem without field: ${r.text}`);
    if (field !== undefined) assert.equal(p.field, field, `field of ${r.text}`);
}

/** The demo's users, by role and party (README "Users"). */
export const USERS = [
    { username: 'in-requester', role: 'requester', party: 'IN', unit: 2 },
    { username: 'in-approver', role: 'approver', party: 'IN', unit: null },
    { username: 'in-clerk', role: 'supplier-clerk', party: 'IN', unit: 2 },
    { username: 'in-finance', role: 'finance-officer', party: 'IN', unit: null },
    { username: 'in-programme', role: 'programme-officer', party: 'IN', unit: null },
    { username: 'in-auditor', role: 'auditor', party: 'IN', unit: null },
    { username: 'jp-requester', role: 'requester', party: 'JP', unit: 5 },
    { username: 'jp-approver', role: 'approver', party: 'JP', unit: null },
    { username: 'jp-clerk', role: 'supplier-clerk', party: 'JP', unit: 5 },
    { username: 'jp-finance', role: 'finance-officer', party: 'JP', unit: null },
];

/** Signs every demo user in at once; a map username -> session. */
export async function signInAll(base, users = USERS) {
    const sessions = await Promise.all(users.map((u) => signIn(base, u.username)));
    return Object.fromEntries(users.map((u, i) => [u.username, sessions[i]]));
}

/** A draft order of the India-Japan demo (Indian Navy asks JMSDF), with overrides. */
export function orderBody(overrides = {}) {
    return {
        agreement: 'IN-JP-2020', requester: 'IN', supplier: 'JP', activity: 2, method: 'cash',
        requester_unit: 2, supplier_unit: 5, place: 'Yokosuka berth 4', need_by: '2024-06-18',
        date: '2024-06-12', backdate_reason: 'replayed from exercise records',
        lines: [{ category: 'pol', desc: 'Diesel fuel marine', qty: '1000', unit: 'l', price: '150',
            currency: 'JPY' }],
        ...overrides,
    };
}

/** The India-France agreement file, which the demo node has not loaded. */
export const FRANCE = JSON.parse(readFileSync(join(ROOT, 'agreements/india-france-2018.json'),
    'utf8'));

/** The body of POST /api/users for a requester of the Indian Navy, with overrides. */
export const USER_PASSWORD = 'long-password-1';
export const newUser = (username, extra = {}) => ({ username, display_name: `Lt ${username}`,
    password: USER_PASSWORD, role: 'requester', party: 'IN', unit_id: 2, ...extra });

// ---- Partner nodes -------------------------------------------------------------------------

/** A node's identity: {nation, key (hex), fingerprint, key_file} (`acsa node show --json`). */
export function identity(node) {
    return JSON.parse(acsa(node, ['--db', node.db, 'node', 'show', '--json']));
}

/** Registers a as b's partner node: its URL (null: none) and key, by `acsa peer add` on b. */
export function addPeer(b, a, url = a.base) {
    const id = identity(a);
    acsa(b, ['--db', b.db, 'peer', 'add', '--party', id.nation, ...(url ? ['--url', url] : []),
        '--key', id.key]);
    return id;
}

/** Makes two served nodes partners of each other, as their officers would: keys and URLs. */
export function pairNodes(a, b) {
    addPeer(b, a);
    addPeer(a, b);
}

/** What a node signs a request with: {nation, key (a KeyObject)}, from its secret key file
 * (libsodium's 64 bytes: the Ed25519 seed, then the public key). */
export function nodeSigner(node) {
    const secret = readFileSync(node.keyFile ?? `${node.db}.key`);
    const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'),
        secret.subarray(0, 32)]);
    return { nation: identity(node).nation,
        key: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }) };
}

/** The message a node signs (docs/ARCHITECTURE.md, "The sync wire"): "ACSA-REQ-2", METHOD,
 * TARGET (path and query as sent), FROM, TO, TIME, NONCE, hex(SHA-256(body)), joined by "\n".
 * wire: {from, to, nonce} as the request's headers carry them. */
export function requestMessage(method, path, time, body, wire = {}) {
    const hash = createHash('sha256').update(body).digest('hex');
    return ['ACSA-REQ-2', method, path, wire.from, wire.to, time, wire.nonce, hash].join('\n');
}

/**
 * One request of a partner node to base: signed by signer ({nation, key}) unless signer is null.
 * Options: body (a Buffer or string), time (Unix seconds, or any text; now by default), node
 * (X-Acsa-Node, the signer's nation by default), to (X-Acsa-To, the receiving nation),
 * message(method, path, time, body, wire) (what to sign instead of the request's message),
 * headers. Returns {status, headers, body (a Buffer), text, json}.
 */
export async function nodeHttp(base, signer, method, path, opts = {}) {
    const body = Buffer.from(opts.body ?? '');
    const time = opts.time ?? Math.floor(Date.now() / 1000);
    const headers = { 'Content-Type': 'application/octet-stream', ...(opts.headers ?? {}) };
    if (signer) {
        const wire = { from: opts.node ?? signer.nation, to: opts.to ?? '',
            nonce: randomBytes(16).toString('hex') };
        const message = (opts.message ?? requestMessage)(method, path, time, body, wire);
        headers['X-Acsa-Node'] = wire.from;
        headers['X-Acsa-To'] = wire.to;
        headers['X-Acsa-Time'] = String(time);
        headers['X-Acsa-Nonce'] = wire.nonce;
        headers['X-Acsa-Body-SHA256'] = createHash('sha256').update(body).digest('hex');
        headers['X-Acsa-Signature'] = sign(null, Buffer.from(message), signer.key)
            .toString('hex');
    }
    const response = await fetch(base + path, { method, headers,
        body: method === 'GET' ? undefined : body, redirect: 'manual' });
    const bytes = Buffer.from(await response.arrayBuffer());
    checkResponse({ method, path, status: response.status,
        type: response.headers.get('content-type'), body: bytes });
    const text = bytes.toString('utf8');
    let json = null;
    if (/json/.test(response.headers.get('content-type') ?? '') && text !== '') {
        json = JSON.parse(text);
    }
    return { status: response.status, headers: response.headers, body: bytes, text, json };
}
