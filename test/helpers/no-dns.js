// Preloaded into CLI processes under test (NODE_OPTIONS=--require): any DNS lookup fails at once
// instead of reaching a resolver, and says so on stderr, so a test can assert none was tried.
'use strict';
const dns = require('node:dns');
const dnsPromises = require('node:dns/promises');

function blocked(name) {
  process.stderr.write(`no-dns: blocked lookup of ${String(name)}\n`);
  const err = new Error(`getaddrinfo ENOTFOUND ${String(name)} (DNS blocked in tests)`);
  err.code = 'ENOTFOUND';
  return err;
}

dns.lookup = (name, options, callback) => {
  const cb = typeof options === 'function' ? options : callback;
  process.nextTick(() => cb(blocked(name)));
};
const rejectLookup = (name) => Promise.reject(blocked(name));
dns.promises.lookup = rejectLookup;
dnsPromises.lookup = rejectLookup;
for (const k of Object.keys(dns)) if (/^resolve/.test(k)) dns[k] = (name, ...rest) => rest.pop()(blocked(name));
for (const k of Object.keys(dnsPromises)) if (/^resolve/.test(k)) dnsPromises[k] = rejectLookup;
