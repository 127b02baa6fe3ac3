// SPDX-License-Identifier: MIT
// main.ts: the portscan command. Dispatches the subcommands (bench, merge), runs a scan from
// its arguments (scan-args.ts): output to stdout or a file, the progress line, checkpoints,
// Ctrl-C (first: drain; second: write what is known and quit), the end-of-scan notices, and the
// exit code (exit.ts). bin/portscan.js hands it process.argv and sets the code it returns.
import { ParseError, ScanError, UsageError } from '../errors';
import { EXIT, runFailure, say, usageFailure } from './exit';
import type { FormatName } from '../output/formats';
import { knownOptions, parseArgs, toOptions } from './scan-args';
import { echoConf } from './conf-file';
import { HOST_TIMEOUT_NOTICE } from './compat-options';
import { OutputSession, type OutputSpec } from '../output/session';
import type { RunInfo } from '../output/nmap-common';
import { outputSpecs, primaryGiven } from './output-args';
import type { PortState } from '../scanner/classify';
import { CheckpointWriter, prepareResumedOutput, readCheckpoint, type Checkpoint } from './checkpoint';
import { mergeMain } from './merge';
import { checkResumeArgv, checkResumeOutput, resumedOptions } from './resume';
import { checkpointBase } from './checkpoint-data';
import { withFlagNames } from './flag-names';
import { runScan, type RunRange, type ScanSummary } from '../scan';
import { loadBinding } from '../native/binding';
import { PrivilegeDrop, type SudoIds } from './privdrop';
import type { ScanOptions } from '../options';
import { parsePortList } from '../plan/port-list';
import { loadServiceNames } from '../plan/services';

/**
 * Runs the command; resolves to the exit code. `sudo`: SUDO_UID and SUDO_GID from the
 * environment (bin/portscan.js reads them), whom a root scan drops to by default.
 */
export async function main(argv: string[], sudo: SudoIds = {}): Promise<number> {
  if (argv[0] === 'bench') return (await import('../bench')).benchMain(argv.slice(1));
  if (argv[0] === 'merge') return mergeMain(argv.slice(1));
  let args: Record<string, unknown>;
  let resumed: Checkpoint | undefined;
  try {
    args = await parseArgs(argv.length === 0 ? ['--help'] : argv);
    if (argv.length === 0) return EXIT.usage;
    if (args.help || args.version) return EXIT.ok;
    if (typeof args.resume === 'string') {
      // The checkpoint is data (resume.ts): its plan is resumed, only safe options may change.
      checkResumeArgv(argv);
      resumed = readCheckpoint(args.resume);
      args.checkpoint = args.resume;
    }
  } catch (err) {
    return usageFailure(err);
  }
  const quiet = Boolean(args.quiet);
  const full = resumed ? Boolean(resumed.options.full) : Boolean(args.full);
  let outputs: OutputSpec[];
  try {
    outputs = outputSpecs(args, primaryGiven(argv));
    // A checkpoint records one output (the -f/-o one): a scan writing several cannot be resumed.
    if (outputs.length > 1 && typeof args.checkpoint === 'string') {
      throw new UsageError('--checkpoint records one output: give only -f/-o (a resumable line form) with it');
    }
  } catch (err) {
    return usageFailure(err);
  }
  const format = (outputs[0] as OutputSpec).format;
  const stop = new AbortController();
  const outputPath = typeof args.output === 'string' ? args.output : undefined;
  const run: RunInfo = {
    args: ['portscan', ...argv].join(' '),
    startMs: Date.now(),
    openOnly: Boolean(args.open),
    reason: Boolean(args.reason),
  };
  let options: ScanOptions;
  let skip: Set<string> | undefined;
  let privs: PrivilegeDrop;
  try {
    const user = typeof args.user === 'string' ? args.user : undefined;
    privs = PrivilegeDrop.choose(user, sudo, loadBinding, { quiet, verbose: Boolean(args.verbose) });
    options = { ...toOptions(args), signal: stop.signal };
    if (args.echo === true) {
      if (typeof options.ports === 'string') parsePortList(options.ports); // checked as a scan would
      process.stdout.write(echoConf(args, knownOptions()));
      return EXIT.ok;
    }
    if (args['host-timeout'] !== undefined) say(quiet, HOST_TIMEOUT_NOTICE);
    if (resumed) {
      checkResumeOutput(resumed, outputPath, format);
      const r = resumedOptions(resumed, options);
      for (const line of r.notices) say(quiet, line);
      options = { ...r.options, signal: stop.signal };
      options.resume = { position: BigInt(resumed.position), planHash: resumed.planHash };
      if (outputPath) skip = prepareResumedOutput(outputPath, resumed.outputBytes, format);
    }
  } catch (err) {
    if (!(err instanceof ScanError)) return usageFailure(err);
    process.stderr.write(`portscan: ${err.message}\n`); // e.g. no addon to look --user up with
    return EXIT.failure;
  }

  const session = new OutputSession(outputs, full, () => stop.abort(), skip, run, options.service !== undefined);
  let checkpoint: CheckpointWriter | undefined;
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts === 1) {
      session.clearProgress();
      say(quiet, 'stopping: no more probes; waiting for the replies in flight (Ctrl-C again to quit at once)');
      stop.abort();
    } else {
      session.close(true);
      checkpoint?.flush();
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await runScan(options, {
      onStart: (plan, resolved, range) => {
        for (const r of plan.resolutions) say(quiet, `${r.name} resolved to ${r.address}; scanning ${r.address}`);
        session.begin(plan, resolved.mode, !quiet && process.stderr.isTTY === true);
        const base = checkpointBase(plan, resolved, range, options, {
          path: outputPath,
          format,
          start: resumed?.start,
        });
        checkpoint = startCheckpoint(args, range, base, () => session.outputBytes(), privs, outputs.length);
        if (checkpoint) checkpoint.onError = () => stop.abort();
        if (checkpoint?.error) stop.abort();
        if (resolved.requestedMode === 'auto') {
          say(
            quiet,
            resolved.mode === 'syn'
              ? 'mode auto: using syn mode (raw sockets and libpcap are available)'
              : 'mode auto: using connect mode (SYN mode needs root or CAP_NET_RAW and libpcap)',
          );
        }
      },
      onResult: (r) => session.result(r),
      ...(session.wantsStates
        ? {
            onState: (ip: string, port: number, state: PortState, reason: string) =>
              session.state(ip, port, state, reason),
          }
        : {}),
      onBatch: (c) => session.batch(c),
      onNotice: (message) => {
        session.clearProgress();
        say(quiet, withFlagNames(message));
      },
      onCheckpoint: (position) => checkpoint?.update(position),
      onPositions: (maxPosition) => checkpoint?.noteBatch(session.outputBytes(), maxPosition),
      onPrivilegedOpen: () => {
        loadServiceNames(); // read while the package's folder is still readable (see services.ts)
        privs.drop();
      },
    });
    session.end(summary);
    checkpoint?.flush();
    if (session.writeError) throw session.writeError;
    if (checkpoint?.error) throw checkpoint.error;
    reportEnd(summary, format, quiet, Boolean(args.verbose));
    return summary.aborted ? EXIT.interrupted : EXIT.ok;
  } catch (err) {
    session.close(true);
    checkpoint?.flush();
    if (err instanceof ParseError || err instanceof UsageError) return usageFailure(err);
    return runFailure(err);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Scans of over this many probes keep a checkpoint next to their output by default. */
const CHECKPOINT_ABOVE = 1_000_000n;

/** The checkpoint of this run, if it has one (asked for, resumed, or a large SYN scan with -o). */
function startCheckpoint(
  args: Record<string, unknown>,
  range: RunRange,
  base: ConstructorParameters<typeof CheckpointWriter>[1],
  outputBytes: () => number,
  privs: PrivilegeDrop,
  outputCount: number,
): CheckpointWriter | undefined {
  let path = typeof args.checkpoint === 'string' ? args.checkpoint : undefined;
  if (outputCount > 1) return undefined; // a checkpoint records one output (main() refuses --checkpoint)
  // (Not with -sV: its results are written out of scan order, so no position marks them all written.)
  if (
    path === undefined &&
    base.output !== null &&
    range.end - range.start > CHECKPOINT_ABOVE &&
    args.service !== true
  ) {
    path = `${base.output}.checkpoint`;
  }
  if (path === undefined) return undefined;
  privs.checkCheckpoint(path); // before the first probe: the user must be able to rewrite it
  const cp = new CheckpointWriter(path, base, outputBytes, undefined, () => privs.owner);
  cp.update(range.start);
  return cp;
}

/** The notices at the end of a scan: the count, tarpits, a capture that saw nothing, -v figures. */
function reportEnd(summary: ScanSummary, format: FormatName, quiet: boolean, verbose: boolean): void {
  const c = summary.counters;
  const secs = (summary.elapsedMs / 1000).toFixed(2);
  if (format !== 'table') say(quiet, `${c.open} open of ${c.done} probed (${summary.plan.total} planned) in ${secs} s`);
  for (const t of summary.tarpits ?? []) {
    say(
      quiet,
      `${t.ip} answered on ${t.open} of ${t.answered} ports: flagged as a tarpit, its open ports are not listed`,
    );
  }
  const e = summary.engine;
  if (e && e.sent >= 100 && e.replies === 0 && !summary.aborted) {
    say(
      false,
      `warning: ${e.sent} probes sent and not one reply captured: if the targets are up, ` +
        'check the capture interface (-e/--interface) and the route',
    );
  }
  // The rate achieved, beside the one asked: said whenever the sending lasted a second or more.
  if (e && e.sendPhaseMs > 0 && !summary.aborted && (verbose || e.sendPhaseMs >= 1000)) {
    const firsts = summary.counters.done;
    const rate = Math.round(firsts / (e.sendPhaseMs / 1000));
    const asked = summary.options.ratePps > 0 ? `, --rate ${summary.options.ratePps}` : ', --rate 0: no limit';
    say(
      quiet && !verbose,
      `syn send phase: the first tries of ${firsts} probes went out in ${(e.sendPhaseMs / 1000).toFixed(3)} s ` +
        `(${rate} probes/s${asked}), retries and the last wait not included`,
    );
  }
  if (!e || !(verbose || e.pcapDrops > 0)) return;
  say(
    quiet && !verbose,
    `syn engine: ${e.sent} probes sent, ${e.replies} replies, ${e.duplicates} duplicates, ${e.late} late, ` +
      `${e.pcapDrops} capture drops, ${e.sentinels} sentinels`,
  );
  if (!verbose) return;
  for (const p of e.sendPaths) say(false, `syn send path: ${p}`);
  if (e.retries) say(false, e.retries);
}
