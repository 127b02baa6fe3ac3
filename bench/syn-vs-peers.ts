// SPDX-License-Identifier: MIT
// syn-vs-peers.ts: portscan's Stealth (SYN) mode against masscan and zmap on the workloads of
// bench/syn/workloads.ts (BENCH_WORKLOADS picks some; default all): the five-port sweep
// (198.18.0.0/16 x 22,80,443,8080,31337 = 327,680 probes, each tool over a sweep of rates), all
// silent with 1 M and 10 M probes (each tool as fast as it goes: its send rate), 95% silent
// (default retries: wall and recall) and mostly closed (at 400 kpps); every command run inside
// the testbed's scanner namespace, which can reach the testbed ranges and nothing else. Every run
// is timed from process start to exit (wall clock), its CPU measured (user + system of the tool's
// processes, GNU time) and scored with `testbed verify`: open ports found, missed and falsely
// reported, and recall. Then portscan alone on every port of one host (198.18.0.1, -p-), 5 runs
// with open ports listed (checked with `testbed verify`) and 5 with --full (checked with
// `testbed verify --strict-closed`), and nmap -sS -T4 -p- on the same host, 3 runs (the ratio);
// then the rate-hold runs (bench/syn/rate-hold.ts: --rate 100k, 200k, 400k on an all-silent and
// an all-answered plan, SYNs per second counted at the target). Prints per workload a table and
// the ratios portscan/peer (send rate, wall, CPU per probe), and writes
// bench/results/syn-vs-peers.json. Needs root and the testbed up (variant 0):
//
//   TESTBED_PREFIX=psyn ../shared/testbed/testbed up && TESTBED_PREFIX=psyn npm run bench:syn
//   BENCH_WORKLOADS=silent-1m,mostly-silent TESTBED_PREFIX=psyn npm run bench:syn
//
// The parts, in bench/syn/: workloads.ts (the workloads, which are measured), workload.ts (the
// record of a run), budget.ts (the time budget), proc.ts (running a command, under GNU time),
// cpu.ts (CPU per probe), portscan.ts, masscan.ts and zmap.ts (running each tool), score.ts and
// compare.ts (scoring, ratios), setup.ts, print.ts and results.ts (what is checked, printed and
// written). The peers' command lines and output readers are the shared peers module's
// (lib/bench/peers/), which `portscan bench --peers` uses too.
//
// probes/s is given two ways. "probes/wall" is the workload's probes / wall seconds, the same for
// every tool (it includes process start, `testbed run`, and each tool's wait for late replies:
// portscan's --wait, masscan's --wait 2, zmap's -c 2, and for zmap one process per port, because
// zmap 2.x scans one port per run). "send pps" is the send rate the tool itself prints: the mean
// of masscan's "rate: N-kpps" status lines before 100%, zmap's "send: N done (R p/s avg)"
// (combined over its runs: probes sent / sum of per-run send times), and portscan's -v send
// phase (its first tries over the time from the first to the last). "send s": masscan, spawn to
// the status line's 100% (its start-up included); zmap, the sum of sent / own average rate over
// its runs; portscan, its send phase. portscan also re-probes silent ports (default --retries 2),
// so it may send more packets ("sent") than the workload's probes; masscan and zmap send each
// probe once.
//
// masscan 1.3.2 does not exit by itself after its --wait (lib/bench/peers/masscan.ts says why):
// once its status line shows the wait is over, this script makes one packet arrive, a single TCP
// connect to 198.18.0.1:22 from inside the testbed (repeated up to 5 times, 1 s apart); masscan
// then exits within a few hundred milliseconds. If it still has not exited, it gets SIGINT twice,
// 1 s apart, then SIGKILL at its timeout. How each run ended is recorded (details.endedBy).
//
// The tools take turns rate by rate, so that a change in the machine's load falls on all three;
// the load average before and after each workload and the whole bench is printed and saved.
//
// Environment: TESTBED (path of the testbed command), TESTBED_PREFIX (which testbed; passed on
// to it), BENCH_WORKLOADS (five-ports, silent-1m, silent-10m, mostly-silent, mostly-closed,
// one-host, rate-hold), BENCH_PORTSCAN_RATES, BENCH_MASSCAN_RATES, BENCH_ZMAP_RATES (the five-port sweeps,
// comma-separated; 0 = unlimited, portscan only). Exits 2 when it cannot run (not root, testbed down, a tool
// missing), 1 when a portscan run failed or its results did not pass `testbed verify`, else 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { testbedIdentity } from './lib/testbed';
import { elapsedMs } from './syn/budget';
import { compare, comparisonRecord, PEERS } from './syn/compare';
import { runMasscan } from './syn/masscan';
import { nmapOneHostLines, runNmapOneHost, type NmapOneHost } from './syn/nmap-one-host';
import { runOneHost, runPortscan } from './syn/portscan';
import { comparisonLine, failureLines, oneHostLine, ratiosLine, runLine, runsTable, type OneHost } from './syn/print';
import { rateHoldLine, runRateHold } from './syn/rate-hold';
import { writeResults, type Outcome } from './syn/results';
import { loads, NAME, printHeader, setUp, type Setup } from './syn/setup';
import { emptyRun, TOOLS, type Run } from './syn/workload';
import type { Job, Workload } from './syn/workloads';
import { gatewayMac, runZmap, type GatewayMac } from './syn/zmap';

/** zmap's gateway MAC, looked up when first needed (by then portscan has resolved it); null: not found. */
let gateway: GatewayMac | null | undefined;

function zmapGateway(): GatewayMac | null {
  if (gateway === undefined) {
    gateway = gatewayMac();
    if (!gateway)
      console.log('  zmap: cannot find the gateway MAC (no neighbour entry, no EUI-64 link-local); zmap skipped');
  }
  return gateway;
}

/**
 * One workload's runs. The tools take turns (portscan's first rate, masscan's first, zmap's
 * first, then the second of each, ...), so that a change in the machine's load during the bench
 * falls on all three. Returns the runs, in the tools' order.
 */
async function sweeps(job: Job): Promise<Run[]> {
  const { rates, name } = job.w;
  const runs: Run[] = [];
  const report = (run: Run): void => {
    runs.push(run);
    console.log(runLine(run));
  };
  for (let i = 0; i < Math.max(...TOOLS.map((t) => rates[t].length)); i++) {
    const [p, m, z] = TOOLS.map((t) => rates[t][i]);
    if (p !== undefined) report(await runPortscan(job, p));
    if (m !== undefined) report(await runMasscan(job, m));
    if (z === undefined) continue;
    const gw = zmapGateway();
    if (gw) report(await runZmap(job, z, gw.mac));
    else report({ ...emptyRun('zmap', name, z, 'zmap'), skipped: 'skipped: no gateway MAC' });
  }
  runs.sort((a, b) => TOOLS.indexOf(a.tool) - TOOLS.indexOf(b.tool));
  return runs;
}

/** Prints a workload's table and its ratios to each peer (and for a sweep, the full comparison). */
function printWorkload(w: Workload, runs: Run[], load: { before: number[]; after: number[] }): void {
  console.log(`\n${w.name}: ${w.title}, ${w.hosts} x ${w.ports} (${w.probes} probes)`);
  console.log(runsTable(runs));
  for (const peer of PEERS.filter((p) => w.rates[p].length > 0)) {
    const c = compare(runs, w.name, peer);
    console.log(ratiosLine(c));
    if (Object.values(w.rates).some((r) => r.length > 1)) console.log(comparisonLine(c));
  }
  console.log(`  load average before ${loads(load.before)}, after ${loads(load.after)}`);
}

/** Everything measured: each workload's runs, then the one-host runs. */
async function measure(s: Setup, dir: string): Promise<Outcome> {
  const runs: Run[] = [];
  const workloadLoads: Record<string, { before: number[]; after: number[] }> = {};
  for (const w of s.workloads) {
    const t = s.truth[w.name];
    const before = loadavg();
    console.log(`\n${w.name}:`);
    const mine = await sweeps({ w, answered: t ? t.open + t.closed : null, dir });
    workloadLoads[w.name] = { before, after: loadavg() };
    printWorkload(w, mine, workloadLoads[w.name] as { before: number[]; after: number[] });
    runs.push(...mine);
  }
  const skipped = { skipped: 'not asked for (BENCH_WORKLOADS)' };
  const oneHost = s.oneHost ? await runOneHost(dir, false) : skipped;
  const oneHostFull = s.oneHost ? await runOneHost(dir, true) : skipped;
  const nmapOneHost = s.oneHost ? await runNmapOneHost(dir) : skipped;
  const rateHold = s.rateHold ? await runRateHold(dir) : [];
  const summary = s.workloads.flatMap((w) => PEERS.map((peer) => comparisonRecord(compare(runs, w.name, peer))));
  return {
    runs,
    summary,
    workloadLoads,
    oneHost,
    oneHostFull,
    nmapOneHost,
    rateHold,
    gateway,
    identityAfter: testbedIdentity(),
    loadAfter: loadavg(),
  };
}

/** Prints the one-host lines and portscan's failures; returns the failures. */
function printOutcome(s: Setup, o: Outcome): Run[] {
  console.log('');
  if (s.oneHost) {
    console.log(oneHostLine(false, o.oneHost as OneHost));
    console.log(oneHostLine(true, o.oneHostFull as OneHost));
    for (const line of nmapOneHostLines(o.nmapOneHost as NmapOneHost, o.oneHostFull as OneHost)) console.log(line);
  }
  for (const r of o.rateHold) console.log(rateHoldLine(r));
  const failures = o.runs.filter((r) => r.tool === 'portscan' && !r.skipped && !r.ok);
  for (const r of failures) for (const line of failureLines(r)) console.log(line);
  console.log(
    `  testbed run overhead (\`testbed run true\`, median of 3): ${s.overheadS.toFixed(3)} s, ` +
      'in every wall time (zmap: once per port)',
  );
  console.log(
    `  load average before ${loads(s.loadBefore)}, after ${loads(o.loadAfter)}; ` +
      `bench took ${(elapsedMs() / 1000).toFixed(1)} s`,
  );
  if (o.identityAfter !== s.identityBefore)
    console.log('  WARNING: the testbed was rebuilt or went down during the bench; results are suspect');
  return failures;
}

async function main(): Promise<number> {
  const s = setUp();
  printHeader(s);
  const dir = mkdtempSync(join(tmpdir(), 'portscan-syn-vs-peers-'));
  const o = await measure(s, dir);
  const failures = printOutcome(s, o);
  console.log(`\n  written: ${writeResults(s, o)}`);
  const oh = o.oneHost as OneHost;
  const ok = failures.length === 0 && (oh.skipped !== undefined || oh.ok === true);
  if (ok) rmSync(dir, { recursive: true, force: true });
  else console.error(`${NAME}: a portscan run failed or did not verify; outputs kept in ${dir}`);
  return ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
