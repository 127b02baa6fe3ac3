// SPDX-License-Identifier: MIT
// index.ts: `portscan bench`, the throughput benchmark a user runs on their own machine. It owns
// the order of things (check the options, root and the report's path, build the range, sweep,
// report), and the guarantees around them: the range is removed however the run ends (done,
// error, SIGINT, SIGTERM, a second Ctrl-C, process exit), the whole run stops starting new steps
// at its time limit, and exit codes follow the CLI's: 0 done, 1 failure, 2 usage or not root,
// 130 interrupted. The parts: options.ts (the options), range.ts (the sealed range), truth.ts
// (the pattern and scoring), sweep.ts (what is measured), peers/ (nmap, masscan, zmap), report.ts
// (the record; text.ts, html.ts and svg.ts render it).
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { EXIT, shownMessage } from '../cli/exit';

import { renderHtml } from './html';
import { parseBenchArgs, type BenchOptions } from './options';
import { findPeers } from './peers/scanners';
import { portscanScanner } from './portscan';
import { BenchRange, rangeUnavailable } from './range';
import { machineInfo, type BenchReport } from './report';
import { haveTime, killAll } from './run';
import { renderRateSvg } from './svg';
import { sweep } from './sweep';
import { renderJson, renderText } from './text';
import { describePattern } from './truth';
import { shapingRate, workload, type Scanner } from './workload';

export { BenchRange } from './range';

function say(line: string): void {
  process.stderr.write(`bench: ${shownMessage(line)}\n`);
}

function packageVersion(): string {
  for (const up of [
    ['..', '..', '..'],
    ['..', '..'],
  ]) {
    try {
      return (JSON.parse(readFileSync(join(__dirname, ...up, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // try the next
    }
  }
  return 'unknown';
}

/** Why the bench cannot start (printed), or null: not root, a tool missing, the report not writable. */
function cannotStart(o: BenchOptions): string | null {
  const why = rangeUnavailable();
  if (why) return `portscan bench: ${why}`;
  if (o.reportPath) {
    // Find out now, not after minutes of scanning, that the page cannot be written.
    try {
      accessSync(existsSync(o.reportPath) ? o.reportPath : dirname(resolve(o.reportPath)), constants.W_OK);
    } catch {
      return `portscan bench: cannot write the report '${o.reportPath}'`;
    }
  }
  return null;
}

/** portscan in each mode asked for, and the peers installed when asked for; notes on what is not run. */
function scannersOf(o: BenchOptions): { scanners: Scanner[]; notes: string[] } {
  const version = packageVersion();
  const scanners: Scanner[] = o.modes.map((m) => portscanScanner(m, `portscan ${version}`));
  const notes: string[] = [];
  if (o.peers) {
    const peers = findPeers();
    scanners.push(...peers.scanners.filter((s) => o.modes.includes(s.mode)));
    for (const m of peers.missing) notes.push(`peer not run: ${m}`);
  }
  if (!haveTime())
    notes.push('CPU time not measured: /usr/bin/time (GNU time) is not installed (apt-get install time)');
  return { scanners, notes };
}

/**
 * Holds the range while the bench runs: the first SIGINT or SIGTERM aborts `stop` (the current
 * scan stops, the range is removed), a second quits at once; at process exit the range goes too.
 */
function guard(range: BenchRange): { stop: AbortController; release: () => void } {
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      say(`${sig}: stopping the current scan and removing the range (again to quit at once)`);
      stop.abort();
    } else {
      killAll();
      range.down();
      process.exit(EXIT.interrupted);
    }
  };
  const onExit = (): void => {
    killAll();
    range.down();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);
  const release = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
  };
  return { stop, release };
}

/** The workloads, as the report lists them. */
function workloadsOf(o: BenchOptions): BenchReport['workloads'] {
  return o.modes.map((m) => {
    const w = workload(m);
    const { open, closed, filtered } = w.want.counts;
    return { mode: m, hosts: w.hosts, ports: w.ports, probes: w.want.probes, open, closed, filtered };
  });
}

/** Builds the range, sweeps, and returns the report (undefined when interrupted). */
async function measure(
  o: BenchOptions,
  range: BenchRange,
  dir: string,
  stop: AbortSignal,
  t0: number,
): Promise<BenchReport | undefined> {
  const date = new Date().toISOString();
  const machine = machineInfo();
  const { scanners, notes } = scannersOf(o);
  say(`building the range ${range.scanNs} <-> ${range.tgtNs} (198.18.0.0/16)`);
  await range.up();
  say(
    `range up: ${range.scanNs} (scanner, routes only to 198.18.0.0/16) <-> ${range.tgtNs} ` +
      `(target, ${describePattern()[1]})`,
  );
  const { rates, losses, delayMs } = o;
  const deadline = t0 + o.limitS * 1000;
  const out = await sweep(scanners, { dir, range }, { rates, losses, delayMs, deadline, abort: stop, log: say });
  if (stop.aborted) return undefined;
  if (losses.length)
    notes.push(
      `loss phase at ${o.modes.map((m) => `${m} ${shapingRate(rates[m])}/s`).join(', ')}; ` +
        'loss is an nftables random drop in the target namespace, applied to packets in both directions',
    );
  if (out.steps.some((s) => s.skipped))
    notes.push(`some steps were skipped: the bench's time limit (--time-limit ${o.limitS}) was reached`);
  const report: BenchReport = {
    date,
    durationS: (performance.now() - t0) / 1000,
    machine,
    scanners: scanners.map((s) => ({ name: s.name, mode: s.mode, version: s.version, retries: s.retries })),
    workloads: workloadsOf(o),
    pattern: describePattern(),
    rangeCommands: range.commands,
    scanNamespace: range.scanNs,
    steps: out.steps,
    unavailable: out.unavailable,
    notes,
  };
  return report;
}

/** Prints the report (and writes the page); the exit code. */
function deliver(o: BenchOptions, report: BenchReport): number {
  const text = renderText(report);
  if (o.json) {
    process.stdout.write(renderJson(report));
    process.stderr.write(`${text}\n`);
  } else process.stdout.write(`${text}\n`);
  if (o.reportPath) {
    const svg = o.reportPath.toLowerCase().endsWith('.svg');
    try {
      writeFileSync(o.reportPath, svg ? `${renderRateSvg(report.steps)}\n` : renderHtml(report));
      say(`report written: ${o.reportPath}`);
    } catch (err) {
      say(`cannot write the report '${o.reportPath}': ${(err as Error).message}`);
      return EXIT.failure;
    }
  }
  // Peers may fail (that is their result); portscan failing to run is this command failing.
  const failed = report.steps.filter((s) => s.scanner === 'portscan' && !s.skipped && s.error);
  for (const s of failed) say(`portscan ${s.mode} at ${s.rate}/s failed: ${s.error ?? ''}`);
  return failed.length > 0 ? EXIT.failure : EXIT.ok;
}

/** Runs `portscan bench ARGV...`; resolves to the exit code. */
export async function benchMain(argv: string[]): Promise<number> {
  const o = await parseBenchArgs(argv);
  if (o === 'help') return EXIT.ok;
  if (o === null) return EXIT.usage;
  const why = cannotStart(o);
  if (why) {
    process.stderr.write(`${shownMessage(why)}\n`);
    return EXIT.usage;
  }
  const t0 = performance.now();
  let range: BenchRange;
  try {
    range = new BenchRange({ prefix: o.prefix });
  } catch (err) {
    process.stderr.write(`portscan ${shownMessage((err as Error).message)}\n`);
    return EXIT.usage;
  }
  const { stop, release } = guard(range);
  const dir = mkdtempSync(join(tmpdir(), 'portscan-bench-'));
  let report: BenchReport | undefined;
  try {
    report = await measure(o, range, dir, stop.signal, t0);
    if (!report) return EXIT.interrupted;
  } catch (err) {
    say(`failed: ${(err as Error).message}`);
    return stop.signal.aborted ? EXIT.interrupted : EXIT.failure;
  } finally {
    range.down();
    say(`range removed (${range.scanNs}, ${range.tgtNs})`);
    release();
    rmSync(dir, { recursive: true, force: true });
  }
  return deliver(o, report);
}
