// SPDX-License-Identifier: MIT
// check-options.ts: the types of the options scan() and runScan() take, checked before anything
// else reads them, with messages in the library's own terms ("option 'ratePps'"); the CLI turns
// those names into its flags at its edge (lib/cli/flag-names.ts). Ranges of numbers are checked
// in options.ts as the defaults are applied. A library caller's mistake (null targets, a port
// of -3) is an error here, never traffic: nothing is parsed, resolved or sent before this passes.
import { UsageError } from './errors';
import { escapeText } from './safe-fs';

const KNOWN = new Set([
  'targets',
  'startIp',
  'endIp',
  'inputFiles',
  'exclude',
  'excludeFiles',
  'ports',
  'mode',
  'tasks',
  'timeoutMs',
  'minTimeoutMs',
  'retries',
  'maxMiss',
  'ratePps',
  'full',
  'waitMs',
  'sourcePort',
  'sourceIp',
  'device',
  'sendPath',
  'routerMac',
  'seed',
  'shard',
  'adaptive',
  'tarpitLimit',
  'resume',
  'signal',
  'defaultExcludes',
  'yes',
  'service',
]);

const SEED_MAX = (1n << 64n) - 1n;

/** A short description of a bad value: the value itself when it is small, else its kind. */
function shown(v: unknown): string {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return 'a string';
  return Array.isArray(v) ? 'an array' : `an ${typeof v}`;
}

function fail(name: string, expects: string, got?: string): never {
  throw new UsageError(`option '${name}' must be ${expects}${got === undefined ? '' : `, got ${got}`}`);
}

function strings(name: string, v: unknown, single: boolean): void {
  const expects = single ? 'a string or an array of strings' : 'an array of strings';
  if (single && typeof v === 'string') return;
  if (!Array.isArray(v)) fail(name, expects, shown(v));
  const bad = v.findIndex((x) => typeof x !== 'string');
  if (bad >= 0) fail(name, expects, `[${bad}]: ${shown(v[bad])}`);
}

function ports(v: unknown): void {
  if (typeof v === 'string') return;
  if (!Array.isArray(v)) fail('ports', 'a port list string or an array of whole numbers from 1 to 65535', shown(v));
  if (v.length === 0) throw new UsageError("option 'ports' must not be empty");
  const bad = v.findIndex((p) => typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535);
  if (bad >= 0) {
    const p: unknown = v[bad];
    const got = typeof p === 'string' ? `'${escapeText(p, 20)}'` : shown(p);
    throw new UsageError(`option 'ports' must be whole numbers from 1 to 65535, got ${got} at [${bad}]`);
  }
}

function checkOne(name: string, v: unknown): void {
  switch (name) {
    case 'targets':
    case 'exclude':
      return strings(name, v, true);
    case 'inputFiles':
    case 'excludeFiles':
      return strings(name, v, false);
    case 'ports':
      return ports(v);
    case 'startIp':
    case 'endIp':
    case 'sourceIp':
    case 'device':
    case 'routerMac':
      if (typeof v !== 'string') fail(name, 'a string', shown(v));
      return;
    case 'full':
    case 'adaptive':
    case 'defaultExcludes':
    case 'yes':
      if (typeof v !== 'boolean') fail(name, 'true or false', shown(v));
      return;
    case 'seed':
      if (typeof v !== 'bigint' || v < 0n || v > SEED_MAX) fail(name, `a bigint from 0 to ${SEED_MAX}`, shown(v));
      return;
    case 'shard': {
      const s = v as { index?: unknown; count?: unknown } | null;
      if (typeof s !== 'object' || s === null || typeof s.index !== 'number' || typeof s.count !== 'number')
        fail(name, '{ index, count } with 1 <= index <= count', shown(v));
      return;
    }
    case 'resume': {
      const r = v as { position?: unknown; planHash?: unknown } | null;
      if (typeof r !== 'object' || r === null || typeof r.position !== 'bigint' || typeof r.planHash !== 'string')
        fail(name, '{ position: bigint, planHash: string }');
      return;
    }
    case 'signal':
      if (!(v instanceof AbortSignal)) fail(name, 'an AbortSignal', shown(v));
      return;
    default:
      // Numbers and choices (mode, sendPath) are checked with their ranges in options.ts.
      return;
  }
}

/** Checks the shape of scan options; throws UsageError naming the first bad option. */
export function checkScanOptions(o: unknown): void {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    throw new UsageError(`scan options must be an object, got ${shown(o)}`);
  }
  for (const [name, v] of Object.entries(o)) {
    if (!KNOWN.has(name)) throw new UsageError(`unknown option '${escapeText(name, 40)}'`);
    if (v !== undefined) checkOne(name, v);
  }
}
