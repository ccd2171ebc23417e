// SPDX-License-Identifier: MIT
// The API contract: every response the tests receive is checked against docs/openapi.json (an
// OpenAPI 3.1 document, whose schemas are JSON Schema 2020-12) with Ajv. A response must match a
// documented operation (its path template and method), a documented status of it, a documented
// media type, and that media type's schema; a body-less status (204) must be empty. A request to
// a route the document does not have may only be refused as a documented problem (404 or 405).
//
// As a module: checkResponse({method, path, status, type, body}) throws an Error naming what
// differs; server.mjs calls it for every exchange. As a program:
//   node tests/web/contract.mjs check DIR
// checks the responses a shell test recorded in DIR (tests/integration/http_lib.sh: for each
// response N, N.meta holds "METHOD PATH STATUS CONTENT-TYPE" and N.body its body), prints one
// line per failure, a summary, and exits 1 if any failed.

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = process.env.ACSA_SOURCE_ROOT ?? resolve(HERE, '../..');
// Ajv is CommonJS: required from the source root's node_modules (npm ci), like playwright-core.
const require = createRequire(join(ROOT, 'package.json'));
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

export const SPEC_PATH = join(ROOT, 'docs/openapi.json');
const SPEC = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
const BASE_ID = 'https://acsa.invalid/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

if (!/^3\.1\./.test(SPEC.openapi)) {
    // 3.0's schemas (nullable, exclusiveMinimum as a boolean) are not JSON Schema 2020-12.
    throw new Error(`${SPEC_PATH}: OpenAPI ${SPEC.openapi}; the checks read 3.1 only`);
}

/** The document's $refs to #/components/schemas/X as refs into the one schema Ajv holds. */
const absolute = (schema) => JSON.parse(JSON.stringify(schema).replaceAll(
    '"#/components/schemas/', `"${BASE_ID}#/$defs/`));

const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
addFormats(ajv);
// OpenAPI's own annotations in a schema (3.1 §4.8.24) and its format of file bodies.
ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
ajv.addFormat('binary', true);
ajv.addSchema({ $id: BASE_ID, $defs: absolute(SPEC.components?.schemas ?? {}) });

/** A $ref to #/components/<kind>/<name>, resolved (one level: the document has no chains). */
function deref(obj) {
    const m = /^#\/components\/([^/]+)\/([^/]+)$/.exec(obj?.$ref ?? '');
    if (!m) return obj;
    const target = SPEC.components?.[m[1]]?.[m[2]];
    if (!target) throw new Error(`${SPEC_PATH}: no ${obj.$ref}`);
    return target;
}

/** Every documented path as a matcher; literal segments outrank parameters (so
 * /api/export/journal wins over /api/export/{kind}). */
const ROUTES = Object.entries(SPEC.paths).map(([template, item]) => {
    const segments = template.split('/');
    const pattern = segments.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+'
        : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
    return { template, item, regex: new RegExp(`^${pattern}$`),
        literals: segments.filter((s) => !s.startsWith('{')).length };
}).sort((a, b) => b.literals - a.literals);

/** The documented path template of path (without its query), or null. */
export function findRoute(path) {
    const bare = path.split(/[?#]/)[0];
    return ROUTES.find((r) => r.regex.test(bare)) ?? null;
}

const validators = new Map();
function validator(key, schema) {
    if (!validators.has(key)) validators.set(key, ajv.compile(absolute(schema)));
    return validators.get(key);
}

/** What was checked so far: responses, and the documented "METHOD template status" seen. */
export const checked = { responses: 0, bodies: 0, covered: new Set() };

const PROBLEM_STATUSES_OFF_ROUTE = new Set([404, 405]);
const isJson = (type) => type === 'application/json' || /^application\/[^;]*\+json$/.test(type);

/** The media type of the response's Content-Type that content documents, or null. */
function documentedType(content, type) {
    if (content[type]) return type;
    const major = type.split('/')[0];
    if (content[`${major}/*`]) return `${major}/*`;
    if (content['*/*']) return '*/*';
    return null;
}

/**
 * Checks one response against the document; returns null when it conforms, else a description
 * of every way it does not. body is a string or Buffer (the bytes as received), or undefined
 * for a HEAD.
 */
export function responseProblems({ method, path, status, type, body }) {
    const where = `${method} ${path} -> ${status}`;
    const mediaType = (type ?? '').split(';')[0].trim().toLowerCase();
    const text = body === undefined ? '' : Buffer.isBuffer(body) ? body.toString('utf8') : body;
    const route = findRoute(path);
    let operation = route?.item[method.toLowerCase()];
    if (!operation && method === 'HEAD') operation = route?.item.get;
    let label;
    let response;
    if (operation) {
        label = `${method} ${route.template} ${status}`;
        response = operation.responses?.[String(status)] ?? operation.responses?.[`${String(status)[0]}XX`]
            ?? operation.responses?.default;
        if (!response) {
            return `${where}: status ${status} is not documented for ${method} ${route.template}`
                + ` (documented: ${Object.keys(operation.responses ?? {}).join(', ')})`;
        }
    } else {
        // Off the document's routes: only the server's refusal of an unknown route or method.
        const what = route ? `method ${method} of ${route.template}` : 'route';
        if (!PROBLEM_STATUSES_OFF_ROUTE.has(status)) {
            return `${where}: undocumented ${what} answered ${status} (only a 404 or 405 problem`
                + ' may answer a route or method the document does not have)';
        }
        label = `${method} (undocumented ${what}) ${status}`;
        response = SPEC.components.responses[`P${status}`];
        if (!response) return `${where}: the document has no components.responses.P${status}`;
    }
    response = deref(response);
    checked.responses += 1;
    checked.covered.add(label);
    const content = response.content;
    if (!content || Object.keys(content).length === 0) {
        return text === '' ? null : `${where}: documented without a body, got ${text.length}`
            + ` bytes (${mediaType}): ${text.slice(0, 200)}`;
    }
    if (body !== undefined && mediaType === '' && text === '') {
        return `${where}: a body of ${Object.keys(content).join(' or ')} is documented, got none`;
    }
    if (mediaType === '') return null; // A HEAD: no body, no type to read.
    const documented = documentedType(content, mediaType);
    if (!documented) {
        return `${where}: Content-Type ${mediaType} is not documented`
            + ` (documented: ${Object.keys(content).join(', ')})`;
    }
    const schema = content[documented].schema;
    if (!schema || !isJson(mediaType) || body === undefined) return null;
    let value;
    try {
        value = JSON.parse(text);
    } catch (e) {
        return `${where}: ${mediaType} that is not JSON (${e.message}): ${text.slice(0, 200)}`;
    }
    const validate = validator(`${label} ${documented}`, schema);
    checked.bodies += 1;
    if (validate(value)) return null;
    const errors = validate.errors.slice(0, 10).map((e) => `  ${e.instancePath || '(body)'} `
        + `${e.message}${e.params && Object.keys(e.params).length
            ? ` ${JSON.stringify(e.params)}` : ''} (schema ${e.schemaPath})`);
    return `${where}: the body does not match the documented schema of ${label}`
        + ` ${documented}:\n${errors.join('\n')}\n  body: ${text.slice(0, 300)}`;
}

/** responseProblems, thrown as an Error; with ACSA_CONTRACT=report in the environment, written
 * to stderr instead, so that one run lists every difference. */
export function checkResponse(response) {
    const problems = responseProblems(response);
    if (!problems) return;
    if (process.env.ACSA_CONTRACT === 'report') {
        process.stderr.write(`API contract (docs/openapi.json): ${problems}\n`);
        return;
    }
    throw new Error(`API contract (docs/openapi.json): ${problems}`);
}

/** One line for the log: how many responses were checked. */
export const summary = () => `contract: ${checked.responses} responses checked against `
    + `docs/openapi.json (${checked.bodies} JSON bodies validated by schema), `
    + `${checked.covered.size} distinct operation/status pairs`;

// ---- As a program: the responses a shell test recorded --------------------------------------

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    const [verb, dir] = process.argv.slice(2);
    if (verb !== 'check' || !dir) {
        process.stderr.write('usage: node tests/web/contract.mjs check DIR\n');
        process.exit(2);
    }
    const metas = readdirSync(dir).filter((f) => f.endsWith('.meta')).sort();
    let failed = 0;
    for (const file of metas) {
        const [method, path, status, ...type] = readFileSync(join(dir, file), 'utf8').trim()
            .split(' ');
        const body = readFileSync(join(dir, file.replace(/\.meta$/, '.body')));
        const problems = responseProblems({ method, path, status: Number(status),
            type: type.join(' '), body: method === 'HEAD' ? undefined : body });
        if (problems) {
            failed += 1;
            process.stdout.write(`${problems}\n`);
        }
    }
    process.stdout.write(`${summary()}; ${failed} failed\n`);
    process.exit(failed ? 1 : 0);
}
