// Property tests (fast-check) for the text parsers, issue 5 "Bad input, fuzzed": the port list
// (parsePortList), the target list (parseTargets) and the CLI options. For any string, a parser
// either returns exactly the set the text names, compared with a model built alongside the text,
// or throws a ParseError whose column lies within the input (or, for the CLI, a UsageError); it
// never throws anything else and never hangs: every call, 1 MB inputs included, is timed with
// Date.now() against a generous bound (a no-hang check, not a benchmark).
//
// No network and no DNS: parsing never resolves names, the CLI runs in-process with runScan
// replaced by a stub that validates options and builds the plan but never scans, and any DNS
// lookup fails the test. Target text names only addresses, localhost and names under .invalid.

import * as fc from 'fast-check';

import { main } from '../../lib/cli/main';
import { ParseError, UsageError } from '../../lib/errors';
import { maxTasks, resolveOptions, type ResolvedOptions, type ScanOptions } from '../../lib/options';
import { buildPlan, type ScanPlan } from '../../lib/plan/plan';
import { compressPorts, parsePortList } from '../../lib/plan/port-list';
import { portsNamed } from '../../lib/plan/port-names';
import { RangeList } from '../../lib/plan/range-list';
import { runScan } from '../../lib/scan';
import { parseTargets, type TargetSpec } from '../../lib/plan/targets';
import { forbidDns } from '../helpers/targets';

jest.mock('../../lib/scan', () => ({ runScan: jest.fn() }));

/**
 * Longest any one parse may take: far above the few ms they need, so only a hang trips it. The
 * bounds allow for a CI machine that is busy with other work (seen here: the largest case, 2^20
 * intervals, took 3.3 s with the two cores shared by four processes, against about 1 s on a quiet
 * machine): a quadratic or exponential parse still takes minutes and trips them.
 */
const BOUND_MS = 10_000;
/** The same for one in-process CLI run (yargs, options, plan) and for 1 MB inputs. */
const SLOW_BOUND_MS = 30_000;
const MB = 1 << 20;
const V4 = 0xffff00000000n; // ::ffff:0.0.0.0, where IPv4 sits on the common number line
const V4_END = V4 + 0xffffffffn;
const ALL = (1n << 128n) - 1n;

forbidDns();

// ---------------------------------------------------------------------------------------------
// Shared checks

function short(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…(${s.length} chars)` : s);
}

/** Runs f, failing when it takes longer than `bound` ms. */
function timed<T>(what: string, input: string, f: () => T, bound = BOUND_MS): T {
  const t0 = Date.now();
  let out: T | undefined;
  let err: unknown;
  let threw = false;
  try {
    out = f();
  } catch (e) {
    err = e;
    threw = true;
  }
  const ms = Date.now() - t0;
  if (ms > bound) throw new Error(`${what}(${short(input)}) took ${ms} ms (bound ${bound} ms)`);
  if (threw) throw err;
  return out as T;
}

async function timedAsync<T>(what: string, input: string, f: () => Promise<T>, bound: number): Promise<T> {
  const t0 = Date.now();
  const out = await f();
  const ms = Date.now() - t0;
  if (ms > bound) throw new Error(`${what}(${short(input)}) took ${ms} ms (bound ${bound} ms)`);
  return out;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: ParseError };

/**
 * Calls the parser: returns its value, or the ParseError it threw after checking that the error
 * is about this input and its column is within it. Anything else thrown fails the property.
 */
function outcome<T>(what: string, input: string, f: () => T, bound = BOUND_MS): Outcome<T> {
  try {
    return { ok: true, value: timed(what, input, f, bound) };
  } catch (err) {
    if (!(err instanceof ParseError)) {
      throw new Error(
        `${what}(${short(input)}) threw ` +
          (err instanceof Error ? `${err.name}: ${err.message.slice(0, 200)}` : String(err)),
      );
    }
    checkColumn(what, input, err);
    return { ok: false, error: err };
  }
}

/** A ParseError names the text it was given and a 1-based column inside it (1 for ''). */
function checkColumn(what: string, input: string, err: ParseError): void {
  if (err.input !== input) throw new Error(`${what}(${short(input)}): ParseError.input is ${short(err.input)}`);
  const last = Math.max(1, input.length);
  if (!Number.isInteger(err.column) || err.column < 1 || err.column > last) {
    throw new Error(`${what}(${short(input)}): column ${err.column} is outside 1..${last} (${err.what.slice(0, 120)})`);
  }
  if (err.code !== 'EPARSE' || !err.message.includes(`at column ${err.column} of`)) {
    throw new Error(`${what}(${short(input)}): malformed ParseError message ${short(err.message)}`);
  }
}

/** Separators and the white space that JavaScript's \s and trim() agree on. */
const WS = ['', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\ufeff', '\u2028'];
const ws = fc.constantFrom(...WS);

/** A deterministic 1 MB string over `alphabet` (xorshift), for the huge-input checks. */
function noise(alphabet: string[], seed: number, length = MB): string {
  let x = seed | 1;
  const out: string[] = [];
  let n = 0;
  while (n < length) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const c = alphabet[(x >>> 0) % alphabet.length] as string;
    out.push(c);
    n += c.length;
  }
  return out.join('').slice(0, length);
}

function repeatTo(unit: string, length = MB): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** Text mutated by a few random edits: the near-misses where boundary bugs live. */
function mutated(base: fc.Arbitrary<string>, alphabet: string[]): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom(...alphabet));
  return fc.tuple(base, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([text, edits]) => {
    let s = text;
    for (const [at, kind, c] of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + (kind === 'insert' ? 1 : 0));
      if (kind === 'insert') s = s.slice(0, i) + c + s.slice(i);
      else if (kind === 'delete') s = s.slice(0, i) + s.slice(i + 1);
      else s = s.slice(0, i) + c + s.slice(i + 1);
    }
    return s;
  });
}

// ---------------------------------------------------------------------------------------------
// Port lists

interface PortCase {
  text: string;
  /** The model: which of 0..65535 the text names. */
  set: Uint8Array;
}

const port = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 65535 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 1100 }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 2, 1023, 1024, 65534, 65535) },
);
/** A port as written: sometimes with leading zeros, which the seed's syntax accepts. */
const portText = (p: number): fc.Arbitrary<string> => fc.constantFrom('', '0', '000').map((z) => `${z}${p}`);

type PortItem = { text: string; lo: number; hi: number };
const portItem: fc.Arbitrary<PortItem> = fc.oneof(
  port.chain((p) => portText(p).map((text) => ({ text, lo: p, hi: p }))),
  fc.tuple(port, port, ws, ws).chain(([a, b, w1, w2]) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    return fc.tuple(portText(lo), portText(hi)).map(([x, y]) => ({ text: `${x}${w1}-${w2}${y}`, lo, hi }));
  }),
  fc.tuple(port, ws).chain(([p, w]) => portText(p).map((x) => ({ text: `-${w}${x}`, lo: 1, hi: p }))), // nmap's "-1024"
  fc.tuple(port, ws).chain(([p, w]) => portText(p).map((x) => ({ text: `${x}${w}-`, lo: p, hi: 65535 }))), // "60000-"
);

const portCase: fc.Arbitrary<PortCase> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.array(portItem, { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(ws, ws), { minLength: 12, maxLength: 12 }),
        ws,
        ws,
      )
      .map(([items, gaps, lead, trail]) => {
        const set = new Uint8Array(65536);
        for (const it of items) set.fill(1, it.lo, it.hi + 1);
        const text = items
          .map((it, i) => (i === 0 ? it.text : `${gaps[i]?.[0]}${','}${gaps[i]?.[1]}${it.text}`))
          .join('');
        return { text: `${lead}${text}${trail}`, set };
      }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('-', 'all', 'ALL', 'All', 'aLl'), ws, ws).map(([t, a, b]) => {
      const set = new Uint8Array(65536);
      set.fill(1, 1);
      return { text: `${a}${t}${b}`, set };
    }),
  },
);

/** An independent reading of the port syntax: the set, or null when the text is not a list. */
function modelPorts(s: string): Uint8Array | null {
  const set = new Uint8Array(65536);
  const whole = s.trim();
  if (whole === '-' || whole.toLowerCase() === 'all') {
    set.fill(1, 1);
    return set;
  }
  if (whole === '') return null;
  const num = (d: string): number | null => {
    const n = Number(d);
    return n >= 1 && n <= 65535 ? n : null;
  };
  const done = new Set<string>(); // a repeated item adds nothing (and 1 MB of them stays quick)
  for (const raw of s.split(',')) {
    let item = raw.trim();
    if (done.has(item)) continue;
    done.add(item);
    // nmap's protocol prefix: T: (TCP) only; then service names, looked up as port-names.ts does.
    if (/^[A-Za-z]:/.test(item)) {
      if (!/^[Tt]:/.test(item)) return null;
      item = item.slice(2).trim();
    }
    if (/^[A-Za-z*?]/.test(item)) {
      const named = /^[\w.+/:*?-]{1,64}$/.test(item) ? portsNamed(item) : [];
      if (named.length === 0) return null;
      for (const p of named) set[p] = 1;
      continue;
    }
    const single = /^\d+$/.test(item) ? num(item) : undefined;
    if (single === null) return null;
    if (single !== undefined) {
      set[single] = 1;
      continue;
    }
    const m = /^(\d*)\s*-\s*(\d*)$/.exec(item);
    if (!m) return null;
    const lo = m[1] === '' ? 1 : num(m[1] as string);
    const hi = m[2] === '' ? 65535 : num(m[2] as string);
    if (lo === null || hi === null || lo > hi) return null;
    set.fill(1, lo, hi + 1);
  }
  return set;
}

function setToList(set: Uint8Array): number[] {
  const out: number[] = [];
  for (let p = 1; p <= 65535; p++) if (set[p]) out.push(p);
  return out;
}

/** Checks a parsed port list against the model set; compares compressed forms for short output. */
function samePorts(text: string, got: Uint16Array, set: Uint8Array): void {
  const want = compressPorts(setToList(set));
  const have = compressPorts(got);
  if (want !== have)
    throw new Error(`parsePortList(${short(text)}) gave ${have.slice(0, 200)}, the model ${want.slice(0, 200)}`);
  for (let i = 1; i < got.length; i++) {
    if ((got[i] as number) <= (got[i - 1] as number))
      throw new Error(`parsePortList(${short(text)}) is not sorted and unique`);
  }
}

/** The port-list property: the model's set, or a ParseError that points into the text. */
function checkPortText(text: string, bound = BOUND_MS): void {
  const r = outcome('parsePortList', text, () => parsePortList(text), bound);
  const model = modelPorts(text);
  if (r.ok) {
    if (model === null) throw new Error(`parsePortList(${short(text)}) accepted text the model rejects`);
    samePorts(text, r.value, model);
  } else {
    if (model !== null)
      throw new Error(`parsePortList(${short(text)}) rejected text the model accepts: ${r.error.what.slice(0, 120)}`);
    // The column points at the bad token or stray comma, never at white space between tokens
    // (only a list with no token at all is reported at column 1).
    const at = text[r.error.column - 1] ?? '';
    if (r.error.what !== 'empty port list' && /\s/.test(at)) {
      throw new Error(
        `parsePortList(${short(text)}): column ${r.error.column} is white space (${r.error.what.slice(0, 120)})`,
      );
    }
  }
}

const PORT_ALPHABET = [
  '0',
  '1',
  '2',
  '5',
  '6',
  '9',
  '-',
  '-',
  ',',
  ',',
  ' ',
  '\t',
  '\n',
  '\0',
  'a',
  'l',
  'L',
  'x',
  '+',
  '.',
  'e',
  '٣',
  '１',
  '\u00a0',
  '\ufeff',
  '\ud800',
  '😀',
];

describe('parsePortList (property)', () => {
  it('a list built from known ports and ranges parses to exactly their union', () => {
    fc.assert(
      fc.property(portCase, ({ text, set }) => {
        const r = outcome('parsePortList', text, () => parsePortList(text));
        if (!r.ok) throw new Error(`parsePortList(${short(text)}) failed: ${r.error.message.slice(0, 200)}`);
        samePorts(text, r.value, set);
      }),
      { numRuns: 250 },
    );
  });

  it('any string: the set the model reads, or a ParseError with a column within it', () => {
    const garbage = fc.oneof(
      fc.string({ unit: fc.constantFrom(...PORT_ALPHABET), maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      mutated(
        portCase.map((c) => c.text),
        PORT_ALPHABET,
      ),
      // deep commas and dashes
      fc.array(fc.constantFrom('-', ',', ' ', '1', '65535', '65536', '0'), { maxLength: 60 }).map((a) => a.join('')),
      fc.bigInt({ min: 0n, max: 10n ** 40n }).map((n) => `${n}`), // huge numbers
      fc
        .tuple(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 0n, max: 10n ** 30n }))
        .map(([a, b]) => `${a}-${b}`),
    );
    fc.assert(
      fc.property(garbage, (text) => checkPortText(text)),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['1-65535 pairs', () => Array(131072).fill('1-65535').join(',')],
    ['open ranges', () => repeatTo('1-,')],
    ['digits', () => repeatTo('9')],
    ['dashes', () => repeatTo('-')],
    ['commas', () => repeatTo(',')],
    ['spaces', () => repeatTo(' ')],
    ['NUL bytes', () => repeatTo('\0')],
    ['a comma, then spaces', () => `,${repeatTo(' ')}x`],
    ['spaced dash', () => `1${repeatTo(' ')}-${repeatTo(' ')}x`],
    ['1 1 1 …', () => `${repeatTo('1 ')}-`],
    ['nested dashes', () => repeatTo('1-2-')],
    ['valid list of singles', () => Array.from({ length: 150000 }, (_, i) => String((i % 65535) + 1)).join(',')],
    ['noise', () => noise(PORT_ALPHABET, 5)],
    ['unicode noise', () => noise(['١', '2', '-', ',', '\u2028', '\ud83d', '\ude00', 'é', ' '], 7)],
  ])('1 MB of %s finishes in time with the model answer or a ParseError', (_name, make) => {
    checkPortText(make(), SLOW_BOUND_MS);
  });
});

// ---------------------------------------------------------------------------------------------
// Target lists

type Iv = [bigint, bigint];

/** One target token with its model: the intervals it names, a hostname, or the error it must give. */
interface TargetItem {
  text: string;
  ranges: Iv[];
  hostname?: boolean;
  /** Expected failure: its column offset within the token (0 = the token's first character). */
  error?: { offset: number; what: RegExp };
}

function v4Text(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

const u32 = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 0x7f000001, 0xc0000201, 0xfffffffe, 0xffffffff) },
);

const group = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) },
  { weight: 1, arbitrary: fc.constant(0xffff) },
);
const v6Groups = fc.oneof(
  { weight: 4, arbitrary: fc.array(group, { minLength: 8, maxLength: 8 }) },
  // IPv4-mapped (::ffff:a.b.c.d): the same targets as the dotted quads.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }))
      .map(([a, b]) => [0, 0, 0, 0, 0, 0xffff, a, b]),
  },
);
const v6Spelling = fc.record({ dotted: fc.boolean(), compress: fc.nat(), upper: fc.boolean(), pad: fc.boolean() });

function groupsValue(g: number[]): bigint {
  return g.reduce((v, x) => (v << 16n) | BigInt(x), 0n);
}

/** RFC 4291 2.2 text for eight groups: any one run of zero groups may be '::', the last 32 bits
 *  may be a dotted quad, hex in either case, with or without leading zeros. */
function v6Text(g: number[], sp: { dotted: boolean; compress: number; upper: boolean; pad: boolean }): string {
  const hexCount = sp.dotted ? 6 : 8;
  const hex = g.slice(0, hexCount).map((x) => {
    const h = sp.pad ? x.toString(16).padStart(4, '0') : x.toString(16);
    return sp.upper ? h.toUpperCase() : h;
  });
  const runs: [number, number][] = [];
  for (let i = 0; i < hexCount; i++) for (let j = i; j < hexCount && g[j] === 0; j++) runs.push([i, j + 1]);
  const pick = sp.compress % (runs.length + 1);
  const run = runs[pick];
  const core = run === undefined ? hex.join(':') : `${hex.slice(0, run[0]).join(':')}::${hex.slice(run[1]).join(':')}`;
  if (!sp.dotted) return core;
  const quad = `${(g[6] as number) >> 8}.${(g[6] as number) & 255}.${(g[7] as number) >> 8}.${(g[7] as number) & 255}`;
  return core.endsWith(':') ? `${core}${quad}` : `${core}:${quad}`;
}

const v6 = fc.tuple(v6Groups, v6Spelling).map(([g, sp]) => ({ value: groupsValue(g), text: v6Text(g, sp) }));
/** An address of the common line written either way when it is IPv4. */
const anyAddr = fc.oneof(
  u32.map((v) => ({ value: V4 + BigInt(v), text: v4Text(v) })),
  v6,
);

const isV4 = (a: bigint): boolean => a >= V4 && a <= V4_END;

function cidr(value: bigint, bits: number, len: number, offset: bigint): Iv {
  const host = BigInt(bits - len);
  const start = ((value - offset) >> host) << host;
  return [offset + start, offset + start + (1n << host) - 1n];
}

interface OctetPart {
  lo: number;
  hi: number;
  text: string;
}
const octetPart: fc.Arbitrary<OctetPart> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.constantFrom('', '0', '00'))
      .map(([n, z]) => ({ lo: n, hi: n, text: `${z}${n}`.slice(-3) })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 9 }))
      .map(([a, w]) => ({ lo: a, hi: Math.min(255, a + w), text: `${a}-${Math.min(255, a + w)}` })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 9 }))
      .map(([a, w]) => ({ lo: a, hi: Math.max(0, a - w), text: `${a}-${Math.max(0, a - w)}` })),
  }, // reversed
  { weight: 1, arbitrary: fc.constantFrom({ lo: 0, hi: 255, text: '*' }, { lo: 0, hi: 255, text: '0-255' }) },
);

/** nmap octet patterns small enough to enumerate in the model (at most 4096 leading combinations). */
const octetItem: fc.Arbitrary<TargetItem> = fc
  .array(octetPart, { minLength: 4, maxLength: 4 })
  .filter((parts) => parts.slice(0, 3).reduce((n, p) => n * (Math.abs(p.hi - p.lo) + 1), 1) <= 4096)
  .map((parts) => {
    const text = parts.map((p) => p.text).join('.');
    let offset = 0;
    for (const p of parts) {
      // A leading zero is octal to inet_aton: refused rather than read as decimal.
      if (/^0\d/.test(p.text)) return { text, ranges: [], error: { offset, what: /leading zero/ } };
      if (p.lo > p.hi) return { text, ranges: [], error: { offset, what: /^reversed octet range/ } };
      offset += p.text.length + 1;
    }
    const [a, b, c, d] = parts as [OctetPart, OctetPart, OctetPart, OctetPart];
    const ranges: Iv[] = [];
    for (let x = a.lo; x <= a.hi; x++) {
      for (let y = b.lo; y <= b.hi; y++) {
        for (let z = c.lo; z <= c.hi; z++) {
          const base = V4 + BigInt(x * 2 ** 24 + y * 2 ** 16 + z * 2 ** 8);
          ranges.push([base + BigInt(d.lo), base + BigInt(d.hi)]);
        }
      }
    }
    return { text, ranges };
  });

const hostItem: fc.Arbitrary<TargetItem> = fc
  .constantFrom(
    'localhost',
    'LocalHost',
    'localhost.',
    'x.invalid',
    'a-b.c.INVALID',
    'foo.localhost',
    'scan_me.invalid.',
  )
  .map((text) => ({ text, ranges: [], hostname: true }));

const targetItem: fc.Arbitrary<TargetItem> = fc.oneof(
  { weight: 3, arbitrary: anyAddr.map((a) => ({ text: a.text, ranges: [[a.value, a.value] as Iv] })) },
  {
    weight: 2,
    arbitrary: fc.tuple(u32, fc.integer({ min: 0, max: 32 }), fc.boolean()).map(([v, len, pad]) => {
      const text = `${v4Text(v)}/${pad ? `0${len}` : len}`;
      // A prefix length with a leading zero ("/024") is refused, at the slash.
      if (pad) return { text, ranges: [], error: { offset: text.indexOf('/'), what: /^bad prefix length/ } };
      return { text, ranges: [cidr(V4 + BigInt(v), 32, len, V4)] };
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(v6, fc.integer({ min: 0, max: 128 }))
      .map(([a, len]) => ({ text: `${a.text}/${len}`, ranges: [cidr(a.value, 128, len, 0n)] })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(u32, u32).map(([x, y]) => {
      const text = `${v4Text(x)}-${v4Text(y)}`;
      if (x > y) return { text, ranges: [], error: { offset: 0, what: /^reversed range/ } };
      return { text, ranges: [[V4 + BigInt(x), V4 + BigInt(y)] as Iv] };
    }),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(anyAddr, anyAddr).map(([a, b]) => {
      // At least one side in IPv6 text, so the token is read as a range of either family.
      const left = a.text.includes(':') || b.text.includes(':') ? a.text : `::ffff:${a.text}`;
      const text = `${left}-${b.text}`;
      if (isV4(a.value) !== isV4(b.value))
        return { text, ranges: [], error: { offset: 0, what: /mixes IPv4 and IPv6/ } };
      if (a.value > b.value) return { text, ranges: [], error: { offset: 0, what: /^reversed range/ } };
      return { text, ranges: [[a.value, b.value] as Iv] };
    }),
  },
  { weight: 2, arbitrary: octetItem },
  { weight: 1, arbitrary: hostItem },
);

const separator = fc
  .array(fc.constantFrom(' ', ',', '\t', '\n', ', ', '\u00a0', '\u3000', '\r\n'), { minLength: 1, maxLength: 3 })
  .map((a) => a.join(''));
const edge = fc.array(fc.constantFrom(' ', ',', '\n'), { maxLength: 2 }).map((a) => a.join(''));

interface TargetCase {
  text: string;
  items: { item: TargetItem; column: number }[];
}

const targetCase: fc.Arbitrary<TargetCase> = fc
  .tuple(fc.array(fc.tuple(targetItem, separator), { minLength: 1, maxLength: 8 }), edge, edge)
  .map(([pairs, lead, trail]) => {
    let text = lead;
    const items: TargetCase['items'] = [];
    pairs.forEach(([item, sep], i) => {
      if (i > 0) text += sep;
      items.push({ item, column: text.length + 1 });
      text += item.text;
    });
    return { text: text + trail, items };
  });

function merge(ivs: Iv[]): Iv[] {
  const sorted = [...ivs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Iv[] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1n) {
      if (e > last[1]) last[1] = e;
    } else out.push([s, e]);
  }
  return out;
}

type Span = Iv | { start: bigint; end: bigint };

function ivText(spans: readonly Span[]): string {
  const list = spans.map((v): Iv => ('start' in v ? [v.start, v.end] : v));
  const shown = list.slice(0, 6).map(([s, e]) => `${s.toString(16)}-${e.toString(16)}`);
  return `${list.length} intervals [${shown.join(', ')}${list.length > 6 ? ', …' : ''}]`;
}

/** The first error a target case must give, as parseTargets reads tokens left to right. */
function expectedTargetError(c: TargetCase): { column: number; what: RegExp } | undefined {
  for (const { item, column } of c.items)
    if (item.error) return { column: column + item.error.offset, what: item.error.what };
  return undefined;
}

/** The garbage property for target text: any outcome is well-formed. */
function checkTargetText(text: string, bound = BOUND_MS): Outcome<TargetSpec> {
  const r = outcome('parseTargets', text, () => parseTargets(text), bound);
  if (r.ok) {
    for (const h of r.value.hostnames) {
      if (h.input !== text || h.column < 1 || text.slice(h.column - 1, h.column - 1 + h.name.length) !== h.name) {
        throw new Error(`parseTargets(${short(text)}): hostname ${short(h.name)} is not at column ${h.column}`);
      }
    }
    let prev = -2n;
    for (const iv of r.value.ranges.intervals()) {
      if (iv.start < 0n || iv.end > ALL || iv.end < iv.start || iv.start <= prev + 1n) {
        throw new Error(`parseTargets(${short(text)}): bad interval list ${ivText(r.value.ranges.intervals())}`);
      }
      prev = iv.end;
    }
  } else {
    // Target errors are about a token: the column is never on a separator.
    const at = text[r.error.column - 1] ?? '';
    if (/[\s,]/.test(at))
      throw new Error(
        `parseTargets(${short(text)}): column ${r.error.column} is a separator (${r.error.what.slice(0, 120)})`,
      );
  }
  return r;
}

const TARGET_ALPHABET = [
  '0',
  '1',
  '2',
  '5',
  '9',
  'a',
  'f',
  'F',
  'x',
  '.',
  '.',
  ':',
  ':',
  '-',
  '-',
  '/',
  '*',
  ',',
  ' ',
  '\t',
  '\n',
  '\0',
  '%',
  '[',
  ']',
  '_',
  '١',
  '\u00a0',
  '\ud800',
  '😀',
  'é',
];
const targetGarbage = fc.oneof(
  fc.string({ unit: fc.constantFrom(...TARGET_ALPHABET), maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  mutated(
    targetCase.map((c) => c.text),
    TARGET_ALPHABET,
  ),
  mutated(
    targetItem.map((i) => i.text),
    TARGET_ALPHABET,
  ),
  fc
    .array(fc.constantFrom('-', '.', ',', ':', '/', '1', '255', '256', '*', '::'), { maxLength: 50 })
    .map((a) => a.join('')),
  fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 40n }), fc.constantFrom('.', '/', '-', ':'))
    .map(([n, s]) => `1.2.3.4${s}${n}`),
);

describe('parseTargets (property)', () => {
  it('targets built from known addresses, CIDR blocks, ranges and octet patterns parse to exactly their union', () => {
    fc.assert(
      fc.property(targetCase, (c) => {
        const r = outcome('parseTargets', c.text, () => parseTargets(c.text));
        const err = expectedTargetError(c);
        if (err) {
          if (r.ok)
            throw new Error(`parseTargets(${short(c.text)}) accepted text with an error at column ${err.column}`);
          if (r.error.column !== err.column || !err.what.test(r.error.what)) {
            throw new Error(
              `parseTargets(${short(c.text)}): got '${r.error.what}' at ${r.error.column}, ` +
                `want ${err.what} at ${err.column}`,
            );
          }
          return;
        }
        if (!r.ok) throw new Error(`parseTargets(${short(c.text)}) failed: ${r.error.message.slice(0, 300)}`);
        const want = merge(c.items.flatMap(({ item }) => item.ranges));
        const have = r.value.ranges.intervals();
        const same =
          want.length === have.length && want.every(([s, e], i) => have[i]?.start === s && have[i]?.end === e);
        if (!same) throw new Error(`parseTargets(${short(c.text)}) gave ${ivText(have)}, the model ${ivText(want)}`);
        const names = c.items.filter(({ item }) => item.hostname).map(({ item, column }) => `${item.text}@${column}`);
        expect(r.value.hostnames.map((h) => `${h.name}@${h.column}`)).toEqual(names);
      }),
      { numRuns: 500 },
    );
  });

  it('large octet patterns: the model count, and membership of sampled addresses', () => {
    const part = fc.oneof(
      octetPart,
      fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
        .map(([a, b]) => ({ lo: Math.min(a, b), hi: Math.max(a, b), text: `${Math.min(a, b)}-${Math.max(a, b)}` })),
    );
    // Patterns that build at most 2^16 intervals, or are refused for more than 2^20 (exactly
    // 2^20, a slower build, is in the regressions below).
    const leading = (parts: OctetPart[]): number => {
      let k = 3;
      while (k > 0 && parts[k]?.lo === 0 && parts[k]?.hi === 255) k--;
      return parts.slice(0, k).reduce((n, p) => n * (Math.abs(p.hi - p.lo) + 1), 1);
    };
    const pattern = fc
      .array(part, { minLength: 4, maxLength: 4 })
      .filter((parts) => leading(parts) <= 1 << 16 || leading(parts) > 1 << 20);
    fc.assert(
      fc.property(pattern, fc.array(u32, { minLength: 8, maxLength: 8 }), (parts, samples) => {
        const text = parts.map((p) => p.text).join('.');
        const r = outcome('parseTargets', text, () => parseTargets(text));
        if (parts.some((p) => p.lo > p.hi || /^0\d/.test(p.text))) {
          expect(r.ok).toBe(false);
          return;
        }
        // Whole trailing octets merge; the combinations before them are the intervals built.
        if (leading(parts) > 1 << 20) {
          if (r.ok) throw new Error(`parseTargets(${short(text)}) built more than 2^20 intervals`);
          expect(r.error.what).toMatch(/too fragmented/);
          return;
        }
        if (!r.ok) throw new Error(`parseTargets(${short(text)}) failed: ${r.error.what}`);
        const count = parts.reduce((n, p) => n * BigInt(p.hi - p.lo + 1), 1n);
        expect(r.value.ranges.count()).toBe(count);
        const corner = (pick: (p: OctetPart) => number): number => parts.reduce((v, p) => v * 256 + pick(p), 0);
        for (const s of [...samples, corner((p) => p.lo), corner((p) => p.hi)]) {
          const octets = [s >>> 24, (s >>> 16) & 255, (s >>> 8) & 255, s & 255];
          const inside = octets.every((o, i) => o >= (parts[i] as OctetPart).lo && o <= (parts[i] as OctetPart).hi);
          expect(r.value.ranges.has(V4 + BigInt(s))).toBe(inside);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('any string: well-formed targets or a ParseError on a token, with a column within it', () => {
    fc.assert(
      fc.property(targetGarbage, (text) => void checkTargetText(text)),
      { numRuns: 2000 },
    );
  });

  it('"a b" is "a" then "b": the union of both, or the first error with its column', () => {
    fc.assert(
      fc.property(targetGarbage, targetGarbage, (a, b) => {
        const ra = checkTargetText(a);
        const rb = checkTargetText(b);
        const whole = `${a} ${b}`;
        const r = checkTargetText(whole);
        if (!ra.ok || !rb.ok) {
          const first = ra.ok ? (rb as { error: ParseError }).error : ra.error;
          const column = ra.ok ? first.column + a.length + 1 : first.column;
          if (r.ok) throw new Error(`parseTargets(${short(whole)}) accepted what a part rejects`);
          expect({ what: r.error.what, column: r.error.column }).toEqual({ what: first.what, column });
          return;
        }
        if (!r.ok) throw new Error(`parseTargets(${short(whole)}) rejected two good parts: ${r.error.what}`);
        const want = merge(
          [...ra.value.ranges.intervals(), ...rb.value.ranges.intervals()].map((iv) => [iv.start, iv.end] as Iv),
        );
        expect(ivText(r.value.ranges.intervals())).toBe(ivText(want));
        expect(r.value.ranges.count()).toBe(want.reduce((n, [s, e]) => n + e - s + 1n, 0n));
        expect(r.value.hostnames.map((h) => h.name)).toEqual(
          [...ra.value.hostnames, ...rb.value.hostnames].map((h) => h.name),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['single addresses', () => repeatTo('198.51.100.7 ')],
    ['ranges', () => repeatTo('10.0.0.1-10.0.0.9,')],
    ['::/0', () => repeatTo('::/0 ')],
    ['*.*.*.*', () => repeatTo('*.*.*.* ')],
    ['small octet patterns', () => repeatTo('1-2.3-4.5-6.7-8 ')],
    [
      'distinct 2^20-interval octet patterns',
      () =>
        Array.from({ length: 60000 }, (_, i) => `0-255.0-255.0-15.${i % 256}`)
          .join(' ')
          .slice(0, MB),
    ],
    ['one label', () => repeatTo('a')],
    ['a.a.a.…', () => repeatTo('a.')],
    ['1.1.1.…', () => repeatTo('1.')],
    ['a-a-a-…', () => repeatTo('a-')],
    ['colons', () => repeatTo(':')],
    ['nested dashes', () => repeatTo('1-2.')],
    ['slashes', () => repeatTo('1.2.3.4/')],
    ['names under .invalid', () => repeatTo('x.invalid ')],
    ['NUL bytes', () => repeatTo('\0')],
    ['commas', () => repeatTo(',')],
    ['noise', () => noise(TARGET_ALPHABET, 11)],
    ['hex noise', () => noise(['0', 'f', ':', ':', '.', '1', '-', '/', ' '], 13)],
  ])('1 MB of %s finishes in time with targets or a ParseError', (_name, make) => {
    checkTargetText(make(), SLOW_BOUND_MS);
  });
});

describe('regressions found by these properties', () => {
  it.each([
    // A trailing empty octet was reported one column past the end of the text.
    ['1.2.3.', "bad octet '' in '1.2.3.'", 6],
    ['*.*.*.', "bad octet '' in '*.*.*.'", 6],
    ['10.0.0.1 1.2.3.', "bad octet '' in '1.2.3.'", 15],
    // An IPv6 range with nothing after the dash: also one past the end; now the dash.
    ['::1-', "bad address '' in range '::1-'", 4],
    ['::1- ::2', "bad address '' in range '::1-'", 4],
  ])('%j: the column is within the text', (text, what, column) => {
    const r = outcome('parseTargets', text, () => parseTargets(text));
    if (r.ok) throw new Error('parsed');
    expect({ what: r.error.what, column: r.error.column }).toEqual({ what, column });
  });

  it('octet patterns are capped per list, not only per pattern: 2^20 intervals in all', () => {
    // Each pattern is exactly at the per-pattern cap; a list of them used to build them all
    // (tens of millions of intervals for a few hundred bytes, then out of memory).
    const one = '0-255.0-255.0-15.1';
    expect(parseTargets(one).ranges.count()).toBe(1n << 20n);
    const text = `${one} 0-255.0-255.0-15.2 0-255.0-255.0-15.3`;
    const r = outcome('parseTargets', text, () => parseTargets(text), SLOW_BOUND_MS);
    if (r.ok) throw new Error('parsed');
    expect(r.error.what).toBe(
      "octet pattern '0-255.0-255.0-15.2' takes the target list past 1048576 octet-pattern intervals",
    );
    expect(r.error.column).toBe(one.length + 2);
    // Small patterns share the budget: 4096 patterns of 256 intervals fit, one more does not.
    const many = Array.from({ length: 4096 }, (_, i) => `${10 + (i >> 8)}.${i & 255}.0-255.7`).join(' ');
    expect(parseTargets(many).ranges.count()).toBe(4096n * 256n);
    const over = `${many} 99.0.0-255.7`;
    const r2 = outcome('parseTargets', over, () => parseTargets(over), SLOW_BOUND_MS);
    expect(r2.ok ? 'parsed' : r2.error.column).toBe(many.length + 2);
    // Each call (each target list) has its own budget.
    expect(parseTargets(one).ranges.count()).toBe(1n << 20n);
  });

  it('a port list of many wide ranges costs time linear in the text', () => {
    // Each range used to fill its ports one by one: 350,000 copies of "1-" in 1 MB wrote 23 GB.
    const text = repeatTo('1-,', 3 * 350000 - 1);
    const r = outcome('parsePortList', text, () => parsePortList(text), SLOW_BOUND_MS);
    expect(r.ok && r.value.length).toBe(65535);
  });
});

// ---------------------------------------------------------------------------------------------
// RangeList: the set under every target list

describe('RangeList (property)', () => {
  const small = fc
    .tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 20 }))
    .map(([s, w]) => [BigInt(s), BigInt(s + w)] as Iv);
  it('add, normalize, subtract, has, pick and count agree with a plain set', () => {
    fc.assert(
      fc.property(fc.array(small, { maxLength: 12 }), fc.array(small, { maxLength: 6 }), (adds, cuts) => {
        const model = new Set<number>();
        const list = new RangeList();
        for (const [s, e] of adds) {
          list.add(s, e);
          for (let v = Number(s); v <= Number(e); v++) model.add(v);
        }
        const cut = new RangeList();
        for (const [s, e] of cuts) {
          cut.add(s, e);
          for (let v = Number(s); v <= Number(e); v++) model.delete(v);
        }
        list.subtract(cut);
        const want = [...model].sort((x, y) => x - y);
        expect(list.count()).toBe(BigInt(want.length));
        const picked: number[] = [];
        for (let i = 0n; i < list.count(); i++) picked.push(Number(list.pick(i)));
        expect(picked).toEqual(want);
        for (let v = 0; v <= 330; v += 7) expect(list.has(BigInt(v))).toBe(model.has(v));
        const ivs = list.intervals();
        for (let i = 1; i < ivs.length; i++)
          expect((ivs[i] as { start: bigint }).start > (ivs[i - 1] as { end: bigint }).end + 1n).toBe(true);
        expect(() => list.pick(list.count())).toThrow(RangeError);
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The CLI, in-process: yargs, the option checks and the plan; runScan is a stub that never scans.

const runScanMock = runScan as jest.MockedFunction<typeof runScan>;
const FD_LIMIT = 20000;
const PLANNED = 'test stub: planned, not scanned';

interface CliRun {
  status: number;
  stderr: string;
  /** Set when the CLI got as far as runScan. */
  options?: ScanOptions;
  resolved?: ResolvedOptions;
  plan?: ScanPlan;
  error?: unknown;
}

async function cli(args: string[], bound = SLOW_BOUND_MS): Promise<CliRun> {
  const run: CliRun = { status: -1, stderr: '' };
  runScanMock.mockImplementation(async (o) => {
    run.options = o;
    try {
      run.resolved = resolveOptions(o, FD_LIMIT, o.mode === 'syn' ? null : 'test: SYN mode is off here');
      run.plan = await buildPlan(o, run.resolved.ports);
    } catch (err) {
      run.error = err;
      throw err;
    }
    throw new UsageError(PLANNED);
  });
  const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    run.stderr += String(chunk);
    return true;
  });
  const outSpy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    run.status = await timedAsync('portscan', args.join(' '), () => main(args), bound);
  } finally {
    errSpy.mockRestore();
    outSpy.mockRestore();
  }
  return run;
}

/** Every CLI run on this input must end in exit 2 with one "portscan: ..." line and no trace. */
function checkUsageExit(args: string[], r: CliRun): void {
  const where = `portscan ${short(args.join(' '))}`;
  if (r.status !== 2) throw new Error(`${where} exited ${r.status}, not 2: ${short(r.stderr)}`);
  if (!r.stderr.startsWith('portscan: ') || /\n\s+at /.test(r.stderr))
    throw new Error(`${where}: stderr ${short(r.stderr)}`);
  if (r.error !== undefined && !(r.error instanceof ParseError || r.error instanceof UsageError)) {
    throw new Error(`${where}: runScan failed with ${String(r.error)}`);
  }
  if (r.error instanceof ParseError) checkColumn(where, r.error.input, r.error);
}

const planned = (r: CliRun): boolean => r.stderr.startsWith(`portscan: ${PLANNED}`);

interface NumericOption {
  flag: string;
  field: keyof ResolvedOptions;
  min: number;
  max: number;
  suffix: boolean;
  /** A SYN-only option: tried with --mode syn (connect mode refuses it). */
  syn?: boolean;
}
const NUMERIC: NumericOption[] = [
  { flag: 'tasks', field: 'tasks', min: 1, max: maxTasks(FD_LIMIT), suffix: false },
  { flag: 'timeout', field: 'timeoutMs', min: 1, max: 600000, suffix: true },
  { flag: 'min-timeout', field: 'minTimeoutMs', min: 1, max: 1000, suffix: true }, // at most the default timeout
  { flag: 'retries', field: 'retries', min: 0, max: 50, suffix: false },
  { flag: 'rate', field: 'ratePps', min: 0, max: 100000000, suffix: false },
  { flag: 'wait', field: 'waitMs', min: 0, max: 600000, suffix: true, syn: true },
  // + 2 retries, + 1 for the sentinels
  { flag: 'source-port', field: 'sourcePort', min: 1, max: 65532, suffix: false, syn: true },
];

/** What the CLI must make of a numeric option's text: its value in ms / units, or null. */
function modelNumber(o: NumericOption, text: string): number | null {
  const m = /^(\d+)(ms|s)?$/.exec(text.trim());
  if (!m || (m[2] !== undefined && !o.suffix)) return null;
  const v = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  return Number.isInteger(v) && v >= o.min && v <= o.max ? v : null;
}

const NUMBER_ALPHABET = [
  '0',
  '1',
  '5',
  '9',
  'm',
  's',
  'ms',
  ' ',
  '\t',
  '-',
  '+',
  '.',
  'e',
  'x',
  '\0',
  '٣',
  '１',
  '\u00a0',
  '=',
  '--',
];

function numberText(o: NumericOption): fc.Arbitrary<{ text: string; value: number }> {
  return fc
    .tuple(
      fc.integer({ min: o.min, max: o.max }),
      fc.constantFrom('', '0', '00'),
      ws,
      ws,
      fc.constantFrom('', 'ms', 's'),
    )
    .map(([v, z, a, b, unit]) => {
      if (!o.suffix || unit === '') return { text: `${a}${z}${v}${b}`, value: v };
      if (unit === 's' && v % 1000 === 0) return { text: `${a}${z}${v / 1000}s${b}`, value: v };
      return { text: `${a}${z}${v}ms${b}`, value: v };
    });
}

describe('CLI options (property, in-process, nothing scanned)', () => {
  afterEach(() => runScanMock.mockReset());

  it('stub check: a plain run gets as far as the plan', async () => {
    const r = await cli(['-p', '22,80', '127.0.0.1']);
    checkUsageExit([], r);
    expect(planned(r)).toBe(true);
    expect([...(r.plan?.ports ?? [])]).toEqual([22, 80]);
    expect(r.plan?.hosts.count()).toBe(1n);
  });

  it('--ports=TEXT: the model set, or exit 2 with a ParseError column within TEXT', async () => {
    const text = fc.oneof(
      portCase.map((c) => c.text),
      fc.string({ unit: fc.constantFrom(...PORT_ALPHABET), maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(text, async (ports) => {
        const args = [`--ports=${ports}`, '--', '127.0.0.1'];
        const r = await cli(args);
        checkUsageExit(args, r);
        const model = modelPorts(ports);
        if (model === null) {
          if (planned(r)) throw new Error(`portscan ${short(args.join(' '))} accepted a bad port list`);
          if (r.error instanceof ParseError) expect(r.error.input).toBe(ports);
          return;
        }
        if (!planned(r)) throw new Error(`portscan ${short(args.join(' '))} failed: ${short(r.stderr)}`);
        samePorts(ports, r.plan?.ports ?? new Uint16Array(), model);
      }),
      { numRuns: 150 },
    );
  });

  it('positional target TEXT: the model set, or exit 2 with a ParseError column within TEXT', async () => {
    const invalidName = /(^|\.)invalid\.?$/i;
    await fc.assert(
      fc.asyncProperty(targetCase, async (c) => {
        // The model is the targets' set as written: without the default exclusions.
        const args = ['-p', '80', '--no-default-excludes', '--', c.text];
        const r = await cli(args);
        checkUsageExit(args, r);
        const parseError = expectedTargetError(c);
        // Names are resolved after every token parsed: .invalid fails there, localhost is 127.0.0.1.
        const unresolved = c.items.find(({ item }) => item.hostname && invalidName.test(item.text));
        if (parseError || unresolved) {
          if (planned(r) || !(r.error instanceof ParseError))
            throw new Error(`portscan ${short(args.join(' '))}: ${short(r.stderr)}`);
          expect(r.error.input).toBe(c.text);
          expect(r.error.column).toBe(parseError ? parseError.column : unresolved?.column);
          return;
        }
        if (!planned(r)) throw new Error(`portscan ${short(args.join(' '))} failed: ${short(r.stderr)}`);
        const local: Iv[] = c.items.some(({ item }) => item.hostname) ? [[V4 + 0x7f000001n, V4 + 0x7f000001n]] : [];
        const want = merge([...c.items.flatMap(({ item }) => item.ranges), ...local]);
        expect(ivText(r.plan?.hosts.intervals() ?? [])).toBe(ivText(want));
      }),
      { numRuns: 150 },
    );
  });

  it('positional target garbage: exit 2 with a ParseError or UsageError, never anything else', async () => {
    // Only text whose names are localhost or under .invalid: anything else would be resolved.
    const safe = targetGarbage.filter((t) => {
      try {
        return parseTargets(t).hostnames.every((h) => /^localhost\.?$|\.localhost\.?$|(^|\.)invalid\.?$/i.test(h.name));
      } catch {
        return true;
      }
    });
    await fc.assert(
      fc.asyncProperty(safe, async (t) => {
        const args = ['-p', '80', '--exclude', '::/0', '--', t];
        const r = await cli(args);
        checkUsageExit(args, r);
      }),
      { numRuns: 150 },
    );
  });

  for (const o of NUMERIC) {
    it(`--${o.flag}=TEXT: the number it names, or exit 2`, async () => {
      const text = fc.oneof(
        numberText(o).map((n) => n.text),
        fc.string({ unit: fc.constantFrom(...NUMBER_ALPHABET), maxLength: 12 }),
        fc.string({ unit: 'binary', maxLength: 12 }),
        fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
        fc.integer({ min: -5, max: o.max + 5 }).map(String),
      );
      await fc.assert(
        fc.asyncProperty(text, async (value) => {
          const args = [`--${o.flag}=${value}`, ...(o.syn ? ['--mode=syn'] : []), '-p', '80', '--', '127.0.0.1'];
          const r = await cli(args);
          checkUsageExit(args, r);
          const want = modelNumber(o, value);
          if (want === null) {
            if (planned(r))
              throw new Error(`portscan ${short(args.join(' '))} accepted it as ${String(r.resolved?.[o.field])}`);
            expect(r.stderr).toMatch(new RegExp(`^portscan: .*option '(--)?${o.flag}'`));
            return;
          }
          if (!planned(r)) throw new Error(`portscan ${short(args.join(' '))} failed: ${short(r.stderr)}`);
          expect(r.resolved?.[o.field]).toBe(want);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('--seed=TEXT: the number (0 to 2^64-1, never wrapped), or exit 2', async () => {
    const text = fc.oneof(
      fc.bigInt({ min: 0n, max: 1n << 70n }).map(String),
      fc.string({ unit: fc.constantFrom(...NUMBER_ALPHABET), maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(text, async (value) => {
        const args = [`--seed=${value}`, '--mode=syn', '-p', '80', '--', '127.0.0.1'];
        const r = await cli(args);
        checkUsageExit(args, r);
        if (/^\d+$/.test(value) && BigInt(value) < 1n << 64n) {
          if (!planned(r)) throw new Error(`portscan ${short(args.join(' '))} failed: ${short(r.stderr)}`);
          expect(r.resolved?.seed).toBe(BigInt(value));
        } else if (planned(r)) throw new Error(`portscan ${short(args.join(' '))} accepted it`);
      }),
      { numRuns: 60 },
    );
  });

  it('--mode and --format: the named choice, or exit 2', async () => {
    const word = fc.oneof(
      fc.constantFrom(
        'auto',
        'connect',
        'table',
        'ndjson',
        'json',
        'csv',
        'list',
        'grepable',
        'ips',
        'Auto',
        'syn ',
        'JSON',
        '',
      ),
      fc.string({ maxLength: 8 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('mode', 'format'), word, async (flag, value) => {
        const args = [`--${flag}=${value}`, '-p', '80', '--', '127.0.0.1'];
        const r = await cli(args);
        checkUsageExit(args, r);
        const good =
          flag === 'mode' ? ['auto', 'connect'] : ['table', 'ndjson', 'json', 'csv', 'list', 'grepable', 'ips'];
        expect({ value, planned: planned(r) }).toEqual({ value, planned: good.includes(value) });
      }),
      { numRuns: 80 },
    );
  });

  it.each([
    ['--ports', true, () => `--ports=${Array(131072).fill('1-65535').join(',')}`],
    ['--ports noise', false, () => `--ports=${noise(PORT_ALPHABET, 17)}`],
    ['--tasks digits', false, () => `--tasks=${repeatTo('9')}`],
    ['--seed digits', false, () => `--seed=${repeatTo('7')}`],
    ['--exclude names', false, () => `--exclude=${repeatTo('x.invalid ')}`],
  ])('1 MB %s argument: exit 2 in time (planned: %s)', async (_name, wantPlanned, make) => {
    const args = ['-p', '80', make(), '--', '127.0.0.1']; // a later --ports adds to -p 80
    const r = await cli(args, SLOW_BOUND_MS * 2);
    checkUsageExit(['(1 MB)'], r);
    expect(planned(r)).toBe(wantPlanned);
    if (wantPlanned && _name === '--ports') expect(r.plan?.ports.length).toBe(65535);
  });

  it('1 MB target argument: exit 2 in time', async () => {
    const args = ['-p', '80', '--', noise(TARGET_ALPHABET, 19)];
    checkUsageExit(['(1 MB)'], await cli(args, SLOW_BOUND_MS * 2));
  });
});
