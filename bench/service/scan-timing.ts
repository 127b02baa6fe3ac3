// SPDX-License-Identifier: MIT
// scan-timing.ts: one scan through the library, run by bench:service inside the testbed's scanner
// namespace (`testbed run node dist/bench/service/scan-timing.js OPTIONS-JSON OUT`), timed from
// the inside: when the scan's own last result was decided (its last final state: the port scan
// proper, whatever identification still runs) and when everything, identification included,
// was over. Writes every result as NDJSON to OUT (for `testbed verify`) and prints one JSON line.
import { writeFileSync } from 'node:fs';

import { runScan } from '../../lib/scan';
import type { ScanOptions } from '../../lib/options';
import type { PortResult } from '../../lib/scanner/result';

/** What one timed scan printed. */
export interface ScanTiming {
  pairs: number;
  sent: number;
  /** Seconds from the first probe to the last final state. */
  scanSeconds: number;
  /** Seconds from the first probe to the end of everything (identification included). */
  totalSeconds: number;
  open: number;
  /** Open results identified by an answer (method "probed"). */
  probed: number;
}

async function main(): Promise<void> {
  const [json, out] = process.argv.slice(2);
  if (!json || !out) throw new Error('usage: scan-timing.js OPTIONS-JSON OUT');
  const options = JSON.parse(json) as ScanOptions;
  const lines: string[] = [];
  let t0 = 0;
  let lastState = 0;
  let probed = 0;
  const summary = await runScan(options, {
    onStart: () => (t0 = performance.now()),
    onState: () => (lastState = performance.now()),
    onResult: (r: PortResult) => {
      if (r.method === 'probed') probed++;
      const name = r.tunnel ? `${r.tunnel}/${r.service}` : r.service;
      lines.push(JSON.stringify({ ip: r.ip, port: r.port, state: r.state, service: name }));
    },
  });
  writeFileSync(out, lines.join('\n') + '\n');
  const timing: ScanTiming = {
    pairs: Number(summary.plan.total),
    sent: summary.counters.sent,
    scanSeconds: (lastState - t0) / 1000,
    totalSeconds: (performance.now() - t0) / 1000,
    open: summary.counters.open,
    probed,
  };
  console.log(JSON.stringify(timing));
}

main().catch((err: unknown) => {
  console.error(`scan-timing: ${(err as Error).message}`);
  process.exit(1);
});
