// SPDX-License-Identifier: MIT
// proc.ts: runs one command of bench:syn to its exit and times it, spawn to exit, wall clock.
// A tool runs inside the testbed under GNU time (runInTestbed): `testbed run` (python) execs
// `ip netns exec`, which execs /usr/bin/time, which forks the tool and, when it exits, writes
// the tool's user + system CPU (every thread, and its children) and peak memory to a file; so the
// CPU counted is the tool's alone, not the wrapper's start-up. The command runs in a process group
// of its own: signals (a watcher's SIGINT, SIGKILL on timeout, the bench's own Ctrl-C) go to the
// group, GNU time ignores SIGINT and the tool gets it. Its stderr goes to a file, not a pipe: a
// tool that writes status lines then never waits on this process reading them (in a small A/B, 2
// runs each, masscan found ~8% fewer ports with its stderr on a pipe than on a file). A `watch` is
// called every 50 ms with controls, a function returning stderr so far and the seconds since
// spawn, so a caller can act on a tool's status line.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';

import { readTimeFile, timedArgv } from '../../lib/bench/run';
import { secondsSince } from '../lib/commands';
import { repoRoot } from '../lib/harness';
import { TESTBED } from '../lib/testbed';

export interface Proc {
  /** Wall seconds from spawn to exit. */
  seconds: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** GNU time's figures for the tool (null: not run under it, or it did not write): its CPU, and
   * its own wall time (inside the namespace: without `testbed run`'s start-up). */
  cpuS: number | null;
  elapsedS: number | null;
  maxRssKb: number | null;
}

/** What a watcher may do to the running command. */
export interface ProcControl {
  ended(): boolean;
  /** Sends `sig` to the command's process group. */
  signal(sig: NodeJS.Signals): void;
}

export interface ProcOptions {
  timeoutMs: number;
  stderrPath: string;
  cwd?: string;
  watch?: (ctl: ProcControl, stderr: () => string, seconds: () => number) => void;
  /** Where GNU time writes (runInTestbed sets it). */
  timeFile?: string;
}

type Exit = Pick<Proc, 'seconds' | 'code' | 'signal'>;

/** Process groups running now, killed if the bench is interrupted. */
const active = new Set<number>();
let trapped = false;

function trapInterrupt(): void {
  if (trapped) return;
  trapped = true;
  const quit = (sig: NodeJS.Signals): void => {
    for (const pid of active) signalGroup(pid, 'SIGKILL');
    console.error(`bench:syn: ${sig}: the tools still running were killed`);
    process.exit(130);
  };
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
}

function signalGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // gone
  }
}

function control(child: ChildProcess): ProcControl {
  const ended = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return { ended, signal: (sig) => (ended() ? undefined : signalGroup(child.pid, sig)) };
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** GNU time's elapsed seconds (%e, the first of timedArgv's figures), or null. */
function elapsedFrom(timeFile: string): number | null {
  const m = /(^|\n)([\d.]+) [\d.]+ [\d.]+ \d+\s*$/.exec(readOr(timeFile));
  return m ? Number(m[2]) : null;
}

/** Runs `cmd args` to its exit (see the file's header). */
export function runProc(cmd: string, args: string[], opts: ProcOptions): Promise<Proc> {
  return new Promise((resolvePromise) => {
    const errFd = openSync(opts.stderrPath, 'w');
    const readErr = (): string => readOr(opts.stderrPath);
    const start = process.hrtime.bigint();
    const seconds = (): number => secondsSince(start);
    if (opts.timeFile) rmSync(opts.timeFile, { force: true });
    trapInterrupt();
    const cwd = opts.cwd ?? repoRoot();
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', errFd], detached: true });
    closeSync(errFd);
    const pid = child.pid;
    if (pid !== undefined) active.add(pid);
    const ctl = control(child);
    let stdout = '';
    let spawnError = '';
    let timedOut = false;
    let exited: Exit | null = null;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < 1 << 20) stdout += d;
    });
    const killer = setTimeout(() => {
      timedOut = true;
      ctl.signal('SIGKILL');
    }, opts.timeoutMs);
    const watcher = opts.watch ? setInterval(() => opts.watch?.(ctl, readErr, seconds), 50) : null;
    child.on('exit', (code, signal) => {
      exited = { seconds: seconds(), code, signal };
    });
    child.on('error', (err) => {
      spawnError = `\nspawn error: ${err.message}`;
      exited ??= { seconds: seconds(), code: null, signal: null };
    });
    child.on('close', () => {
      clearTimeout(killer);
      if (watcher) clearInterval(watcher);
      if (pid !== undefined) active.delete(pid);
      const e = exited ?? { seconds: seconds(), code: null, signal: null };
      // masscan rewrites its status line with \r many times a second; keep the tail only
      const stderr = readErr().slice(-(1 << 20)) + spawnError;
      const time = opts.timeFile
        ? readTimeFile(opts.timeFile, e.code)
        : { cpuS: null, maxRssKb: null, exitCode: e.code };
      const { cpuS, maxRssKb } = time;
      const elapsedS = opts.timeFile ? elapsedFrom(opts.timeFile) : null;
      resolvePromise({ ...e, code: time.exitCode, stdout, stderr, timedOut, cpuS, elapsedS, maxRssKb });
    });
  });
}

/** Runs tool `argv` inside the testbed under GNU time (see the file's header), which writes to `<stderrPath>.time`. */
export function runInTestbed(argv: string[], opts: Omit<ProcOptions, 'timeFile'>): Promise<Proc> {
  const timeFile = `${opts.stderrPath}.time`;
  return runProc(TESTBED, ['run', ...timedArgv(argv, timeFile)], { ...opts, timeFile });
}
