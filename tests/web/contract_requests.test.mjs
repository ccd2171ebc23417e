// SPDX-License-Identifier: MIT
// Request validation and docs/openapi.json agree member by member, route by route. For every
// documented operation with a JSON request body, on a live demo node, from the operation's
// documented example (the media type's `examples`, keyed by step for the step route):
//   (1) each documented member sent with a wrong JSON type is refused (400), the problem's
//       `field` naming it as the server spells it (lines[0].price; "$.title" in an agreement);
//   (2) each required member left out is refused naming it;
//   (3) an undocumented member is refused naming it (where the schema forbids extras);
//   (3b) each optional member sent as null is answered as the body without it (null is
//       absent), or, in an agreement document where the schema does not allow null, refused
//       naming it;
//   (4) the example itself is accepted, or refused only for a reason of the domain (never a 400
//       or 415, which would refuse a body the schema calls valid).
// The step route takes different members per step; the operation's x-step-members says which
// (and which the parser requires), and each step is checked as an operation of its own.
// Every response is checked against the document too (http() in server.mjs).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SPEC_PATH } from './contract.mjs';
import { http, signIn, startServer, test } from './server.mjs';

const SPEC = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
const node = await startServer();
const sessions = {};
const as = async (username) => (sessions[username] ??= await signIn(node.base, username));

/** #/components/schemas/X resolved (also inside allOf of one). */
const resolve = (schema) => (schema?.$ref
    ? resolve(SPEC.components.schemas[schema.$ref.split('/').pop()]) : schema);

/** Where each operation is called: the concrete path, who calls it, extra headers, and how
 * the server spells a member's field (an agreement document's loader writes "$.title"). */
/** The draft the example of POST /api/orders makes: the steps' examples are sent to it (with
 * an If-Match that is not its ETag, so that a body the parser takes is refused with 412 and
 * changes nothing). */
let draft = 'IN-2024-999999';
const CALLS = {
    'POST /api/session': { path: '/api/session', user: null },
    'POST /api/users': { path: '/api/users', user: 'in-programme' },
    'POST /api/users/{username}/disable': { path: '/api/users/contract-user/disable',
        user: 'in-programme' },
    'POST /api/tokens': { path: '/api/tokens', user: 'in-auditor' },
    'POST /api/agreements': { path: '/api/agreements', user: 'in-programme',
        field: (p) => `$.${p}` },
    'POST /api/units': { path: '/api/units', user: 'in-programme' },
    'POST /api/officials': { path: '/api/officials', user: 'in-programme' },
    'POST /api/officials/revoke': { path: '/api/officials/revoke', user: 'in-programme' },
    'POST /api/activities': { path: '/api/activities', user: 'in-programme' },
    'POST /api/orders': { path: '/api/orders', user: 'in-requester' },
    'POST /api/orders/{number}/{step}': { path: '/api/orders/{draft}/{step}',
        user: 'in-requester', headers: { 'If-Match': '"not-the-etag"' } },
    'POST /api/convert-overdue': { path: '/api/convert-overdue', user: 'in-programme' },
    'POST /api/agreements/{id}/amend': { path: '/api/agreements/IN-FR-2018/amend',
        user: 'in-programme',
        field: (p) => (p.startsWith('agreement.') ? `$.${p.slice(10)}` : p) },
    'POST /api/agreements/{id}/notice': { path: '/api/agreements/IN-FR-2018/notice',
        user: 'in-programme' },
    'POST /api/agreements/{id}/terminate': { path: '/api/agreements/IN-FR-2018/terminate',
        user: 'in-programme' },
    'POST /api/quarantine/{id}/resolve': { path: '/api/quarantine/999999/resolve',
        user: 'in-programme' },
};

/**
 * Cases (1) to (3) that cannot be observed, each with its reason: the member is checked by a
 * rule after the body's members (a domain rule on an order in a given state), not by the
 * parser. Keyed "METHOD template[ step] case member".
 */
const UNOBSERVABLE = {
    'POST /api/agreements/{id}/amend (valid) type agreement.id': 'the route first compares '
        + "the document's id with the path's (400 naming agreement), before the loader reads it",
    'POST /api/agreements/{id}/amend (valid) required agreement.id': 'as its wrong type: the '
        + "route's comparison with the path's id refuses it first, naming agreement",
};

/** A value of a JSON type the schema does not allow for a member, or null when every type is. */
function wrongValue(schema) {
    const s = resolve(schema);
    const types = new Set([s.type ?? (s.enum ? 'string' : null)].flat().filter(Boolean));
    if (types.size === 0) return null;
    if (!types.has('string')) return 'wrong';
    if (!types.has('integer') && !types.has('number')) return 7;
    if (!types.has('boolean')) return true;
    return null;
}

/** The operations with a JSON request body: [{key, template, schema, examples}]. */
function operations() {
    const list = [];
    for (const [template, item] of Object.entries(SPEC.paths)) {
        for (const [method, op] of Object.entries(item)) {
            const media = op.requestBody?.content?.['application/json'];
            if (!media) continue;
            list.push({ key: `${method.toUpperCase()} ${template}`, template, op, media,
                schema: resolve(media.schema) });
        }
    }
    return list;
}

/** Each case of one operation (or one step of the step route) with an example body. */
function cases(example, schema, fieldOf) {
    const out = [];
    const walk = (value, s, path) => {
        s = resolve(s);
        const props = s.properties ?? {};
        for (const [name, sub] of Object.entries(props)) {
            const at = path ? `${path}.${name}` : name;
            const wrong = wrongValue(sub);
            if (wrong !== null) {
                out.push({ kind: 'type', member: at, field: fieldOf(at),
                    mutate: (body) => set(body, at, wrong) });
            }
            const inner = resolve(sub);
            if (inner.type === 'array' && resolve(inner.items)?.properties
                && Array.isArray(value?.[name]) && value[name].length > 0) {
                walk(value[name][0], inner.items, `${at}[0]`);
            } else if (inner.properties && value?.[name] && typeof value[name] === 'object') {
                walk(value[name], inner, at);
            }
        }
        // An optional member sent as null is taken as absent (docs/API.md, Conventions); in an
        // agreement document (its loader spells fields "$.name") null is a wrong type, as in
        // an agreement file.
        for (const name of Object.keys(props).filter((n) => !(s.required ?? []).includes(n))) {
            const at = path ? `${path}.${name}` : name;
            const nullable = [resolve(props[name]).type].flat().includes('null');
            out.push({ kind: fieldOf(at).startsWith('$.') && !nullable ? 'null refused' : 'null',
                member: at, field: fieldOf(at), mutate: (body) => set(body, at, null) });
        }
        for (const name of s.required ?? []) {
            const at = path ? `${path}.${name}` : name;
            out.push({ kind: 'required', member: at, field: fieldOf(at),
                mutate: (body) => drop(body, at) });
        }
        if (s.additionalProperties === false) {
            const at = path ? `${path}.zz_undocumented` : 'zz_undocumented';
            out.push({ kind: 'extra', member: at, field: fieldOf(at),
                mutate: (body) => set(body, at, 1) });
        }
    };
    walk(example, schema, '');
    return out;
}

/** The parent object of path ("lines[0].price") in body, and the last key. */
function locate(body, path) {
    const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
    let parent = body;
    for (const k of keys.slice(0, -1)) parent = parent[k];
    return [parent, keys.at(-1)];
}
function set(body, path, value) {
    const [parent, key] = locate(body, path);
    parent[key] = value;
}
function drop(body, path) {
    const [parent, key] = locate(body, path);
    delete parent[key];
}

const REFUSALS = new Set([400, 422]);
const documented = (op, status) => Boolean(op.responses?.[String(status)]);
const clone = (v) => JSON.parse(JSON.stringify(v));
const counts = { operations: 0, members: 0, cases: 0 };

/** Runs every case of one operation; returns the disagreements as lines. */
async function check(label, op, call, path, example, schema) {
    const fieldOf = call.field ?? ((p) => p);
    const auth = call.user ? await as(call.user) : null;
    const send = (body) => http(node.base, 'POST', path, auth,
        { body, headers: call.headers });
    const wrong = [];
    const list = cases(example, schema, fieldOf);
    counts.operations += 1;
    counts.members += new Set(list.filter((c) => c.kind === 'type').map((c) => c.member)).size;
    for (const c of list) {
        const key = `${label} ${c.kind} ${c.member}`;
        if (UNOBSERVABLE[key]) continue;
        counts.cases += 1;
        const body = clone(example);
        c.mutate(body);
        const r = await send(body);
        const field = r.json?.field;
        if (c.kind === 'null') {
            // Answered as the same body without the member: same status, same field.
            const without = clone(example);
            drop(without, c.member);
            const a = await send(without);
            const same = a.status === r.status && (a.json?.field ?? null) === (field ?? null);
            // A null taken (2xx) has done its write: the body without it may then meet the
            // state that write left (a duplicate, a version already in effect).
            if (!same && r.status >= 300) {
                wrong.push(`${key}: null answered ${r.status} ${field ?? ''}, the member left `
                    + `out ${a.status} ${a.json?.field ?? ''}`);
            }
            continue;
        }
        // The parser's refusal (400) or the agreement loader's (422), documented for the route.
        if (!REFUSALS.has(r.status) || !documented(op, r.status) || field !== c.field) {
            wrong.push(`${key}: expected a 400 or 422 naming ${c.field}, got ${r.status} `
                + `${r.text.slice(0, 200)}`);
        }
    }
    counts.cases += 1;
    const r = await send(clone(example));
    if (r.status === 400 || r.status === 415) {
        wrong.push(`${label} valid example refused: ${r.status} ${r.text.slice(0, 200)}`);
    }
    if (label.startsWith('POST /api/orders (') && r.status === 201) draft = r.json.number;
    const kinds = (k) => list.filter((c) => c.kind === k).length;
    process.stderr.write(`${label}: ${kinds('type')} wrong types, ${kinds('required')} missing, `
        + `${kinds('extra')} unknown, ${kinds('null') + kinds('null refused')} optional as null; `
        + `the example: ${r.status}`
        + `${r.status >= 400 ? ` (${r.json?.field}: ${r.json?.detail})` : ''}\n`);
    return wrong;
}

test('every documented JSON request body: wrong types, missing and unknown members are '
    + 'refused naming them, and the documented example is not refused as malformed', async () => {
    const wrong = [];
    const ops = operations();
    const missing = ops.filter((o) => !CALLS[o.key]).map((o) => o.key);
    assert.deepEqual(missing, [], 'operations with a JSON body this test does not call');
    for (const o of ops) {
        const call = CALLS[o.key];
        const examples = o.media.examples ?? (o.media.example !== undefined
            ? { '': { value: o.media.example } } : null);
        if (!examples) {
            wrong.push(`${o.key}: no example in docs/openapi.json`);
            continue;
        }
        const steps = o.op['x-step-members'];
        if (steps) {
            // Each step: Step's members restricted to those the step takes.
            const missingSteps = Object.keys(steps).filter((s) => !examples[s]);
            if (missingSteps.length) wrong.push(`${o.key}: no example of ${missingSteps}`);
            for (const [step, members] of Object.entries(steps)) {
                if (!examples[step]) continue;
                const properties = Object.fromEntries(members.members.map((m) => {
                    assert.ok(o.schema.properties[m], `${o.key} x-step-members ${step}: ${m}`);
                    return [m, o.schema.properties[m]];
                }));
                const schema = { type: 'object', properties, required: members.required,
                    additionalProperties: false };
                wrong.push(...await check(`${o.key} ${step}`, o.op, call,
                    call.path.replace('{draft}', draft).replace('{step}', step),
                    examples[step].value, schema));
            }
            continue;
        }
        for (const [name, ex] of Object.entries(examples)) {
            wrong.push(...await check(`${o.key}${name ? ` (${name})` : ''}`, o.op, call, call.path,
                ex.value, o.schema));
        }
    }
    process.stderr.write(`contract_requests: ${counts.operations} operations, `
        + `${counts.members} members, ${counts.cases} requests checked\n`);
    wrong.forEach((w) => process.stderr.write(`disagreement: ${w}\n`));
    for (const [key, reason] of Object.entries(UNOBSERVABLE)) {
        process.stderr.write(`not observable: ${key}: ${reason}\n`);
    }
    assert.deepEqual(wrong, [], 'request validation and docs/openapi.json disagree');
});

test('SIGTERM stops the server with exit code 0', () => node.stop());
