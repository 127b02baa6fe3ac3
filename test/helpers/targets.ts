// Helpers for target tests: addresses as text, and the ParseError a call throws.
import { promises as dnsPromises } from 'node:dns';

import { ParseError } from '../../lib/errors';
import { formatAddress, parseAddress } from '../../lib/plan/ip';
import type { RangeList } from '../../lib/plan/range-list';

/** The address of a literal; throws on a typo in the test itself. */
export function addr(text: string): bigint {
  const v = parseAddress(text);
  if (v === null) throw new Error(`test bug: '${text}' is not an address`);
  return v;
}

/** Every member of a (small) list, formatted. */
export function listAll(r: RangeList): string[] {
  const n = r.count();
  if (n > 100000n) throw new Error(`test bug: listing ${n} addresses`);
  const out: string[] = [];
  for (let i = 0n; i < n; i++) out.push(formatAddress(r.pick(i)));
  return out;
}

/** The intervals as "start-end" text. */
export function spans(r: RangeList): string[] {
  return r.intervals().map((iv) => `${formatAddress(iv.start)}-${formatAddress(iv.end)}`);
}

/** Runs fn and returns the ParseError it throws; fails when it throws nothing or something else. */
export function parseErrorOf(fn: () => unknown): ParseError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  if (!(thrown instanceof ParseError)) {
    throw new Error(`expected a ParseError, got ${thrown === undefined ? 'no error' : String(thrown)}`);
  }
  return thrown;
}

/** The same for a promise. */
export async function asyncParseErrorOf(p: Promise<unknown>): Promise<ParseError> {
  let thrown: unknown;
  try {
    await p;
  } catch (err) {
    thrown = err;
  }
  if (!(thrown instanceof ParseError)) {
    throw new Error(`expected a ParseError, got ${thrown === undefined ? 'no error' : String(thrown)}`);
  }
  return thrown;
}

/**
 * Makes every DNS lookup in the calling test file fail at once, and fails any test that tried
 * one: parsing tests must never send a query (the resolver is not an address we may reach).
 */
export function forbidDns(): void {
  let lookup: jest.SpyInstance;
  beforeEach(() => {
    lookup = jest.spyOn(dnsPromises, 'lookup').mockImplementation(() => {
      throw new Error('test bug: a DNS query was attempted');
    });
  });
  afterEach(() => {
    expect(lookup).not.toHaveBeenCalled();
    lookup.mockRestore();
  });
}
