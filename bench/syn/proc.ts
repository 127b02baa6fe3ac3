// SPDX-License-Identifier: MIT
// proc.ts: runs one command of bench:syn to its exit and times it, spawn to exit, wall clock.
// Its stderr goes to a file, not a pipe: a tool that writes status lines then never waits on this
// process reading them (in a small A/B, 2 runs each, masscan found ~8% fewer ports with its stderr
// on a pipe than on a file). A `watch` is called every 50 ms with the child, a function returning
// stderr so far and the seconds since spawn, so a caller can act on a tool's status line; on
// timeout the child gets SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

import { secondsSince } from '../lib/commands';
import { repoRoot } from '../lib/harness';

export interface Proc {
  /** Wall seconds from spawn to exit. */
  seconds: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ProcOptions {
  timeoutMs: number;
  stderrPath: string;
  cwd?: string;
  watch?: (child: ChildProcess, stderr: () => string, seconds: () => number) => void;
}

type Exit = Pick<Proc, 'seconds' | 'code' | 'signal'>;

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Runs `cmd args` to its exit (see the file's header). */
export function runProc(cmd: string, args: string[], opts: ProcOptions): Promise<Proc> {
  return new Promise((resolvePromise) => {
    const errFd = openSync(opts.stderrPath, 'w');
    const readErr = (): string => readOr(opts.stderrPath);
    const start = process.hrtime.bigint();
    const seconds = (): number => secondsSince(start);
    const child = spawn(cmd, args, { cwd: opts.cwd ?? repoRoot(), stdio: ['ignore', 'pipe', errFd] });
    closeSync(errFd);
    let stdout = '';
    let spawnError = '';
    let timedOut = false;
    let exited: Exit | null = null;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < 1 << 20) stdout += d;
    });
    const killer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    const watcher = opts.watch ? setInterval(() => opts.watch?.(child, readErr, seconds), 50) : null;
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
      const e = exited ?? { seconds: seconds(), code: null, signal: null };
      // masscan rewrites its status line with \r many times a second; keep the tail only
      const stderr = readErr().slice(-(1 << 20)) + spawnError;
      resolvePromise({ ...e, stdout, stderr, timedOut });
    });
  });
}
