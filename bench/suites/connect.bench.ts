// SPDX-License-Identifier: MIT
// connect.bench.ts: the native ConnectEngine (lib/native/binding.ts) probing 20,000 closed ports
// of 127.0.0.1 per op, against the same 20,000 probes made with Node's net.connect from JS, with
// the same number of connections in flight. Loopback only. The ports are taken from below the
// ephemeral range (so a probe can never connect to itself) and skip every port that is
// listening when the suite starts; the note under the table says what the probes found.
// Baseline recorded on: AMD EPYC (2 cores, shared VM), Linux 6.18, Node v20.20.2.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

import { parseAddress } from '../../lib/plan/ip';
import { loadBinding } from '../../lib/native/binding';
import { Kind, ResultBatch, TargetPacker } from '../../lib/native/records';
import type { NativeEngine } from '../../lib/native/types';
import { resolveOptions } from '../../lib/options';
import type Benchmark from 'benchmark';
import { BenchSuite, runIfMain } from '../lib/harness';

const HOST = '127.0.0.1';
const N = 20000;
const FIRST_PORT = 10000;
const LAST_PORT = 32767; // below net.ipv4.ip_local_port_range (32768-60999 by default)
const TIMEOUT_MS = 1000;

/** Ports in LISTEN state, from /proc/net/tcp{,6} (no traffic). */
function listeningPorts(): Set<number> {
  const out = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && f[1]) out.add(parseInt(f[1].split(':')[1] ?? '0', 16));
    }
  }
  return out;
}

function choosePorts(): Uint16Array {
  const busy = listeningPorts();
  const ports = new Uint16Array(N);
  let k = 0;
  for (let p = FIRST_PORT; p <= LAST_PORT && k < N; p++) if (!busy.has(p)) ports[k++] = p;
  if (k < N) throw new Error(`only ${k} free ports in ${FIRST_PORT}-${LAST_PORT}`);
  return ports;
}

const binding = loadBinding();
const WINDOW = Math.max(16, Math.min(1000, binding.getFdLimit() - 256));
const ports = choosePorts();
const packer = new TargetPacker(N);
const addr = parseAddress(HOST) as bigint;
for (const p of ports) packer.push(addr, p, 0, TIMEOUT_MS);

interface Tally {
  ops: number;
  refused: number;
  connected: number;
  other: number;
}
const newTally = (): Tally => ({ ops: 0, refused: 0, connected: 0, other: 0 });
const tallies = new Map<string, Tally>([['net.connect', newTally()]]);
const netTally = tallies.get('net.connect') as Tally;

/** The thread count the CLI picks by default (options.ts), or 1 where the engine has no threads. */
const defaultThreads =
  (resolveOptions({ ports: '1', tasks: WINDOW }, binding.getFdLimit()) as { threads?: number }).threads ?? 1;

interface NativeCase {
  engine: NativeEngine | undefined;
  threads: number;
  pending: number;
  onDone: (() => void) | undefined;
  failure: Error | undefined;
  tally: Tally;
}

const nativeCases: NativeCase[] = [];

/** One engine per case for the whole suite, so thread start-up is not counted. */
function nativeEngine(c: NativeCase): NativeEngine {
  if (c.engine) return c.engine;
  // A variable, not a literal, so this compiles whether or not ConnectEngineOptions has `threads`.
  const engineOptions = { window: WINDOW, flushIntervalMs: 20, maxBatch: 4096, threads: c.threads };
  c.engine = new binding.ConnectEngine(engineOptions, (err, records, count) => {
    if (err || !records) {
      c.failure = err ?? new Error('native engine returned no records');
      return;
    }
    const batch = new ResultBatch(records, count);
    for (let i = 0; i < count; i++) {
      const k = batch.kind(i);
      if (k === Kind.Refused) c.tally.refused++;
      else if (k === Kind.Connected) c.tally.connected++;
      else c.tally.other++;
    }
    c.pending -= count;
    if (c.pending === 0 && c.onDone) {
      const done = c.onDone;
      c.onDone = undefined;
      done();
    }
  });
  return c.engine;
}

function nativeCase(threads: number): (deferred: Benchmark.Deferred) => void {
  const tally = newTally();
  tallies.set(`native, ${threads} thread${threads === 1 ? '' : 's'}`, tally);
  const c: NativeCase = { engine: undefined, threads, pending: 0, onDone: undefined, failure: undefined, tally };
  nativeCases.push(c);
  return (deferred) => {
    if (c.failure) throw c.failure;
    const e = nativeEngine(c);
    c.pending = N;
    c.tally.ops++;
    c.onDone = () => deferred.resolve();
    e.submit(packer.bytes, N);
  };
}

function runNet(deferred: Benchmark.Deferred): void {
  let next = 0;
  let inFlight = 0;
  let finished = 0;
  netTally.ops++;
  const finish = (): void => {
    inFlight--;
    finished++;
    if (finished === N) deferred.resolve();
    else launch();
  };
  const launch = (): void => {
    while (inFlight < WINDOW && next < N) {
      const port = ports[next++] as number;
      inFlight++;
      const s = connect({ host: HOST, port });
      let settled = false;
      s.once('connect', () => {
        if (settled) return;
        settled = true;
        netTally.connected++;
        s.resetAndDestroy();
        finish();
      });
      s.on('error', (err: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        if (err.code === 'ECONNREFUSED') netTally.refused++;
        else netTally.other++;
        finish();
      });
    }
  };
  launch();
}

export const bench = new BenchSuite('connect')
  .reference(`net.connect from JS: ${N} closed ports of ${HOST}, ${WINDOW} in flight`, runNet, {
    defer: true,
    perOp: N,
    unit: 'probes',
  })
  .add(`native ConnectEngine, 1 thread: ${N} closed ports, window ${WINDOW}`, nativeCase(1), {
    defer: true,
    perOp: N,
    unit: 'probes',
  });
if (defaultThreads > 1) {
  bench.add(`native ConnectEngine, ${defaultThreads} threads (CLI default): same probes`, nativeCase(defaultThreads), {
    defer: true,
    perOp: N,
    unit: 'probes',
  });
}
bench.note(
  `ports ${ports[0]}-${ports[N - 1]} (listening ports skipped), probe timeout ${TIMEOUT_MS} ms, ` +
    'engine flush interval 20 ms',
);

runIfMain(module, bench, () => {
  for (const c of nativeCases) c.engine?.close();
  for (const [name, t] of tallies) {
    const probes = t.refused + t.connected + t.other;
    console.log(
      `  note: ${name}: ${probes} probes in ${t.ops} ops: ${t.refused} refused, ${t.connected} connected, ` +
        `${t.other} other`,
    );
  }
});
