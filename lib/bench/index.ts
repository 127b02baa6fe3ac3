// SPDX-License-Identifier: MIT
// index.ts: `portscan bench`, the throughput benchmark a user runs on their own machine. It owns
// the subcommand's options, the order of things (check root, build the range, sweep, report),
// and the guarantees around them: the range is removed however the run ends (done, error,
// SIGINT, SIGTERM, a second Ctrl-C, process exit), the whole run stops starting new steps at its
// time limit, and exit codes follow the CLI's: 0 done, 1 failure, 2 usage or not root,
// 130 interrupted. The parts: range.ts (the sealed range), truth.ts (the pattern and scoring),
// sweep.ts (what is measured), peers.ts (nmap, masscan, zmap), report.ts (table, JSON, HTML).
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import yargs from 'yargs';

import { EXIT } from '../cli/exit';

import { findPeers } from './peers';
import { BenchRange, rangeUnavailable } from './range';
import { machineInfo, renderHtml, renderJson, renderRateSvg, renderText, type BenchReport } from './report';
import { haveTime, killAll } from './run';
import { DEFAULT_RATES, MODES, portscanScanner, shapingRate, sweep, workload, type Mode, type Scanner } from './sweep';
import { describePattern } from './truth';

export { BenchRange } from './range';

function numbers(flag: string, text: string, min: number): number[] {
  const xs = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x) || x < min))
    throw new Error(`option '--${flag}' expects numbers of at least ${min}, comma-separated, got '${text}'`);
  return xs;
}

function parser(argv: string[]) {
  return yargs(argv)
    .scriptName('portscan bench')
    .usage(
      'portscan bench [options]\n\nBuilds a sealed scan range on this machine (network namespaces, needs root), measures the highest probe rate at which each scan mode still finds every open port, its CPU cost per probe and its recall under packet loss, optionally next to nmap, masscan and zmap, then removes the range.',
    )
    .parserConfiguration({ 'parse-numbers': false })
    .option('peers', {
      type: 'boolean',
      default: false,
      describe: 'also run nmap (-sT), masscan and zmap, when installed, on the same workloads',
    })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'print the results as JSON on stdout (the table goes to stderr)',
    })
    .option('report', {
      type: 'string',
      describe: 'write a self-contained HTML page (or, for a .svg name, the chart alone)',
    })
    .option('modes', { type: 'string', default: 'connect,syn', describe: 'modes to measure' })
    .option('connect-rates', {
      type: 'string',
      default: DEFAULT_RATES.connect.join(','),
      describe: 'probe rates of the connect sweep, per second',
    })
    .option('syn-rates', {
      type: 'string',
      default: DEFAULT_RATES.syn.join(','),
      describe: 'probe rates of the syn sweep, per second',
    })
    .option('loss', {
      type: 'string',
      default: '0,1,5',
      describe: "packet loss to inject, % each way, at each sweep's second rate ('' for none)",
    })
    .option('delay', {
      type: 'string',
      default: '20',
      describe: 'added delay to test, ms each way (needs tc netem; 0 for none)',
    })
    .option('time-limit', { type: 'string', default: '540', describe: 'seconds: no step starts that could end later' })
    .option('prefix', { type: 'string', default: 'psb', describe: 'namespace name prefix: PREFIX-scan and PREFIX-tgt' })
    .example('sudo portscan bench', 'connect and syn modes, 1-2 minutes')
    .example(
      'sudo portscan bench --peers --report bench.html',
      'with nmap, masscan and zmap (about 4 minutes), and a page with the charts',
    )
    .epilog(
      'Exit codes: 0 done (whatever the recall), 1 the range could not be built or a portscan run failed, 2 bad usage or not root, 130 interrupted. The range is removed in every case.',
    )
    .strict()
    .help('help')
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false);
}

function say(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
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

/** Runs `portscan bench ARGV...`; resolves to the exit code. */
export async function benchMain(argv: string[]): Promise<number> {
  let a: Record<string, unknown>;
  let modes: Mode[];
  let rates: Record<Mode, number[]>;
  let losses: number[];
  let delayMs: number;
  let limitS: number;
  try {
    a = (await parser(argv)
      .fail((msg, err) => {
        throw err ?? new Error(msg);
      })
      .parseAsync()) as Record<string, unknown>;
    if (a.help) return EXIT.ok;
    modes = String(a.modes)
      .split(',')
      .map((m) => m.trim()) as Mode[];
    if (modes.length === 0 || modes.some((m) => !MODES.includes(m)))
      throw new Error(`option '--modes' expects connect, syn or both, got '${String(a.modes)}'`);
    rates = {
      connect: numbers('connect-rates', String(a['connect-rates']), 1),
      syn: numbers('syn-rates', String(a['syn-rates']), 1),
    };
    losses = String(a.loss).trim() === '' ? [] : numbers('loss', String(a.loss), 0);
    if (losses.some((l) => l >= 100)) throw new Error("option '--loss' expects percentages below 100");
    delayMs = numbers('delay', String(a.delay), 0)[0] as number;
    limitS = numbers('time-limit', String(a['time-limit']), 10)[0] as number;
  } catch (err) {
    process.stderr.write(
      `portscan bench: ${(err as Error).message}\nTry 'portscan bench --help' for more information.\n`,
    );
    return EXIT.usage;
  }
  const why = rangeUnavailable();
  if (why) {
    process.stderr.write(`portscan bench: ${why}\n`);
    return EXIT.usage;
  }
  const reportPath = typeof a.report === 'string' && a.report !== '' ? a.report : undefined;
  if (reportPath) {
    // Find out now, not after minutes of scanning, that the page cannot be written.
    try {
      accessSync(existsSync(reportPath) ? reportPath : dirname(resolve(reportPath)), constants.W_OK);
    } catch {
      process.stderr.write(`portscan bench: cannot write the report '${reportPath}'\n`);
      return EXIT.usage;
    }
  }

  const t0 = performance.now();
  const date = new Date().toISOString();
  const machine = machineInfo();
  const version = packageVersion();
  let range: BenchRange;
  try {
    range = new BenchRange({ prefix: String(a.prefix) });
  } catch (err) {
    process.stderr.write(`portscan ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  const scanners: Scanner[] = modes.map((m) => portscanScanner(m, `portscan ${version}`));
  const notes: string[] = [];
  if (a.peers) {
    const peers = findPeers();
    scanners.push(...peers.scanners.filter((s) => modes.includes(s.mode)));
    for (const m of peers.missing) notes.push(`peer not run: ${m}`);
  }
  if (!haveTime())
    notes.push('CPU time not measured: /usr/bin/time (GNU time) is not installed (apt-get install time)');

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
  const dir = mkdtempSync(join(tmpdir(), 'portscan-bench-'));
  let report: BenchReport | undefined;
  try {
    say(`building the range ${range.scanNs} <-> ${range.tgtNs} (198.18.0.0/16)`);
    await range.up();
    say(
      `range up: ${range.scanNs} (scanner, routes only to 198.18.0.0/16) <-> ${range.tgtNs} (target, ${describePattern()[1]})`,
    );
    const out = await sweep(
      scanners,
      { dir, range },
      {
        rates,
        losses,
        delayMs,
        deadline: t0 + limitS * 1000,
        abort: stop.signal,
        log: (l) => say(l),
      },
    );
    if (stop.signal.aborted) return EXIT.interrupted;
    if (losses.length)
      notes.push(
        `loss phase at ${modes.map((m) => `${m} ${shapingRate(rates[m])}/s`).join(', ')}; loss is an nftables random drop in the target namespace, applied to packets in both directions`,
      );
    if (out.steps.some((s) => s.skipped))
      notes.push(`some steps were skipped: the bench's time limit (--time-limit ${limitS}) was reached`);
    report = {
      date,
      durationS: (performance.now() - t0) / 1000,
      machine,
      scanners: scanners.map((s) => ({ name: s.name, mode: s.mode, version: s.version, retries: s.retries })),
      workloads: modes.map((m) => {
        const w = workload(m);
        return {
          mode: m,
          hosts: w.hosts,
          ports: w.ports,
          probes: w.want.probes,
          open: w.want.counts.open,
          closed: w.want.counts.closed,
          filtered: w.want.counts.filtered,
        };
      }),
      pattern: describePattern(),
      rangeCommands: range.commands,
      scanNamespace: range.scanNs,
      steps: out.steps,
      unavailable: out.unavailable,
      notes,
    };
  } catch (err) {
    say(`failed: ${(err as Error).message}`);
    return stop.signal.aborted ? EXIT.interrupted : EXIT.failure;
  } finally {
    range.down();
    say(`range removed (${range.scanNs}, ${range.tgtNs})`);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
  }

  const text = renderText(report);
  if (a.json) {
    process.stdout.write(renderJson(report));
    process.stderr.write(`${text}\n`);
  } else process.stdout.write(`${text}\n`);
  if (reportPath) {
    try {
      writeFileSync(
        reportPath,
        reportPath.toLowerCase().endsWith('.svg') ? `${renderRateSvg(report.steps)}\n` : renderHtml(report),
      );
      say(`report written: ${reportPath}`);
    } catch (err) {
      say(`cannot write the report '${reportPath}': ${(err as Error).message}`);
      return EXIT.failure;
    }
  }
  // Peers may fail (that is their result); portscan failing to run is this command failing.
  const failed = report.steps.filter((s) => s.scanner === 'portscan' && !s.skipped && s.error);
  for (const s of failed) say(`portscan ${s.mode} at ${s.rate}/s failed: ${s.error ?? ''}`);
  return failed.length > 0 ? EXIT.failure : EXIT.ok;
}
