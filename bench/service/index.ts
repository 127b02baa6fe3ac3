// SPDX-License-Identifier: MIT
// index.ts (bench:service): service identification at scan speed, against nmap -sV, on a testbed
// /24 whose open ports all answer as real services (setup.ts). In one run:
//   1. identification: portscan -sV and nmap -sV on the /24 x the model's listener ports, each
//      timed whole; identified ports per second (open ports an answer named), the ratio, and
//      whether the two name every open port alike;
//   2. the scan itself with and without -sV (the /24 x 1-1024 and the listener ports, both modes,
//      through the library, timed from the inside: scan-timing.ts): its own rate (pairs per second
//      to the last final state) and its exactness (`testbed verify --strict-closed`).
// Prints the machine's load before and after and the verdict (report.ts), and writes
// bench/results/service.json; exits 1 when a name differs or a scan was not exact. Needs root,
// nmap and a testbed of one's own (it adds an nftables table to the target namespace meanwhile):
//
//   TESTBED_PREFIX=sv2 ../shared/testbed/testbed up && TESTBED_PREFIX=sv2 npm run bench:service
//
// Environment: TESTBED, TESTBED_PREFIX, BENCH_HOSTS (default 198.18.0.0/24), BENCH_RUNS (runs of
// each scan, default 2; nmap -sV runs once: it takes minutes), BENCH_FIXED_RATE (the fixed-rate
// case's --rate, default 20000).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { exec, fail } from '../lib/commands';
import { describeMachine, machineInfo } from '../lib/harness';
import { requireTestbed, TESTBED, TESTBED_PREFIX, verify } from '../lib/testbed';
import { countProbed, type IdRun, report, type ScanRow } from './report';
import { NAME, nmapNames, nmapService, portscanNames, portscanService, timedScan } from './runs';
import { startBenchServices } from './setup';

const HOSTS = process.env.BENCH_HOSTS ?? '198.18.0.0/24';
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS) || 2);

const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** The open (ip, port) pairs, from a scan `testbed verify` finds exact. */
function openPairs(dir: string, ports: string): [string, number][] {
  const out = join(dir, 'found.ndjson');
  const found = timedScan({ targets: HOSTS, ports, mode: 'syn', full: true }, out);
  if (found.verified.exit !== 0) fail(NAME, 1, `the first scan is not exact: ${found.verified.text}`);
  return [...portscanNames(out).keys()].map((k) => {
    const [ip, port] = k.split(' ');
    return [ip as string, Number(port)];
  });
}

/** portscan -sV on the open ports, RUNS times, each checked by `testbed verify`. */
function identifyRuns(dir: string, ports: string): IdRun[] {
  const runs: IdRun[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const out = join(dir, `portscan-${i}.ndjson`);
    const t = portscanService('syn', HOSTS, ports, out);
    const names = portscanNames(out);
    const v = verify(HOSTS, ports, [...names.keys()].map((k) => `${k} open`).join('\n'));
    runs.push({ ...t, names, probed: countProbed(names), exact: v.exit === 0 });
    const what = `${countProbed(names)} of ${names.size} open ports identified`;
    console.log(
      `  portscan -sV run ${i}: ${t.seconds.toFixed(2)} s, ${what}; verify ${v.exit === 0 ? 'ok' : 'FAILED'}`,
    );
  }
  return runs;
}

/**
 * The scan's rate cases: unlimited (--rate 0) in both modes, where -sV may only slow the scan by
 * the CPU and the link it shares; and SYN at a fixed --rate the machine reaches either way,
 * where each identification connection takes one probe's place by design (Scanner.debit), so
 * -sV slows the probes by the share of identification connections.
 */
const RATE_CASES = [
  { mode: 'syn', ratePps: 0 },
  { mode: 'connect', ratePps: 0 },
  { mode: 'syn', ratePps: Number(process.env.BENCH_FIXED_RATE) || 20000 },
] as const;

/** The scan itself in each rate case, without and with -sV, alternating, RUNS times each. */
function scanRuns(dir: string, ports: string): ScanRow[] {
  const rows: ScanRow[] = [];
  for (const { mode, ratePps } of RATE_CASES)
    for (let run = 1; run <= RUNS; run++)
      for (const sv of [false, true]) {
        const opts = { targets: HOSTS, ports, mode, ratePps, full: true, ...(sv ? { service: true } : {}) };
        const r = timedScan(opts, join(dir, `scan-${mode}-${ratePps}-${sv}-${run}.ndjson`));
        const rate = r.timing.pairs / r.timing.scanSeconds;
        const exact = r.verified.exit === 0;
        rows.push({ mode, ratePps, sv, run, ...r.timing, rate, exact, verdict: r.verified.report });
        const { scanSeconds, totalSeconds } = r.timing;
        const times = `${scanSeconds.toFixed(2)} s to the last state, ${totalSeconds.toFixed(2)} s in all`;
        const what = `${Math.round(rate)} pairs/s (${times}), ${r.timing.probed} identified`;
        console.log(
          `  ${mode} --rate ${ratePps} ${sv ? '-sV' : '   '} run ${run}: ${what}; verify ${exact ? 'exact' : 'FAILED'}`,
        );
      }
  return rows;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) fail(NAME, 2, 'needs root (the testbed)');
  if (exec('nmap', ['--version']).status !== 0) fail(NAME, 2, 'needs nmap (apt-get install nmap)');
  requireTestbed(NAME);
  const model = JSON.parse(exec(TESTBED, ['model']).stdout) as { ports: number[] };
  const idPorts = model.ports.join(',');
  const scanPorts = ['1-1024', ...model.ports.filter((p) => p > 1024)].join(',');
  const dir = mkdtempSync(join(tmpdir(), 'portscan-bench-sv-'));
  const before = load();
  console.log(`${NAME}: ${describeMachine(machineInfo())}; load ${before}; testbed ${TESTBED_PREFIX}`);
  const open = openPairs(dir, idPorts);
  const services = await startBenchServices(TESTBED_PREFIX, model.ports, open);
  const interrupted = (): void => void services.stop().then(() => process.exit(130));
  process.once('SIGINT', interrupted);
  try {
    const roles = [...services.roles].map(([p, s]) => `${p} ${s}`).join(', ');
    console.log(`  ${open.length} open ports on ${HOSTS} x ${idPorts}, answering as: ${roles}`);
    const ours = identifyRuns(dir, idPorts);
    const nmapOut = join(dir, 'nmap.xml');
    const nmap = { ...nmapService(HOSTS, idPorts, nmapOut), names: nmapNames(nmapOut) };
    const what = `${countProbed(nmap.names)} of ${nmap.names.size} open ports identified`;
    console.log(`  nmap -sV: ${nmap.seconds.toFixed(2)} s, ${what}`);
    const scans = scanRuns(dir, scanPorts);
    const after = load();
    const r = { prefix: TESTBED_PREFIX, hosts: HOSTS, idPorts, scanPorts, open: open.length, ours, nmap, scans };
    if (!report({ ...r, load: { before, after } })) process.exitCode = 1;
  } finally {
    process.removeListener('SIGINT', interrupted);
    await services.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => fail(NAME, 1, (err as Error).message));
