// SPDX-License-Identifier: MIT
// output.bench.ts: every output form of lib/output/formats.ts writing 10,000 results (40 hosts x
// 250 ports, --full, mostly closed) through a Writer to /dev/null, begin() to end(). Writer can
// only write to a file descriptor, so /dev/null is the sink: the cost measured includes the
// formatting, the Writer's buffering and the write(2) calls, as in a real scan. The reference
// is a plain loop that builds one "ip port state" line per result and writes them in one go.
// Baseline recorded on: AMD EPYC (2 cores, shared VM), Linux 6.18, Node v20.20.2.
import { closeSync, openSync, writeSync } from 'node:fs';

import type { PortResult } from '../../lib/scanner/result';
import type { HostRow } from '../../lib/output/host-table';
import { resolveOptions } from '../../lib/options';
import { createFormatter, FORMATS } from '../../lib/output/formats';
import { Writer } from '../../lib/output/writer';
import { NmapHostTable } from '../../lib/output/nmap-hosts';
import { defaultRunInfo } from '../../lib/output/nmap-common';
import type { ScanSummary } from '../../lib/scan';
import { serviceName } from '../../lib/plan/services';
import { parseTargets } from '../../lib/plan/targets';
import { BenchSuite, runIfMain, sink } from '../lib/harness';

const HOSTS = 40;
const PORTS = 250;
const N = HOSTS * PORTS;

const results: PortResult[] = [];
const rows: HostRow[] = [];
for (let h = 0; h < HOSTS; h++) {
  const ip = `198.18.0.${h + 1}`;
  const row: HostRow = { ip, open: [], closed: 0, filtered: 0, other: 0, closedPorts: [], filteredPorts: [] };
  for (let port = 1; port <= PORTS; port++) {
    const r = (h * 31 + port) % 100;
    const state = r < 3 ? 'open' : r < 13 ? 'filtered' : 'closed';
    results.push({
      ip,
      family: 4,
      port,
      state,
      reason: state === 'open' ? 'syn-ack' : state === 'closed' ? 'conn-refused' : 'no-response',
      rttMs: state === 'filtered' ? 1000 : Math.round(((port * 7) % 500) + 50) / 100,
      tries: state === 'filtered' ? 3 : 1,
      service: serviceName(port),
    });
    if (state === 'open') row.open.push(port);
    else if (state === 'closed') {
      row.closed++;
      row.closedPorts?.push(port);
    } else {
      row.filtered++;
      row.filteredPorts?.push(port);
    }
  }
  rows.push(row);
}

const options = resolveOptions(
  { targets: `198.18.0.1-198.18.0.${HOSTS}`, ports: `1-${PORTS}`, mode: 'connect', full: true },
  20000,
);
const hostList = parseTargets(`198.18.0.1-198.18.0.${HOSTS}`).ranges;
const summary: ScanSummary = {
  mode: 'connect',
  plan: {
    hosts: hostList,
    ports: options.ports,
    total: hostList.count() * BigInt(options.ports.length),
    resolutions: [],
  },
  options,
  counters: {
    sent: N + 2 * rows.reduce((n, r) => n + r.filtered, 0),
    done: N,
    open: rows.reduce((n, r) => n + r.open.length, 0),
  },
  aborted: false,
  elapsedMs: 1234,
};

const nmapTable = new NmapHostTable();
for (const r of results) nmapTable.add(r.ip, r.port, r.state, r.reason);
const views = { rows: () => rows, nmap: (openOnly: boolean) => nmapTable.list(openOnly), hostsUp: () => HOSTS };
const context = { full: true, mode: summary.mode, plan: summary.plan, run: defaultRunInfo() };

const out = Writer.open('/dev/null');
const devNull = openSync('/dev/null', 'w');

export const bench = new BenchSuite('output').reference(
  `plain loop: "ip port state" lines, one join + writeSync`,
  () => {
    const lines = new Array<string>(N);
    for (let i = 0; i < N; i++) {
      const r = results[i] as PortResult;
      lines[i] = `${r.ip} ${r.port} ${r.state}\n`;
    }
    const buf = Buffer.from(lines.join(''), 'utf8');
    sink.n += writeSync(devNull, buf, 0, buf.length);
  },
  { perOp: N, unit: 'results' },
);

for (const name of FORMATS) {
  bench.add(
    `${name} x ${N} results (--full) -> Writer(/dev/null)`,
    () => {
      const f = createFormatter(name, out, context);
      f.begin();
      for (let i = 0; i < N; i++) f.result(results[i] as PortResult);
      f.end(summary, views);
      out.flush();
    },
    { perOp: N, unit: 'results' },
  );
}
bench.note(
  `${HOSTS} hosts x ${PORTS} ports: ${summary.counters.open} open, ` +
    `${rows.reduce((n, r) => n + r.closed, 0)} closed, ${rows.reduce((n, r) => n + r.filtered, 0)} filtered`,
);

runIfMain(module, bench, () => {
  out.close();
  closeSync(devNull);
});
