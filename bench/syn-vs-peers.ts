// SPDX-License-Identifier: MIT
// syn-vs-peers.ts: portscan's Stealth (SYN) mode against masscan and zmap on one workload,
// 198.18.0.0/16 x ports 22,80,443,8080,31337 (65,536 hosts x 5 ports = 327,680 probes), every
// command run inside the testbed's scanner namespace, which can reach the testbed ranges and
// nothing else. Each tool runs at a small sweep of requested rates; every run is timed from
// process start to exit (wall clock) and scored with `testbed verify`: open ports found, missed
// and falsely reported, and recall. Then portscan alone on every port of one host (198.18.0.1,
// -p-), 5 runs with open ports listed (checked with `testbed verify`) and 5 with --full (checked
// with `testbed verify --strict-closed`). Prints a table and a summary, and writes
// bench/results/syn-vs-peers.json. Needs root and the testbed up:
//
//   TESTBED_PREFIX=psyn ../shared/testbed/testbed up && TESTBED_PREFIX=psyn npm run bench:syn
//
// The parts, in bench/syn/: workload.ts (what is measured, the record of a run), budget.ts (the
// time budget), proc.ts (running a command), portscan.ts, masscan.ts and zmap.ts (running each
// tool), score.ts and compare.ts (scoring), setup.ts, print.ts and results.ts (what is checked,
// printed and written). The peers' command lines and output readers are the shared peers module's
// (lib/bench/peers/), which `portscan bench --peers` uses too.
//
// probes/s is given two ways. "probes/wall" is 327,680 / wall seconds, the same for every tool
// (it includes process start, `testbed run`, and each tool's wait for late replies: portscan's
// --wait, masscan's --wait 2, zmap's -c 2, and for zmap five processes, one per port, because
// zmap 2.x scans one port per run). "own pps" is the send rate the tool itself prints: the mean
// of masscan's "rate: N-kpps" status lines before 100%, zmap's "send: N done (R p/s avg)"
// (combined over its five runs: probes sent / sum of per-run send times), and portscan's -v send
// phase (its first tries over the time from the first to the last). "send s": masscan, spawn to
// the status line's 100% (its start-up included); zmap, the sum of sent / own average rate over
// its five runs; portscan, its send phase. portscan also re-probes silent ports (default
// --retries 2), so it sends more packets than the 327,680 counted; masscan and zmap send each
// probe once.
//
// masscan 1.3.2 does not exit by itself after its --wait (lib/bench/peers/masscan.ts says why):
// once its status line shows the wait is over, this script makes one packet arrive, a single TCP
// connect to 198.18.0.1:22 from inside the testbed (repeated up to 5 times, 1 s apart); masscan
// then exits within a few hundred milliseconds. If it still has not exited, it gets SIGINT twice,
// 1 s apart, then SIGKILL at its timeout. How each run ended is recorded (details.endedBy).
//
// The tools take turns rate by rate, so that a change in the machine's load falls on all three;
// the load average before and after is printed and saved.
//
// Environment: TESTBED (path of the testbed command), TESTBED_PREFIX (which testbed; passed on
// to it), BENCH_PORTSCAN_RATES, BENCH_MASSCAN_RATES, BENCH_ZMAP_RATES (comma-separated sweeps;
// 0 = unlimited, portscan only). Exits 2 when it cannot run (not root, testbed down, a tool
// missing), 1 when a portscan run failed or its results did not pass `testbed verify`, else 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { testbedIdentity } from './lib/testbed';
import { elapsedMs } from './syn/budget';
import { compare, comparisonRecord, PEERS } from './syn/compare';
import { runMasscan } from './syn/masscan';
import { runOneHost, runPortscan } from './syn/portscan';
import { comparisonLine, failureLines, oneHostLine, runLine, runsTable, type OneHost } from './syn/print';
import { writeResults, type Outcome } from './syn/results';
import { loads, NAME, printHeader, setUp, type Setup } from './syn/setup';
import { emptyRun, sweepRates, TOOLS, type Run } from './syn/workload';
import { gatewayMac, runZmap, type GatewayMac } from './syn/zmap';

/**
 * The sweeps. The tools take turns (portscan's first rate, masscan's first, zmap's first, then
 * the second of each, ...), so that a change in the machine's load during the bench falls on all
 * three. zmap's gateway MAC is looked up when first needed: by then portscan has resolved it.
 * Returns the runs, in the tools' order.
 */
async function sweeps(dir: string): Promise<{ runs: Run[]; gateway: GatewayMac | null | undefined }> {
  const rates = sweepRates();
  const runs: Run[] = [];
  const report = (run: Run): void => {
    runs.push(run);
    console.log(runLine(run));
  };
  let gw: GatewayMac | null | undefined;
  for (let i = 0; i < Math.max(...TOOLS.map((t) => rates[t].length)); i++) {
    const [p, m, z] = TOOLS.map((t) => rates[t][i]);
    if (p !== undefined) report(await runPortscan(dir, p));
    if (m !== undefined) report(await runMasscan(dir, m));
    if (z === undefined) continue;
    if (gw === undefined) {
      gw = gatewayMac();
      if (!gw)
        console.log('  zmap: cannot find the gateway MAC (no neighbour entry, no EUI-64 link-local); zmap skipped');
    }
    if (gw) report(await runZmap(dir, z, gw.mac));
    else report({ ...emptyRun('zmap', z, 'zmap'), skipped: 'skipped: no gateway MAC' });
  }
  runs.sort((a, b) => TOOLS.indexOf(a.tool) - TOOLS.indexOf(b.tool));
  return { runs, gateway: gw };
}

/** Everything measured: the sweeps, then the one-host runs. */
async function measure(dir: string): Promise<Outcome> {
  const { runs, gateway } = await sweeps(dir);
  const oneHost = await runOneHost(dir, false);
  const oneHostFull = await runOneHost(dir, true);
  const summary = Object.fromEntries(PEERS.map((peer) => [peer, comparisonRecord(compare(runs, peer))]));
  return { runs, summary, oneHost, oneHostFull, gateway, identityAfter: testbedIdentity(), loadAfter: loadavg() };
}

/** Prints the table, the comparisons, the one-host lines and portscan's failures; returns the failures. */
function printOutcome(s: Setup, o: Outcome): Run[] {
  console.log(runsTable(o.runs));
  console.log('');
  for (const peer of PEERS) console.log(comparisonLine(compare(o.runs, peer)));
  console.log(oneHostLine(false, o.oneHost as OneHost));
  console.log(oneHostLine(true, o.oneHostFull as OneHost));
  const failures = o.runs.filter((r) => r.tool === 'portscan' && !r.skipped && !r.ok);
  for (const r of failures) for (const line of failureLines(r)) console.log(line);
  console.log(
    `  testbed run overhead (\`testbed run true\`, median of 3): ${s.overheadS.toFixed(3)} s, ` +
      'in every wall time (zmap: 5 times)',
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
  const o = await measure(dir);
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
