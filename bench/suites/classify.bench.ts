// SPDX-License-Identifier: MIT
// classify.bench.ts: classify() turning 4096 native outcomes (kind, errno, attempt) into port
// states and reasons, for the common all-closed case, a realistic mix, and the slow path of an
// errno classify() has no name for. The reference is a plain switch over the same inputs that
// returns preallocated verdicts.
// Baseline recorded on: AMD EPYC (2 cores, shared VM), Linux 6.18, Node v20.20.2.
import { constants } from 'node:os';

import { classify, type Verdict } from '../../lib/scanner/classify';
import { Kind } from '../../lib/native/records';
import { BenchSuite, runIfMain, sink } from '../lib/harness';

const N = 4096;
const RETRIES = 2;
const E = constants.errno;

interface Inputs {
  kinds: Uint8Array;
  errs: Int32Array;
  attempts: Uint8Array;
}

function inputs(pick: (i: number) => [Kind, number, number]): Inputs {
  const out: Inputs = { kinds: new Uint8Array(N), errs: new Int32Array(N), attempts: new Uint8Array(N) };
  for (let i = 0; i < N; i++) {
    const [k, e, a] = pick(i);
    out.kinds[i] = k;
    out.errs[i] = e;
    out.attempts[i] = a;
  }
  return out;
}

const closed = inputs(() => [Kind.Refused, E.ECONNREFUSED, 0]);
const mixed = inputs((i) => {
  const r = i % 100;
  if (r < 90) return [Kind.Refused, E.ECONNREFUSED, 0];
  if (r < 93) return [Kind.Connected, 0, 0];
  if (r < 98) return [Kind.Timeout, 0, i % 3];
  if (r < 99) return [Kind.Error, E.EHOSTUNREACH, 0];
  return [Kind.Error, E.ECONNRESET, 0];
});
// An errno with no filtered/closed meaning: classify() looks its name up.
const unknownErrno = inputs((i) => [Kind.Error, E.EADDRNOTAVAIL, i % 3]);

function run(x: Inputs): void {
  let open = 0;
  let last: Verdict | undefined;
  for (let i = 0; i < N; i++) {
    last = classify(x.kinds[i] as Kind, x.errs[i] as number, x.attempts[i] as number, RETRIES);
    if (last.state === 'open') open++;
  }
  sink.n += open;
  sink.value = last;
}

const OPEN: Verdict = { state: 'open', reason: 'syn-ack' };
const CLOSED: Verdict = { state: 'closed', reason: 'conn-refused' };
const RETRY: Verdict = { state: null, reason: 'no-response' };
const FILTERED: Verdict = { state: 'filtered', reason: 'no-response' };
const OTHER: Verdict = { state: 'unknown', reason: 'error' };

export const bench = new BenchSuite('classify')
  .reference(
    'plain loop: switch on kind, preallocated verdicts (mixed inputs)',
    () => {
      let open = 0;
      let last: Verdict | undefined;
      for (let i = 0; i < N; i++) {
        const k = mixed.kinds[i];
        last =
          k === Kind.Connected
            ? OPEN
            : k === Kind.Refused
              ? CLOSED
              : k === Kind.Timeout
                ? (mixed.attempts[i] as number) < RETRIES
                  ? RETRY
                  : FILTERED
                : OTHER;
        if (last.state === 'open') open++;
      }
      sink.n += open;
      sink.value = last;
    },
    { perOp: N, unit: 'verdicts' },
  )
  .add(`classify x ${N}, all refused`, () => run(closed), { perOp: N, unit: 'verdicts' })
  .add(`classify x ${N}, mixed (90% refused, 3% open, 5% timeout, 2% ICMP/reset)`, () => run(mixed), {
    perOp: N,
    unit: 'verdicts',
  })
  .add(`classify x ${N}, unnamed errno (EADDRNOTAVAIL)`, () => run(unknownErrno), { perOp: N, unit: 'verdicts' });

runIfMain(module, bench);
