// Benchmark contender (bulk-bench.ps1): Microsoft's Node SDK for Azure Stack registrations,
// @azure/arm-azurestack (2.1.1, on @azure/ms-rest-js) signed in by @azure/identity's
// ClientSecretCredential, with a pool of concurrent promises and a hand-written 429 retry.
//
// Usage: node node-bulk.mjs <node_modules dir> <ARM base URL> <customers.csv> <concurrency> <registration ID>...
// The service principal comes from AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET; the
// emulator's CA from NODE_EXTRA_CA_CERTS. The CSV has the header CustomerSubscriptionId,TenantId;
// every row is registered with every registration (one PUT each).
//
// Nothing may leave the machine: before the SDK is loaded, every TCP connection and DNS
// lookup to a host other than 127.0.0.1 / localhost / ::1 is refused and remembered; the run
// then fails naming the host (the bench drops the contender with that reason). The authority
// is the emulator (authorityHost) and instance discovery is off, so @azure/identity does not
// ask login.microsoftonline.com; the audience comes from the emulator's ARM metadata.
//
// Last line on stdout: RESULT <json> {"ok","failed","retried429","workMs","sdk":{...}}, where
// workMs runs from after the modules are loaded (metadata, sign-in and every PUT) to the end.
// Exit 0 only when every item was registered.
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { installLoopbackGuard } from '../../conformance/loopback-guard.mjs';

const [modulesDir, base, csvPath, concurrencyText, ...registrationIds] = process.argv.slice(2);
if (!modulesDir || !base || !csvPath || !concurrencyText || registrationIds.length === 0) {
    console.error('usage: node node-bulk.mjs <node_modules dir> <ARM base URL> <customers.csv> <concurrency> <registration ID>...');
    process.exit(2);
}

// ---- loopback guard (shared with the conformance suite) ----------------------------------
const outside = installLoopbackGuard();

// ---- the SDK -----------------------------------------------------------------------------
const require = createRequire(path.join(path.resolve(modulesDir), 'index.js'));
const { AzureStackManagementClient } = require('@azure/arm-azurestack');
const { ClientSecretCredential } = require('@azure/identity');
const msRest = require('@azure/ms-rest-js');
const sdk = {
    'arm-azurestack': require('@azure/arm-azurestack/package.json').version,
    identity: require('@azure/identity/package.json').version,
    'ms-rest-js': require('@azure/ms-rest-js/package.json').version,
};

const started = process.hrtime.bigint();

function getJson(url) {
    return new Promise((resolve, reject) => {
        https.get(url, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d) => { text += d; });
            res.on('end', () => {
                if (res.statusCode !== 200) { reject(new Error(`GET ${url} -> ${res.statusCode}`)); return; }
                try { resolve(JSON.parse(text)); } catch (e) { reject(e); }
            });
        }).on('error', reject);
    });
}

function parseCsv(text) {
    const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
    const header = lines.shift().split(',').map((h) => h.replace(/^"|"$/g, ''));
    const ci = header.indexOf('CustomerSubscriptionId');
    const ti = header.indexOf('TenantId');
    if (ci < 0 || ti < 0) throw new Error(`${csvPath}: the header must have CustomerSubscriptionId and TenantId`);
    return lines.map((l) => {
        const f = l.split(',').map((v) => v.replace(/^"|"$/g, ''));
        return { customer: f[ci], tenant: f[ti] };
    });
}

function parseRegistration(id) {
    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.AzureStack\/registrations\/([^/]+)$/i.exec(id);
    if (!m) throw new Error(`not a registration ID: ${id}`);
    return { subscription: m[1], group: m[2], name: m[3] };
}

const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });

function retryAfterMs(err) {
    const h = err && err.response && err.response.headers;
    const v = h && typeof h.get === 'function' ? h.get('retry-after') : undefined;
    const s = Number(v);
    if (v !== undefined && v !== null && !Number.isNaN(s)) return Math.max(0, s * 1000);
    const d = v ? Date.parse(v) - Date.now() : NaN;
    return Number.isNaN(d) ? 1000 : Math.max(0, d);
}

async function main() {
    const baseUri = base.replace(/\/+$/, '');
    const metadata = await getJson(`${baseUri}/metadata/endpoints?api-version=2015-01-01`);
    const audience = metadata.authentication.audiences[0];
    const loginEndpoint = metadata.authentication.loginEndpoint.replace(/\/+$/, '');
    const credential = new ClientSecretCredential(process.env.AZURE_TENANT_ID, process.env.AZURE_CLIENT_ID, process.env.AZURE_CLIENT_SECRET, {
        authorityHost: loginEndpoint,
        disableInstanceDiscovery: true,
    });
    // The SDK's adapter asks for https://management.azure.com/.default unless baseUri is a
    // public cloud's ARM: give it the emulator's audience explicitly.
    const scope = `${audience.replace(/\/+$/, '')}/.default`;
    const adapted = new msRest.AzureIdentityCredentialAdapter(credential, scope);
    const rows = parseCsv(fs.readFileSync(csvPath, 'utf8'));
    const regs = registrationIds.map(parseRegistration);
    const clients = new Map();
    for (const r of regs) {
        if (!clients.has(r.subscription)) clients.set(r.subscription, new AzureStackManagementClient(adapted, r.subscription, { baseUri }));
    }
    const items = [];
    for (const row of rows) for (const r of regs) items.push({ ...row, reg: r });

    let next = 0;
    let ok = 0;
    let retried429 = 0;
    const failures = [];
    const concurrency = Math.max(1, Number.parseInt(concurrencyText, 10));
    async function worker() {
        for (;;) {
            const i = next++;
            if (i >= items.length) return;
            const it = items[i];
            const client = clients.get(it.reg.subscription);
            for (;;) {
                try {
                    const res = await client.customerSubscriptions.create(it.reg.group, it.reg.name, it.customer, { tenantId: it.tenant });
                    if (!res.id || !res.id.toLowerCase().endsWith(`/customersubscriptions/${it.customer.toLowerCase()}`)) {
                        throw new Error(`the answer's id '${res.id}' does not name ${it.customer}`);
                    }
                    ok++;
                    break;
                } catch (err) {
                    if (err && err.statusCode === 429) {   // the SDK's own throttling retry gave up (3 tries)
                        retried429++;
                        await sleep(retryAfterMs(err));
                        continue;
                    }
                    failures.push(`${it.reg.name}/${it.customer}: ${err && err.message ? err.message : err}`);
                    break;
                }
            }
        }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    const workMs = Number(process.hrtime.bigint() - started) / 1e6;
    return { ok, failed: failures.length, retried429, workMs, firstFailure: failures[0] ?? null, sdk };
}

let code = 0;
try {
    const r = await main();
    if (outside.size) throw new Error(`the SDK tried to reach ${[...outside].join(', ')}`);
    console.log(`RESULT ${JSON.stringify(r)}`);
    if (r.failed) { console.error(`${r.failed} items failed; first: ${r.firstFailure}`); code = 1; }
} catch (err) {
    const extra = outside.size ? ` (it tried to reach ${[...outside].join(', ')})` : '';
    console.error(`node-bulk: ${err && err.stack ? err.stack : err}${extra}`);
    code = outside.size ? 3 : 1;
}
process.exit(code);
