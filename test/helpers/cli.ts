// Helpers for CLI tests: run bin/portscan.js, and loopback servers to scan. Everything here
// listens on or connects to 127.0.0.1 only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'portscan.js');

/**
 * Every CLI run preloads no-dns.js: a DNS lookup fails at once and is reported, never sent. The
 * sudo variables are left out (a root run drops to SUDO_UID): tests that want them pass them.
 */
const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_OPTIONS: `--require ${join(__dirname, 'no-dns.js')}`,
  NO_COLOR: '1',
};
for (const name of ['SUDO_UID', 'SUDO_GID', 'SUDO_USER', 'SUDO_COMMAND']) delete ENV[name];

function checkNoDns(r: CliResult, args: string[]): CliResult {
  if (r.stderr.includes('no-dns:')) throw new Error(`portscan ${args.join(' ')} tried a DNS lookup:\n${r.stderr}`);
  return r;
}

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (blocking) with the given arguments. */
export function runCli(args: string[], timeoutMs = 60000): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: ENV,
  });
  if (r.error) throw r.error;
  return checkNoDns({ status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }, args);
}

/**
 * Starts the CLI without waiting (with `env` added to its environment; run by `runner`, e.g.
 * ['setpriv', ..., NODE], instead of this node); `done` resolves when it exits.
 */
export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  runner: string[] = [process.execPath],
): { child: ChildProcess; done: Promise<CliResult> } {
  const [command = process.execPath, ...before] = runner;
  const child = spawn(command, [...before, BIN, ...args], {
    cwd: ROOT,
    env: { ...ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => {
      try {
        resolve(checkNoDns({ status, signal, stdout, stderr }, args));
      } catch (err) {
        reject(err);
      }
    });
  });
  return { child, done };
}

/** A TCP server on 127.0.0.1 that counts the connections it sees. */
export interface CountingServer {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Listens on `port` (0 = an ephemeral one) on 127.0.0.1. */
export async function countingServer(port = 0): Promise<CountingServer> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    count++;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    s.destroy();
  });
  await listen(server, port);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no server address');
  return {
    port: address.port,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Listens on the first free port in [from, to] on 127.0.0.1. */
export async function countingServerIn(from: number, to: number): Promise<CountingServer> {
  for (let p = from; p <= to; p++) {
    try {
      return await countingServer(p);
    } catch {
      // in use: try the next one
    }
  }
  throw new Error(`no free port in ${from}-${to}`);
}

/** A port on 127.0.0.1 that nothing listens on (bound once, then closed). */
export async function closedPort(): Promise<number> {
  const s = await countingServer(0);
  await s.close();
  return s.port;
}

/** Lets pending 'connection' events (from the listen backlog) reach their handlers. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until `ready()` holds (polled every 50 ms), at most `limitMs`: for a scan to be under way
 * before a test interrupts it, however slowly a busy machine starts it. Throws when it never does.
 */
export async function waitFor(what: string, ready: () => boolean, limitMs = 60000): Promise<void> {
  const t0 = Date.now();
  while (!ready()) {
    if (Date.now() - t0 > limitMs) throw new Error(`waited ${limitMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An open port P (a counting server), a closed port Q, both on 127.0.0.1, and a scratch folder. */
export interface LoopbackPair {
  server: CountingServer;
  P: number;
  Q: number;
  dir: string;
}

/**
 * Sets up a LoopbackPair before the file's tests (beforeAll) and removes it after (afterAll);
 * its fields are filled in once beforeAll has run.
 */
export function loopbackPair(name: string): LoopbackPair {
  const pair = {} as LoopbackPair;
  beforeAll(async () => {
    pair.server = await countingServer();
    pair.P = pair.server.port;
    pair.Q = await closedPort();
    pair.dir = mkdtempSync(join(tmpdir(), `portscan-${name}-`));
  });
  afterAll(async () => {
    await pair.server.close();
    rmSync(pair.dir, { recursive: true, force: true });
  });
  return pair;
}
