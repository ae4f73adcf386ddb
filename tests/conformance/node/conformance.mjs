// Conformance of azsreg-emulator with Microsoft's Node SDKs (issue 10): @azure/identity signs
// in with every credential kind the emulator serves, @azure/arm-azurestack and
// @azure/arm-resources drive Azure Stack registrations and customer subscriptions. Each check
// states the request the emulator must have received (from its request log) and the answer
// the SDK must have given back.
//
// Usage: node conformance.mjs <node_modules dir> <emulator https base> <emulator http base> <certificate PEM>
//   NODE_EXTRA_CA_CERTS must name the emulator's CA (read by Node at start). The certificate
//   PEM (private key + certificate) is registered for the sample app by this script.
// Prints one line per check ("ok" or "FAIL", SDK, credential or operation, detail) and last
// "RESULT <json>" with every row; exit 0 only when every check passed. Nothing may leave the
// machine: see ../loopback-guard.mjs (any other host fails the run, naming the host).
import crypto from 'node:crypto';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { installLoopbackGuard } from '../loopback-guard.mjs';

const outside = installLoopbackGuard();
const [modulesDir, baseArg, httpArg, certPath, only] = process.argv.slice(2);
if (!modulesDir || !baseArg || !httpArg || !certPath) {
    console.error('usage: node conformance.mjs <node_modules dir> <https base> <http base> <certificate PEM>');
    process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const httpBase = httpArg.replace(/\/+$/, '');

const require = createRequire(path.join(path.resolve(modulesDir), 'index.js'));
const identity = require('@azure/identity');
const { AzureStackManagementClient } = require('@azure/arm-azurestack');
const { ResourceManagementClient } = require('@azure/arm-resources');
const msRest = require('@azure/ms-rest-js');
const versions = {
    'arm-azurestack': require('@azure/arm-azurestack/package.json').version,
    'arm-resources': require('@azure/arm-resources/package.json').version,
    identity: require('@azure/identity/package.json').version,
    'msal-node': require('@azure/msal-node/package.json').version,
    'ms-rest-js': require('@azure/ms-rest-js/package.json').version,
};

// ---- the emulator's control API --------------------------------------------------------
function control(method, p, body) {
    return new Promise((resolve, reject) => {
        const req = https.request(`${base}${p}`, { method, headers: { 'content-type': 'application/json' } }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d) => { text += d; });
            res.on('end', () => {
                if (res.statusCode >= 300) { reject(new Error(`${method} ${p} -> ${res.statusCode}`)); return; }
                try { resolve(text ? JSON.parse(text) : null); } catch (e) { reject(e); }
            });
        });
        req.on('error', reject);
        if (body !== undefined) req.write(JSON.stringify(body));
        req.end();
    });
}
const requests = async () => (await control('GET', '/_emulator/requests')) ?? [];
// ARM paths, with the path as ARM reads it: @azure/arm-resources joins its endpoint and a
// resource ID into '//subscriptions/...', which ARM (and the emulator) take as '/subscriptions/...'.
const armRequests = async () => (await requests())
    .map((r) => ({ ...r, sentPath: r.path, path: r.path.replace(/^\/+/, '/') }))
    .filter((r) => r.path.startsWith('/subscriptions') || r.path.startsWith('/providers'));

// ---- checks ----------------------------------------------------------------------------
const rows = [];
function expect(cond, what) { if (!cond) throw new Error(what); }
async function check(area, name, fn) {
    await control('DELETE', '/_emulator/requests');
    await control('DELETE', '/_emulator/faults');     // nothing left over from a failed check
    let detail;
    let ok = true;
    try {
        detail = (await fn()) ?? '';
    } catch (err) {
        ok = false;
        detail = String(err && err.message ? err.message : err).split('\n')[0].slice(0, 300);
    }
    rows.push({ sdk: 'node', area, name, ok, detail });
    console.log(`${ok ? 'ok  ' : 'FAIL'}  node  ${area}: ${name}${detail ? ` -- ${detail}` : ''}`);
}

const state0 = await control('GET', '/_emulator/state');
const tenant = state0.tenants[0].id;
const app = state0.applications[0];
const secret = app.secrets[0].value;                      // never printed
const user = state0.users[0];
const publicClient = state0.publicClients[0];
const reg = state0.registrations[0];
const sub = reg.subscriptionId;
const group = reg.resourceGroup;
const regPath = `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.AzureStack/registrations/${reg.name}`;
const metadata = await (await fetch(`${base}/metadata/endpoints?api-version=2015-01-01`)).json();
const audience = metadata.authentication.audiences[0].replace(/\/+$/, '');
const scope = `${audience}/.default`;
const common = { authorityHost: base, disableInstanceDiscovery: true };

// The certificate credential's certificate, registered for the sample app.
const pem = fs.readFileSync(certPath, 'utf8');
const certOnly = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)[0];
await control('PUT', '/_emulator/state', { ...state0, applications: [{ ...app, certificates: [certOnly] }, ...state0.applications.slice(1)] });

const customer = (n) => `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, '0')}`;
const CUSTOMER_TENANT = 'bbbbbbbb-0000-4000-8000-000000000001';

function client(credential) {
    const adapted = new msRest.AzureIdentityCredentialAdapter(credential, scope);
    return new AzureStackManagementClient(adapted, sub, { baseUri: base });
}

// Signs in with the credential, then reads the registration with it: the token must be one
// the emulator issued by the expected grant (its stats say which), and ARM must accept it.
async function signIn(credential, counter, tokenPath) {
    const before = await control('GET', '/_emulator/stats');
    const token = await credential.getToken(scope);
    expect(token && token.token, 'no token');
    const after = await control('GET', '/_emulator/stats');
    expect(after[counter] === before[counter] + 1, `stats.${counter} went from ${before[counter]} to ${after[counter]}`);
    const log = await requests();
    const tokenRequests = log.filter((r) => tokenPath.test(r.path));
    expect(tokenRequests.length >= 1, `no request to ${tokenPath} (saw ${log.map((r) => `${r.method} ${r.path}`).join(', ')})`);
    const r = await client(credential).registrations.get(group, reg.name);
    expect(r.name === reg.name, `registration name '${r.name}'`);
    return `${tokenRequests.map((q) => `${q.method} ${q.path} -> ${q.status}`).join(', ')}; GET registration -> 200`;
}

// MSAL picks the managed identity source once per process (and keeps one token cache for
// all managed identities), so the IMDS form runs in a process of its own.
const IMDS = 'managed identity, IMDS, user-assigned (AZURE_POD_IDENTITY_AUTHORITY_HOST)';
async function imdsSignIn() {
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = httpBase;
    return signIn(new identity.ManagedIdentityCredential({ clientId: state0.managedIdentities[0].clientId }),
        'byManagedIdentity', /^\/metadata\/identity\/oauth2\/token\/?$/);
}
if (only === 'imds') {
    await check('sign-in', IMDS, imdsSignIn);
    console.log(`RESULT ${JSON.stringify({ rows, outside: [...outside] })}`);
    process.exit(rows[0].ok && !outside.size ? 0 : 1);
}

await check('sign-in', 'client secret', () => signIn(
    new identity.ClientSecretCredential(tenant, app.clientId, secret, common), 'byClientSecret', /\/oauth2\/v2\.0\/token$/));
await check('sign-in', 'client certificate', () => signIn(
    new identity.ClientCertificateCredential(tenant, app.clientId, { certificatePath: certPath }, common), 'byAssertion', /\/oauth2\/v2\.0\/token$/));
await check('sign-in', 'username and password', () => signIn(
    new identity.UsernamePasswordCredential(tenant, publicClient, user.upn, user.password, common), 'byPassword', /\/oauth2\/v2\.0\/token$/));
// The user approves after the SDK's first poll has been answered (as a person would): the
// emulator's request log shows that poll with its status (400 authorization_pending) once
// answered; only then is the code approved through the control API. The code lives two
// minutes, so a check that goes wrong fails in minutes, not in the default 15; when no poll
// came the code is declined, which ends the SDK's polling at once.
const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });
const isPoll = (q) => q.method === 'POST' && /\/token$/.test(q.path) && /grant_type=[^&]*device_code/i.test(q.body ?? '');
async function approveAfterFirstPoll(userCode) {
    for (let i = 0; i < 3000; i++) {
        if ((await requests()).some((q) => isPoll(q) && q.status === 400)) {
            await control('POST', '/_emulator/devicecode/approve', { userCode });
            return;
        }
        await sleep(10);
    }
    await control('POST', '/_emulator/devicecode/decline', { userCode });
}
await check('sign-in', 'device code (approved through the control API after the first poll)', async () => {
    const { deviceCodeLifetimeSeconds } = await control('GET', '/_emulator/config');
    await control('PUT', '/_emulator/config', { deviceCodeLifetimeSeconds: 120 });
    try {
        const said = await signIn(new identity.DeviceCodeCredential({
            ...common, tenantId: tenant, clientId: publicClient,
            userPromptCallback: (info) => { approveAfterFirstPoll(info.userCode).catch(() => {}); },
        }), 'byDeviceCode', /\/oauth2\/v2\.0\/token$/);
        const polls = (await requests()).filter(isPoll).map((q) => q.status);
        // pending (400) until approved, then 200; more than one pending poll when the machine
        // is slow to approve
        expect(polls.length >= 2 && polls[polls.length - 1] === 200 && polls.slice(0, -1).every((st) => st === 400),
            `polls answered ${polls.join(', ')} (want 400 pending first, then 200)`);
        return said;
    } finally {
        await control('PUT', '/_emulator/config', { deviceCodeLifetimeSeconds });
    }
});
await check('sign-in', 'managed identity, App Service (IDENTITY_ENDPOINT)', async () => {
    process.env.IDENTITY_ENDPOINT = `${httpBase}/msi/token`;
    process.env.IDENTITY_HEADER = state0.identityHeader;
    try {
        return await signIn(new identity.ManagedIdentityCredential(), 'byManagedIdentity', /^\/msi\/token\/?$/);
    } finally {
        delete process.env.IDENTITY_ENDPOINT;
        delete process.env.IDENTITY_HEADER;
    }
});
{
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), modulesDir, base, httpBase, certPath, 'imds'],
        { encoding: 'utf8', timeout: 120000 });
    const line = (child.stdout || '').split('\n').find((l) => l.startsWith('RESULT '));
    const got = line ? JSON.parse(line.slice(7)) : { rows: [{ sdk: 'node', area: 'sign-in', name: IMDS, ok: false, detail: `the child process ended ${child.status ?? child.signal}: ${(child.stderr || '').split('\n')[0]}` }], outside: [] };
    for (const r of got.rows) {
        rows.push(r);
        console.log(`${r.ok ? 'ok  ' : 'FAIL'}  node  ${r.area}: ${r.name}${r.detail ? ` -- ${r.detail}` : ''}`);
    }
    for (const h of got.outside) outside.add(h);
}
await check('sign-in', 'AD FS (tenant "adfs", client secret)', () => signIn(
    new identity.ClientSecretCredential('adfs', app.clientId, secret, common), 'byClientSecret', /^\/adfs\/oauth2\/token$/));

// ---- Azure Stack operations with the client-secret credential ---------------------------
const cs = new identity.ClientSecretCredential(tenant, app.clientId, secret, common);
const azs = client(cs);

// A resource server validates the SDK's token as Entra ID's are validated: the issuer and
// jwks_uri from the OpenID document, the RS256 signature with the published key (node:crypto).
await check('tokens', 'validate against the published signing key (RS256, jwks_uri, issuer)', async () => {
    const { token } = await cs.getToken(scope);
    const [h, p, sig] = token.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    const doc = await control('GET', `/${tenant}/.well-known/openid-configuration`);
    const jwks = await control('GET', new URL(doc.jwks_uri).pathname);
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    expect(header.alg === 'RS256' && jwk, `header ${JSON.stringify(header)}, keys ${jwks.keys.map((k) => k.kid).join(', ')}`);
    const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
    expect(crypto.verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(sig, 'base64url')), 'the signature does not verify');
    expect(claims.iss === doc.issuer, `iss ${claims.iss}, the v1 document's issuer ${doc.issuer}`);
    expect(claims.aud.replace(/\/+$/, '') === audience && claims.exp > Date.now() / 1000, `aud ${claims.aud}, exp ${claims.exp}`);
    return `RS256, kid ${header.kid.slice(0, 8)}... from ${new URL(doc.jwks_uri).pathname}, ${key.asymmetricKeyDetails.modulusLength}-bit key; iss = the v1 document's issuer`;
});

await check('registrations', 'get', async () => {
    const r = await azs.registrations.get(group, reg.name);
    const [q] = await armRequests();
    expect(q && q.method === 'GET' && q.path === regPath && q.query === 'api-version=2017-06-01', `request ${q && `${q.method} ${q.path}?${q.query}`}`);
    expect(r.id === regPath && r.name === reg.name, `answer id '${r.id}' name '${r.name}'`);
    expect(typeof r.etag === 'string' && !r.etag.startsWith('W/'), `etag '${r.etag}'`);
    return `GET ${q.path}?${q.query} -> 200, name ${r.name}`;
});

await check('customer subscriptions', 'create', async () => {
    const r = await azs.customerSubscriptions.create(group, reg.name, customer(1), { tenantId: CUSTOMER_TENANT });
    const puts = (await armRequests()).filter((q) => q.method === 'PUT');
    expect(puts.length === 1, `${puts.length} PUTs`);
    const q = puts[0];
    expect(q.path === `${regPath}/customerSubscriptions/${customer(1)}` && q.query === 'api-version=2017-06-01', `request ${q.path}?${q.query}`);
    expect(JSON.stringify(JSON.parse(q.body)) === JSON.stringify({ properties: { tenantId: CUSTOMER_TENANT } }), `body ${q.body}`);
    expect(q.status === 200, `status ${q.status}`);
    expect(r.tenantId === CUSTOMER_TENANT && r.name === `${reg.name}/${customer(1)}`, `answer ${JSON.stringify(r)}`);
    return `PUT .../customerSubscriptions/${customer(1)} {"properties":{"tenantId":...}} -> 200`;
});

await check('customer subscriptions', 'get', async () => {
    const r = await azs.customerSubscriptions.get(group, reg.name, customer(1));
    expect(r.tenantId === CUSTOMER_TENANT, `tenantId ${r.tenantId}`);
    expect(r.id === `${regPath}/customerSubscriptions/${customer(1)}`, `id ${r.id}`);
    return 'GET -> 200, tenantId as put';
});

await check('customer subscriptions', 'get a missing one', async () => {
    try {
        await azs.customerSubscriptions.get(group, reg.name, customer(999));
    } catch (err) {
        expect(err.statusCode === 404 && err.code === 'CustomerSubscriptionNotFound', `error ${err.statusCode} ${err.code}`);
        return `404 ${err.code}`;
    }
    throw new Error('no error');
});

await check('customer subscriptions', 'list across several pages', async () => {
    const { pageSize } = await control('GET', '/_emulator/config');
    await control('PUT', '/_emulator/config', { pageSize: 2 });
    try {
        for (let n = 2; n <= 5; n++) await azs.customerSubscriptions.create(group, reg.name, customer(n), { tenantId: CUSTOMER_TENANT });
        await control('DELETE', '/_emulator/requests');
        const seen = [];
        let page = await azs.customerSubscriptions.list(group, reg.name);
        seen.push(...page);
        while (page.nextLink) {
            page = await azs.customerSubscriptions.listNext(page.nextLink);
            seen.push(...page);
        }
        const gets = (await armRequests()).filter((q) => q.method === 'GET');
        const names = seen.map((s) => s.name.split('/')[1]).sort();
        expect(JSON.stringify(names) === JSON.stringify([1, 2, 3, 4, 5].map(customer)), `listed ${names.join(',')}`);
        expect(gets.length === 3, `${gets.length} GETs`);
        expect(gets.slice(1).every((q) => /\$skiptoken=/.test(q.query)), `queries ${gets.map((q) => q.query).join(' | ')}`);
        return `5 items in ${gets.length} pages (pageSize 2), nextLink followed`;
    } finally {
        await control('PUT', '/_emulator/config', { pageSize });
    }
});

await check('customer subscriptions', 'delete (200, then 204)', async () => {
    const first = await azs.customerSubscriptions.deleteMethod(group, reg.name, customer(1));
    const second = await azs.customerSubscriptions.deleteMethod(group, reg.name, customer(1));
    const dels = (await armRequests()).filter((q) => q.method === 'DELETE');
    expect(dels.length === 2 && dels[0].status === 200 && dels[1].status === 204, `statuses ${dels.map((q) => q.status).join(',')}`);
    expect(first._response.status === 200 && second._response.status === 204, `SDK saw ${first._response.status}, ${second._response.status}`);
    const st = await control('GET', '/_emulator/state');
    const left = st.registrations[0].customerSubscriptions.map((c) => c.id ?? c.subscriptionId ?? c);
    expect(!JSON.stringify(left).includes(customer(1)), 'still in the state');
    return 'DELETE -> 200, DELETE again -> 204';
});

// ms-rest-js (under @azure/arm-azurestack 2.1.1) has a ThrottlingRetryPolicy, but its
// DeserializationPolicy turns the 429 into an error first, so it never retries
// (Azure/azure-sdk-for-js#7989): the check states that, and that the caller gets what it
// needs to wait (status 429, code TooManyRequests, Retry-After). core-rest-pipeline (under
// @azure/arm-resources) does retry: checked below with the generic resources.
await check('throttling', 'a 429 with Retry-After reaches the caller (the SDK does not retry: azure-sdk-for-js#7989)', async () => {
    await control('POST', '/_emulator/faults', { method: 'GET', pathContains: `/registrations/${reg.name}`, status: 429, retryAfter: 1 });
    try {
        await azs.registrations.get(group, reg.name);
    } catch (err) {
        const gets = (await armRequests()).filter((q) => q.method === 'GET');
        expect(err.statusCode === 429 && err.code === 'TooManyRequests', `error ${err.statusCode} ${err.code}`);
        expect(err.response.headers.get('retry-after') === '1', `Retry-After '${err.response.headers.get('retry-after')}'`);
        expect(gets.length === 1, `${gets.length} GETs`);
        return '429 TooManyRequests, Retry-After: 1, one request';
    }
    throw new Error('no error: the SDK retried (update the check: azure-sdk-for-js#7989 is fixed)');
});

// ---- generic resources: the api-version from the provider document ----------------------
await check('generic resources', 'get by ID without a pinned api-version', async () => {
    await azs.customerSubscriptions.create(group, reg.name, customer(7), { tenantId: CUSTOMER_TENANT });
    await control('DELETE', '/_emulator/requests');
    const rm = new ResourceManagementClient(cs, sub, { endpoint: base, credentials: { scopes: [scope] } });
    const provider = await rm.providers.get('Microsoft.AzureStack');
    const type = provider.resourceTypes.find((t) => t.resourceType.toLowerCase() === 'registrations/customersubscriptions');
    expect(type && type.apiVersions.length, 'no api-version for registrations/customerSubscriptions');
    const id = `${regPath}/customerSubscriptions/${customer(7)}`;
    const res = await rm.resources.getById(id, type.apiVersions[0]);
    expect(res.properties && res.properties.tenantId === CUSTOMER_TENANT, `properties ${JSON.stringify(res.properties)}`);
    const log = await armRequests();
    expect(log.length === 2 && log[0].path === `/subscriptions/${sub}/providers/Microsoft.AzureStack` && log[1].path === id &&
        log[1].query === `api-version=${type.apiVersions[0]}`, `requests ${log.map((q) => `${q.method} ${q.path}?${q.query}`).join('; ')}`);
    return `${log.map((q) => `${q.method} ${q.sentPath.replace(sub, '{s}')}?${q.query} -> ${q.status}`).join('; ')}`;
});

await check('throttling', "a 429 with Retry-After: core-rest-pipeline's retry honours it (arm-resources)", async () => {
    const rm = new ResourceManagementClient(cs, sub, { endpoint: base, credentials: { scopes: [scope] } });
    const id = `${regPath}/customerSubscriptions/${customer(7)}`;
    await rm.resources.getById(id, '2017-06-01');              // signed in before the clock starts
    await control('DELETE', '/_emulator/requests');
    await control('POST', '/_emulator/faults', { method: 'GET', pathContains: `/customerSubscriptions/${customer(7)}`, status: 429, retryAfter: 1 });
    const t0 = performance.now();
    const res = await rm.resources.getById(id, '2017-06-01');
    const waited = (performance.now() - t0) / 1000;
    const gets = (await armRequests()).filter((q) => q.method === 'GET');
    expect(res.properties && res.properties.tenantId === CUSTOMER_TENANT, 'no resource');
    expect(gets.length === 2 && gets[0].status === 429 && gets[1].status === 200, `statuses ${gets.map((q) => q.status).join(',')}`);
    expect(waited >= 0.95, `answered after ${waited.toFixed(2)} s (Retry-After: 1)`);
    return `429 then 200; the call took ${waited.toFixed(2)} s`;
});

const failed = rows.filter((r) => !r.ok).length;
if (outside.size) {
    console.error(`conformance: the SDK tried to reach ${[...outside].join(', ')}`);
}
console.log(`RESULT ${JSON.stringify({ versions, rows, outside: [...outside] })}`);
process.exit(failed || outside.size ? 1 : 0);
