// SPDX-License-Identifier: MIT
// output.test.ts: the hand-written NDJSON line is exactly JSON.stringify of the record, and the
// service names come from the IANA registry.
import fc from 'fast-check';

import type { PortResult } from '../../lib/scanner/result';
import { ndjsonLine, resultRecord } from '../../lib/output/formats';
import { serviceName } from '../../lib/plan/services';

const STATES = ['open', 'closed', 'filtered', 'unknown'] as const;

describe('ndjson lines', () => {
  it('equal JSON.stringify of the record, for any result', () => {
    const result = fc.record({
      ip: fc.oneof(fc.ipV4(), fc.ipV6()),
      family: fc.constantFrom(4 as const, 6 as const),
      port: fc.integer({ min: 0, max: 65535 }),
      state: fc.constantFrom(...STATES),
      reason: fc.constantFrom('syn-ack', 'reset', 'no-response', 'host-unreach', 'conn-refused'),
      rttMs: fc.oneof(
        fc.integer({ min: 0, max: 100000 }).map((n) => n / 100),
        fc.constant(0),
      ),
      tries: fc.integer({ min: 1, max: 51 }),
      service: fc.oneof(fc.constant(''), fc.string(), fc.constant('a"b\\c\n\u0001é')),
    });
    fc.assert(
      fc.property(result, (r) => {
        expect(ndjsonLine(r as PortResult)).toBe(`${JSON.stringify(resultRecord(r as PortResult))}\n`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('service names', () => {
  it("are IANA's TCP names, and empty where it registers none", () => {
    expect(serviceName(22)).toBe('ssh');
    expect(serviceName(80)).toBe('www-http'); // IANA's name for it
    expect(serviceName(443)).toBe('https');
    expect(serviceName(0)).toBe('');
    expect(serviceName(65535)).toBe('');
  });
});
