// Keeps a Node process on loopback: every TCP connection and DNS lookup to a host other than
// 127.0.0.0/8, ::1 or localhost is refused and remembered. Install it before any SDK is
// loaded; the caller then fails, naming the hosts in the returned set, when it is not empty.
// Used by the conformance suite (tests/conformance) and the bulk benchmark's Node contender.
import net from 'node:net';
import dns from 'node:dns';

// An address, not a name that merely starts like one ("127.example.com" is refused).
export function isLoopback(host) {
    if (host === undefined || host === null || host === '' || host === 'localhost') return true;
    const h = String(host).replace(/^\[(.*)\]$/, '$1');
    if (net.isIPv4(h)) return h.startsWith('127.');
    if (net.isIPv6(h)) return h === '::1' || /^::ffff:127\./i.test(h);
    return false;
}

export function installLoopbackGuard() {
    const outside = new Set();
    const realConnect = net.Socket.prototype.connect;
    net.Socket.prototype.connect = function guardedConnect(...args) {
        let host;
        const a0 = Array.isArray(args[0]) ? args[0][0] : args[0];   // (normalized args) from net internals
        if (a0 && typeof a0 === 'object') {
            if (!a0.path) host = a0.host ?? 'localhost';
        } else if (typeof a0 === 'number' || (typeof a0 === 'string' && /^\d+$/.test(a0))) {
            host = typeof args[1] === 'string' ? args[1] : 'localhost';
        }
        if (host !== undefined && !isLoopback(host)) {
            outside.add(host);
            throw new Error(`refused: a connection to ${host} (only loopback is allowed)`);
        }
        return realConnect.apply(this, args);
    };
    for (const mod of [dns, dns.promises]) {
        const realLookup = mod.lookup;
        mod.lookup = function guardedLookup(host, ...rest) {
            if (!isLoopback(host)) {
                outside.add(host);
                const err = new Error(`refused: a DNS lookup of ${host} (only loopback is allowed)`);
                const cb = rest.find((r) => typeof r === 'function');
                if (cb) { process.nextTick(cb, err); return undefined; }
                return Promise.reject(err);
            }
            return realLookup.call(this, host, ...rest);
        };
    }
    return outside;
}
