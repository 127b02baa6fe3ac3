// SPDX-License-Identifier: MIT
// portscan.ts: bench:syn's portscan runs. On a workload, at one rate: -v (its send phase is its
// own send rate, its engine line the packets sent), NDJSON out, scored with `testbed verify`, its
// CPU measured by GNU time (proc.ts). And every port of one host,
// ONE_HOST_RUNS times, with defaults otherwise (the adaptive wait after the last try): with --full
// checked with --strict-closed, else (open ports only) with verify's default; no -q, its summary
// line is wanted.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from '../lib/harness';
import { shownRun, verify } from '../lib/testbed';
import { capped, overBudget } from './budget';
import { median } from './nmap-one-host';
import { runCpu } from './cpu';
import { runInTestbed, type Proc } from './proc';
import { verifyWorkload } from './score';
import { emptyRun, ONE_HOST, type Run } from './workload';
import { sendEstimateS, type Job } from './workloads';

/** Runs of the one-host workload: the machine is shared, so one run says little. */
const ONE_HOST_RUNS = 5;

const portscanArgv = (args: string[]): string[] => [process.execPath, join(repoRoot(), 'bin', 'portscan.js'), ...args];

/** The last lines of a failed run's stderr, joined. */
const lastLines = (p: Proc, n: number): string => p.stderr.trim().split('\n').slice(-n).join(' | ');

/** What -v says: the send phase (first tries over its time: the send rate) and the packets sent. */
function readVerbose(run: Run, stderr: string): void {
  // -v's send phase: the first tries of every probe, from the first to the last (retries sent in
  // that time go out too; the wait at the end does not count), as masscan's printed rate does.
  const phase = /the first tries of (\d+) probes went out in ([\d.]+) s/.exec(stderr);
  if (phase && Number(phase[2]) > 0) {
    run.sendSeconds = Number(phase[2]);
    run.ownPps = Number(phase[1]) / Number(phase[2]);
  }
  const engine = /syn engine: (\d+) probes sent/.exec(stderr);
  if (engine) run.sent = Number(engine[1]);
}

export async function runPortscan(job: Job, rate: number): Promise<Run> {
  const { w, dir } = job;
  const out = join(dir, `portscan-${w.name}-${rate}.ndjson`);
  const argv = portscanArgv(['-v', '--mode', 'syn', '--rate', String(rate), ...w.portscanFlags, '-p', w.ports]);
  argv.push('-f', 'ndjson', '-o', out, w.hosts);
  const run = emptyRun('portscan', w.name, rate, shownRun(argv).replace(out, 'OUT'));
  const expectMs = (sendEstimateS(w, rate) + 8) * 1000;
  run.skipped = overBudget(expectMs);
  if (run.skipped) return run;
  const p = await runInTestbed(argv, { timeoutMs: capped(expectMs * 3 + 30_000), stderrPath: `${out}.stderr` });
  run.seconds = p.seconds;
  run.details = { exitCode: p.code, signal: p.signal, timedOut: p.timedOut, stderr: p.stderr.trim().slice(-2000) };
  readVerbose(run, p.stderr);
  run.cpu = runCpu([p], { probes: w.probes, answered: job.answered, sent: run.sent });
  if (p.timedOut || p.code !== 0 || !existsSync(out)) {
    run.error = p.timedOut ? 'timed out' : `exit ${p.code ?? p.signal}: ${lastLines(p, 3)}`;
    if (!existsSync(out)) return run;
  }
  const text = readFileSync(out, 'utf8');
  run.details.records = text.split('\n').filter((l) => l.trim() !== '').length;
  verifyWorkload(run, w, text);
  run.ok = run.error === undefined && run.verifyExit === 0;
  return run;
}

/** One run of the one-host workload: its own figures from the summary line, and verify's verdict. */
async function oneHostRun(argv: string[], out: string, full: boolean): Promise<Record<string, unknown>> {
  const p = await runInTestbed(argv, { timeoutMs: capped(90_000), stderrPath: `${out}.stderr` });
  const summary = /(\d+) open of (\d+) probed \((\d+) planned\) in ([\d.]+) s/.exec(p.stderr);
  const run: Record<string, unknown> = {
    wallSeconds: p.seconds,
    elapsedSeconds: p.elapsedS,
    cpuSeconds: p.cpuS,
    exitCode: p.code,
    timedOut: p.timedOut,
    stderr: p.stderr.trim().slice(-2000),
    ownSeconds: summary ? Number(summary[4]) : null,
    open: summary ? Number(summary[1]) : null,
    probed: summary ? Number(summary[2]) : null,
  };
  if (existsSync(out)) {
    const v = verify(ONE_HOST, '1-65535', readFileSync(out, 'utf8'), full ? ['--strict-closed'] : []);
    Object.assign(run, { verify: v.report ?? v.text, verifyExit: v.exit, verifyExamples: v.examples });
  }
  run.ok = p.code === 0 && !p.timedOut && run.verifyExit === 0;
  return run;
}

/** The one-host runs summed up: medians and range of its own time, the last run's counts. */
function oneHostSummary(runs: Record<string, unknown>[]): Record<string, unknown> {
  const own = runs
    .map((r) => r.ownSeconds)
    .filter((x): x is number => typeof x === 'number')
    .sort((a, b) => a - b);
  const wall = runs.map((r) => r.wallSeconds as number).sort((a, b) => a - b);
  const last = runs[runs.length - 1] as Record<string, unknown>;
  return {
    runs,
    exact: runs.filter((r) => r.ok).length,
    ownSeconds: own.length ? own[Math.floor(own.length / 2)] : null,
    ownMin: own[0] ?? null,
    ownMax: own[own.length - 1] ?? null,
    wallSeconds: wall[Math.floor(wall.length / 2)],
    elapsedSeconds: median(runs.map((r) => r.elapsedSeconds as number | null)),
    open: last.open,
    probed: last.probed,
    verify: last.verify,
    ok: runs.every((r) => r.ok),
  };
}

/** Every port of one host, ONE_HOST_RUNS times (with --full when `full`). */
export async function runOneHost(dir: string, full: boolean): Promise<Record<string, unknown>> {
  const out = join(dir, `portscan-one-host${full ? '-full' : ''}.ndjson`);
  const argv = portscanArgv(['--mode', 'syn', '--rate', '0', '-p-', ...(full ? ['--full'] : [])]);
  argv.push('-v', '-f', 'ndjson', '-o', out, ONE_HOST);
  const result: Record<string, unknown> = { command: shownRun(argv).replace(out, 'OUT') };
  const runs: Record<string, unknown>[] = [];
  for (let k = 0; k < ONE_HOST_RUNS; k++) {
    const skipped = overBudget(15_000);
    if (skipped) {
      if (runs.length === 0) return { ...result, skipped };
      break;
    }
    runs.push(await oneHostRun(argv, out, full));
  }
  return { ...result, ...oneHostSummary(runs) };
}
