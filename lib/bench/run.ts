// SPDX-License-Identifier: MIT
// run.ts: runs one scanner command inside the bench range's scanner namespace and measures it.
// The command runs under GNU time (/usr/bin/time, when installed) for its CPU time (user + system,
// every thread) and peak memory, in a process group of its own, so that a Ctrl-C on the terminal
// reaches the bench, which then stops the group itself. While it runs, the packets arriving on
// the target side are counted every 20 ms (range.packetsIn(), from /proc, no process started):
// that gives the time packets were flowing, the peak packet rate, and enforces the run's packet
// budget; the target's SYN counter, read before and after, gives the probes sent. Every run
// also has a time limit. Past either, the group gets SIGINT, then SIGKILL 2 s later. A `watch`
// callback sees the command's stderr as it comes (masscan is ended by reading its status line).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

import type { BenchRange } from './range';

export const TIME = '/usr/bin/time';

export interface RunSpec {
  /** The scanner command (run inside the scanner namespace). */
  argv: string[];
  /** Most packets the target side may receive during the run. */
  packetBudget: number;
  timeLimitMs: number;
  /** Called with each piece of stderr as it comes, and controls. */
  watch?: (chunk: string, ctl: RunControl) => void;
  /** Where GNU time writes its line (a temporary file). */
  timeFile: string;
}

export interface RunControl {
  /** Sends a signal to the command's process group. */
  signal(sig: NodeJS.Signals): void;
  /** Makes one packet arrive on the scanner side. */
  poke(): void;
  elapsedMs(): number;
  /** Has the command exited? (Timers a watcher starts must stop then.) */
  ended(): boolean;
}

export interface RunOutcome {
  /** The command as run, with `ip netns exec` and GNU time. */
  argv: string[];
  wallS: number;
  /** User + system CPU seconds of the command (null without GNU time). */
  cpuS: number | null;
  maxRssKb: number | null;
  exitCode: number | null;
  signal: string | null;
  packetsIn: number;
  /** Highest packet rate seen at the target over any 100 ms or longer span. */
  peakPps: number;
  /** SYNs the target received (probes and retries), and the time packets were arriving (20 ms slots). */
  syns: number;
  busyS: number;
  stopped?: 'time limit' | 'packet budget' | 'interrupted';
  stderrTail: string;
}

const STDERR_CAP = 64 * 1024;

/** Process groups of the commands running now. */
const active = new Set<number>();

/** Kills every command still running (the bench is quitting at once). */
export function killAll(): void {
  for (const pid of active) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  active.clear();
}

/** Is GNU time here? */
export function haveTime(): boolean {
  return existsSync(TIME);
}

type Sample = { t: number; n: number };

/** `argv` under GNU time, which writes its figures to `timeFile` (`argv` itself without GNU time). */
export function timedArgv(argv: string[], timeFile: string): string[] {
  return haveTime() ? [TIME, '-f', '%e %U %S %M', '-o', timeFile, ...argv] : argv;
}

/**
 * GNU time's figures, from the file timedArgv names (none without it, or when the run was killed
 * before it wrote); `code` is the exit code seen, which a "non-zero status" line there overrides.
 */
export function readTimeFile(path: string, code: number | null): Pick<RunOutcome, 'cpuS' | 'maxRssKb' | 'exitCode'> {
  const out: Pick<RunOutcome, 'cpuS' | 'maxRssKb' | 'exitCode'> = { cpuS: null, maxRssKb: null, exitCode: code };
  try {
    const text = readFileSync(path, 'utf8');
    // GNU time prints "Command exited with non-zero status N" (or "terminated by signal") first.
    const m = /(^|\n)([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(text);
    if (m) {
      out.cpuS = Number(m[3]) + Number(m[4]);
      out.maxRssKb = Number(m[5]);
    }
    const st = /exited with non-zero status (\d+)/.exec(text);
    if (st && code === 0) out.exitCode = Number(st[1]);
  } catch {
    // no GNU time, or the run was killed before it wrote
  }
  return out;
}

/** Counts the packets arriving at the target every 20 ms; calls `over` past `budget` of them. */
function countPackets(range: BenchRange, budget: number, over: () => void) {
  const start = range.packetsIn();
  const samples: Sample[] = [{ t: performance.now(), n: start }];
  const timer = setInterval(() => {
    const n = range.packetsIn();
    samples.push({ t: performance.now(), n });
    if (n - start > budget) over();
  }, 20);
  const stop = (): void => {
    clearInterval(timer);
    samples.push({ t: performance.now(), n: range.packetsIn() });
  };
  return { start, samples, stop };
}

/** Sends `sig` to the child's process group, unless it has ended. */
function groupSignaller(child: ChildProcess, ended: () => boolean): (sig: NodeJS.Signals) => void {
  return (sig) => {
    if (child.pid === undefined || ended()) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // gone
    }
  };
}

/** The last lines of stderr that say something. */
const tailOf = (stderr: string): string =>
  stderr
    .split(/[\r\n]+/)
    .filter((l) => l.trim() !== '')
    .slice(-6)
    .join('\n');

/** Runs `spec` in `range`'s scanner namespace; never rejects (failures are in the outcome). */
export function runInRange(range: BenchRange, spec: RunSpec, abort: AbortSignal): Promise<RunOutcome> {
  const argv = range.scanArgv(timedArgv(spec.argv, spec.timeFile));
  rmSync(spec.timeFile, { force: true });
  return new Promise((resolve) => {
    const t0 = performance.now();
    const startSyns = range.synCount();
    // Sampled from before the spawn; `stop` is defined by the time the first sample is taken.
    const packets = countPackets(range, spec.packetBudget, () => stop('packet budget'));
    let stderr = '';
    let stopped: RunOutcome['stopped'];
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const pid = child.pid;
    if (pid !== undefined) active.add(pid);
    const ended = (): boolean => child.exitCode !== null || child.signalCode !== null;
    const signalGroup = groupSignaller(child, ended);
    const stop = (why: NonNullable<RunOutcome['stopped']>): void => {
      if (stopped) return;
      stopped = why;
      signalGroup('SIGINT');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), 2000);
    };
    const ctl: RunControl = {
      signal: signalGroup,
      poke: () => {
        if (!ended()) range.poke();
      },
      elapsedMs: () => performance.now() - t0,
      ended: () => ended(),
    };
    child.stderr?.on('data', (d: Buffer) => {
      const chunk = d.toString();
      stderr += chunk;
      if (stderr.length > STDERR_CAP) stderr = stderr.slice(-STDERR_CAP / 2);
      if (!stopped) spec.watch?.(chunk, ctl);
    });
    const limit = setTimeout(() => stop('time limit'), spec.timeLimitMs);
    const onAbort = (): void => stop('interrupted');
    abort.addEventListener('abort', onAbort, { once: true });
    if (abort.aborted) onAbort();
    let finished = false;
    const finish = (code: number | null, sig: string | null): void => {
      if (finished) return;
      finished = true;
      if (pid !== undefined) active.delete(pid);
      packets.stop();
      clearTimeout(limit);
      if (killTimer) clearTimeout(killTimer);
      abort.removeEventListener('abort', onAbort);
      const wallS = (performance.now() - t0) / 1000;
      const { samples } = packets;
      resolve({
        argv,
        wallS,
        ...readTimeFile(spec.timeFile, code),
        signal: sig,
        packetsIn: (samples[samples.length - 1]?.n ?? packets.start) - packets.start,
        peakPps: peakRate(samples),
        syns: range.synCount() - startSyns,
        busyS: busyTime(samples) / 1000,
        ...(stopped ? { stopped } : {}),
        stderrTail: tailOf(stderr),
      });
    };
    child.on('error', (err) => {
      stderr += String(err);
      finish(null, null);
    });
    child.on('close', (code, sig) => finish(code, sig));
  });
}

/** The time, ms, of the sampling slots in which packets arrived. */
export function busyTime(samples: Sample[]): number {
  let busy = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1] as { t: number; n: number };
    const b = samples[i] as { t: number; n: number };
    if (b.n > a.n) busy += b.t - a.t;
  }
  return busy;
}

/** The highest rate over any span of at least 100 ms between samples. */
export function peakRate(samples: Sample[]): number {
  let best = 0;
  let j = 0;
  for (let i = 1; i < samples.length; i++) {
    const s = samples[i] as { t: number; n: number };
    while (j < i - 1 && s.t - (samples[j + 1] as { t: number }).t >= 100) j++;
    const a = samples[j] as { t: number; n: number };
    const dt = s.t - a.t;
    if (dt >= 100) best = Math.max(best, ((s.n - a.n) * 1000) / dt);
  }
  if (best === 0 && samples.length >= 2) {
    const a = samples[0] as { t: number; n: number };
    const b = samples[samples.length - 1] as { t: number; n: number };
    if (b.t > a.t) best = ((b.n - a.n) * 1000) / (b.t - a.t);
  }
  return best;
}
