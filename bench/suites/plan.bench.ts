// SPDX-License-Identifier: MIT
// plan.bench.ts: PlanCursor walking a whole plan of a /16 times 16 ports (1,048,576 probes) in
// port-major order, against a plain nested loop that makes the same (address, port) objects.
// Baseline recorded on: AMD EPYC (2 cores, shared VM), Linux 6.18, Node v20.20.2.
import { parsePortList } from '../../lib/plan/port-list';
import { PlanCursor, type ScanPlan } from '../../lib/plan/plan';
import { parseTargets } from '../../lib/plan/targets';
import { BenchSuite, runIfMain, sink } from '../lib/harness';

const hosts = parseTargets('198.18.0.0/16').ranges;
const ports = parsePortList('1-16');
const plan: ScanPlan = { hosts, ports, total: hosts.count() * BigInt(ports.length), resolutions: [] };
const PROBES = Number(plan.total);

export const bench = new BenchSuite('plan')
  .reference(
    'plain loop: ports x bigint addresses, one {addr, port} each',
    () => {
      const intervals = hosts.intervals();
      let n = 0;
      for (let p = 0; p < ports.length; p++) {
        const port = ports[p] as number;
        for (const iv of intervals) {
          for (let a = iv.start; a <= iv.end; a++) {
            sink.value = { addr: a, port };
            n++;
          }
        }
      }
      if (n !== PROBES) throw new Error(`reference walked ${n} probes, expected ${PROBES}`);
    },
    { perOp: PROBES, unit: 'probes' },
  )
  .add(
    `PlanCursor.next() x ${PROBES} (/16 x 16 ports)`,
    () => {
      const cursor = new PlanCursor(plan);
      let n = 0;
      let next: { addr: bigint; port: number } | null;
      while ((next = cursor.next()) !== null) {
        sink.value = next;
        n++;
      }
      if (n !== PROBES) throw new Error(`PlanCursor walked ${n} probes, expected ${PROBES}`);
    },
    { perOp: PROBES, unit: 'probes' },
  )
  .note(`plan: 198.18.0.0/16 (${hosts.count()} hosts) x ports 1-16 = ${PROBES} probes per op`);

runIfMain(module, bench);
