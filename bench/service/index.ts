// SPDX-License-Identifier: MIT
// index.ts (bench:service): service identification at scan speed, against nmap -sV, on a testbed
// /24 whose open ports all answer as real services (setup.ts). In one run:
//   1. identification: portscan -sV and nmap -sV on the /24 x the model's listener ports, each
//      timed whole; identified ports per second (open ports an answer named), the ratio, and
//      whether the two name every open port alike;
//   2. the scan itself with and without -sV (the /24 x 1-1024 and the listener ports, both modes,
//      through the library, timed from the inside: scan-timing.ts): its own rate (pairs per second
//      to the last final state) and its exactness (`testbed verify --strict-closed`).
// Prints the machine's load before and after, a table, and writes bench/results/service.json.
// Needs root, nmap and a testbed of one's own (it adds an nftables table to the target
// namespace while it runs):
//
//   TESTBED_PREFIX=sv2 ../shared/testbed/testbed up && TESTBED_PREFIX=sv2 npm run bench:service
//
// Environment: TESTBED, TESTBED_PREFIX, BENCH_HOSTS (default 198.18.0.0/24), BENCH_RUNS (runs of
// each scan, default 2; nmap -sV runs once).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { exec, fail } from '../lib/commands';
import { describeMachine, machineInfo, median, repoRoot, table } from '../lib/harness';
import { requireTestbed, TESTBED, TESTBED_PREFIX, verify } from '../lib/testbed';
import { NAME, nmapNames, nmapService, portscanNames, portscanService, timedScan, type Names } from './runs';
import type { ScanTiming } from './scan-timing';
import { startBenchServices } from './setup';

interface ScanRow extends ScanTiming {
  mode: 'syn' | 'connect';
  sv: boolean;
  run: number;
  rate: number;
  exact: boolean;
  verdict: unknown;
}

const HOSTS = process.env.BENCH_HOSTS ?? '198.18.0.0/24';
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS) || 2);

const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** The pairs both named, and those they named differently (first few). */
function agreement(ours: Names, nmap: Names): { same: number; both: number; differ: string[] } {
  let same = 0;
  let both = 0;
  const differ: string[] = [];
  for (const [key, o] of ours) {
    const n = nmap.get(key);
    if (!n) continue;
    both++;
    if (n.name === o.name) same++;
    else if (differ.length < 5) differ.push(`${key}: ${o.name} vs nmap ${n.name}`);
  }
  return { same, both, differ };
}

const countProbed = (names: Names): number => [...names.values()].filter((n) => n.probed).length;

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) fail(NAME, 2, 'needs root (the testbed)');
  if (exec('nmap', ['--version']).status !== 0) fail(NAME, 2, 'needs nmap (apt-get install nmap)');
  requireTestbed(NAME);
  const model = JSON.parse(exec(TESTBED, ['model']).stdout) as { ports: number[] };
  const idPorts = model.ports.join(',');
  const scanPorts = ['1-1024', ...model.ports.filter((p) => p > 1024)].join(',');
  const dir = mkdtempSync(join(tmpdir(), 'portscan-bench-sv-'));
  const loadBefore = load();
  console.log(`${NAME}: ${describeMachine(machineInfo())}; load ${loadBefore}; testbed ${TESTBED_PREFIX}`);

  // The open pairs, from a scan `testbed verify` finds exact; they get the services.
  const found = timedScan({ targets: HOSTS, ports: idPorts, mode: 'syn', full: true }, join(dir, 'found.ndjson'));
  if (found.verified.exit !== 0) fail(NAME, 1, `the first scan is not exact: ${found.verified.text}`);
  const open = [...portscanNames(join(dir, 'found.ndjson')).keys()].map((k) => {
    const [ip, port] = k.split(' ');
    return [ip as string, Number(port)] as [string, number];
  });
  const services = await startBenchServices(TESTBED_PREFIX, model.ports, open);
  const stop = (): void => void services.stop().then(() => process.exit(130));
  process.once('SIGINT', stop);
  try {
    console.log(
      `  ${open.length} open ports on ${HOSTS} x ${idPorts}, services: ${[...services.roles].map(([p, s]) => `${p} ${s}`).join(', ')}`,
    );
    // 1. identification against nmap -sV
    const ours = [];
    for (let i = 1; i <= RUNS; i++) {
      const out = join(dir, `portscan-${i}.ndjson`);
      const t = portscanService('syn', HOSTS, idPorts, out);
      const names = portscanNames(out);
      const v = verify(HOSTS, idPorts, [...names.keys()].map((k) => `${k} open`).join('\n'));
      ours.push({ ...t, names, probed: countProbed(names), exact: v.exit === 0 });
      console.log(
        `  portscan -sV run ${i}: ${t.seconds.toFixed(2)} s, ${countProbed(names)} of ${names.size} open ports identified; verify ${v.exit === 0 ? 'ok' : 'FAILED'}`,
      );
    }
    const nmapOut = join(dir, 'nmap.xml');
    const nmapRun = nmapService(HOSTS, idPorts, nmapOut);
    const nmap = nmapNames(nmapOut);
    console.log(
      `  nmap -sV: ${nmapRun.seconds.toFixed(2)} s, ${countProbed(nmap)} of ${nmap.size} open ports identified`,
    );

    // 2. the scan itself, with and without -sV
    const scans: ScanRow[] = [];
    for (const mode of ['syn', 'connect'] as const)
      for (let i = 1; i <= RUNS; i++)
        for (const sv of [false, true]) {
          const opts = { targets: HOSTS, ports: scanPorts, mode, full: true, ...(sv ? { service: true } : {}) };
          const r = timedScan(opts, join(dir, `scan-${mode}-${sv}-${i}.ndjson`));
          const rate = r.timing.pairs / r.timing.scanSeconds;
          scans.push({ mode, sv, run: i, ...r.timing, rate, exact: r.verified.exit === 0, verdict: r.verified.report });
          console.log(
            `  ${mode} ${sv ? '-sV' : '   '} run ${i}: ${Math.round(rate)} pairs/s (${r.timing.scanSeconds.toFixed(2)} s to the last state, ${r.timing.totalSeconds.toFixed(2)} s in all), ${r.timing.probed} identified; verify ${r.verified.exit === 0 ? 'exact' : 'FAILED'}`,
          );
        }

    const loadAfter = load();
    const oursRate = median(ours.map((o) => o.probed / o.seconds));
    const nmapRate = countProbed(nmap) / nmapRun.seconds;
    const agree = agreement(ours[0]?.names ?? new Map(), nmap);
    const rows = (['syn', 'connect'] as const).map((mode) => {
      const rate = (sv: boolean): number =>
        median(scans.filter((s) => s.mode === mode && s.sv === sv).map((s) => s.rate));
      const exact = scans.filter((s) => s.mode === mode).every((s) => s.exact);
      return [
        mode,
        Math.round(rate(false)).toString(),
        Math.round(rate(true)).toString(),
        `${((rate(true) / rate(false)) * 100).toFixed(1)}%`,
        exact ? 'yes' : 'NO',
      ];
    });
    console.log(`\nIdentification, ${HOSTS} x ${idPorts} (${open.length} open ports, all answering):`);
    console.log(
      table(
        ['tool', 'seconds', 'identified', 'identified/s'],
        [
          [
            'portscan -sV (median)',
            median(ours.map((o) => o.seconds)).toFixed(2),
            String(ours[0]?.probed ?? 0),
            oursRate.toFixed(1),
          ],
          ['nmap -sV', nmapRun.seconds.toFixed(2), String(countProbed(nmap)), nmapRate.toFixed(1)],
        ],
        [1, 2, 3],
      ),
    );
    console.log(
      `  ratio ${(oursRate / nmapRate).toFixed(1)}x nmap (goal >= 10x); names agree on ${agree.same} of ${agree.both} open ports${agree.differ.length ? `; differ: ${agree.differ.join('; ')}` : ''}`,
    );
    console.log(`\nThe scan itself, ${HOSTS} x ${scanPorts}, pairs/s to the last final state (median of ${RUNS}):`);
    console.log(table(['mode', 'without -sV', 'with -sV', 'with/without', 'all exact'], rows, [1, 2, 3]));
    console.log(`\nload before ${loadBefore}, after ${loadAfter} (1, 5, 15 min)`);

    const resultsDir = join(repoRoot(), 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const json = {
      date: new Date().toISOString(),
      machine: machineInfo(),
      load: { before: loadBefore, after: loadAfter },
      testbedPrefix: TESTBED_PREFIX,
      hosts: HOSTS,
      identification: {
        ports: idPorts,
        open: open.length,
        portscan: ours.map(({ names: _names, ...o }) => o),
        nmap: { ...nmapRun, identified: countProbed(nmap), open: nmap.size },
        ratio: oursRate / nmapRate,
        agreement: agree,
      },
      scan: { ports: scanPorts, runs: scans },
    };
    writeFileSync(join(resultsDir, 'service.json'), `${JSON.stringify(json, null, 2)}\n`);
    console.log(`wrote bench/results/service.json`);
    if (agree.same !== agree.both || ours.some((o) => !o.exact) || scans.some((s) => !s.exact)) process.exitCode = 1;
  } finally {
    process.removeListener('SIGINT', stop);
    await services.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => fail(NAME, 1, (err as Error).message));
