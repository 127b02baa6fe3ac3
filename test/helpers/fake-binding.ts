// SPDX-License-Identifier: MIT
// fake-binding.ts: a NativeBinding with no sockets, threads or privileges, for unit tests of the
// policy code (pacing, drain, retries, checkpoints, tarpits) through the real Scanner drivers.
// Its connect engine answers each submitted probe from a script, asynchronously, in packed
// ResultRecords exactly as the addon lays them out, and keeps a log of every submit. Nothing it
// does touches the network.
import { ABI_VERSION, Kind, LAYOUT, RESULT, TARGET } from '../../lib/native/records';
import type {
  BatchCallback,
  ConnectEngineOptions,
  NativeBinding,
  NativeEngine,
  SynBatchCallback,
  SynEngineOptions,
  NextHopInfo,
} from '../../lib/native/types';
import { FakeSynEngine, type FakeSynOptions } from './fake-syn-engine';

/** What the scripted target does with one probe: answer with a kind, or stay silent (timeout). */
export type Answer = Kind.Connected | Kind.Refused | 'silent';

/** Decides each probe's answer from its address text, port and try number (0 = first). */
export type Script = (ip: string, port: number, attempt: number) => Answer;

export interface SubmitLog {
  /** performance.now() at the submit. */
  atMs: number;
  count: number;
  urgent: boolean;
  /** Each probe's try number, in order. */
  attempts: number[];
}

/** The probe fields of a packed TargetRecord; `head` is its bytes before timeout_ms. */
function targetOf(bytes: Uint8Array, i: number): { head: Uint8Array; ip: string; port: number; attempt: number } {
  const o = i * TARGET.size;
  const a = o + TARGET.addr_n;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const family = bytes[o + TARGET.family] as number;
  const ip =
    family === 4
      ? `${bytes[a]}.${bytes[a + 1]}.${bytes[a + 2]}.${bytes[a + 3]}`
      : Array.from({ length: 8 }, (_, k) => view.getUint16(a + 2 * k, false).toString(16)).join(':');
  return {
    head: bytes.slice(o, o + TARGET.timeout_ms),
    ip,
    port: view.getUint16(o + TARGET.port_h, true),
    attempt: bytes[o + TARGET.attempt] as number,
  };
}

/** Writes one ResultRecord at record `i` of `out`. */
function writeResult(out: Uint8Array, i: number, head: Uint8Array, kind: Kind, rttUs: number): void {
  const o = i * RESULT.size;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out.set(head.subarray(0, RESULT.kind), o); // address, port, family: laid out alike in both records
  view.setUint8(o + RESULT.kind, kind);
  view.setInt32(o + RESULT.err, 0, true);
  view.setUint32(o + RESULT.rtt_us, rttUs, true);
  view.setUint8(o + RESULT.attempt, head[TARGET.attempt] as number);
}

/**
 * The connect engine's stand-in. Each submit is answered on a later turn of the event loop (after
 * `delayMs`), in batches of at most maxBatch records; silent probes come back as Kind.Timeout after
 * their own timeout. close() stops every delivery still pending.
 */
export class FakeConnectEngine implements NativeEngine {
  readonly submits: SubmitLog[] = [];
  closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly options: ConnectEngineOptions,
    private readonly onBatch: BatchCallback,
    private readonly script: Script,
    private readonly delayMs: number,
  ) {}

  submit(targets: Uint8Array, count: number, urgent = false): void {
    if (this.closed) throw new Error('submit after close');
    const probes = Array.from({ length: count }, (_, i) => targetOf(targets, i)); // copied: the caller reuses
    this.submits.push({ atMs: performance.now(), count, urgent, attempts: probes.map((p) => p.attempt) });
    const answered = probes.map((p) => ({ p, answer: this.script(p.ip, p.port, p.attempt) }));
    const timeoutMs = new DataView(targets.buffer, targets.byteOffset).getUint32(TARGET.timeout_ms, true);
    this.deliver(
      answered.filter((a) => a.answer !== 'silent'),
      this.delayMs,
    );
    this.deliver(
      answered.filter((a) => a.answer === 'silent'),
      Math.max(this.delayMs, Math.min(timeoutMs, 50)),
    );
  }

  /** The fake has no queue: every submitted probe is already "in flight". */
  dropQueued(): number {
    return 0;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private deliver(items: { p: ReturnType<typeof targetOf>; answer: Answer }[], afterMs: number): void {
    for (let k = 0; k < items.length; k += this.options.maxBatch) {
      const part = items.slice(k, k + this.options.maxBatch);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (this.closed) return;
        const out = new Uint8Array(part.length * RESULT.size);
        part.forEach(({ p, answer }, i) => {
          const kind = answer === 'silent' ? Kind.Timeout : answer;
          writeResult(out, i, p.head, kind, answer === 'silent' ? afterMs * 1000 : 200);
        });
        this.onBatch(null, out, part.length);
      }, afterMs);
      this.timers.add(timer);
    }
  }
}

export interface FakeBindingOptions {
  /** The connect engine's target. */
  script: Script;
  /** The SYN engine's target and pace; without it, making a SYN engine fails with ENOSYS. */
  syn?: FakeSynOptions;
  /** How long the fake target takes to answer, ms (default 1). */
  delayMs?: number;
  /** What getFdLimit() says (default 65536). */
  fdLimit?: number;
}

/** A fake binding and the engines it made, for the test to inspect. */
export function fakeBinding(opts: FakeBindingOptions): {
  binding: NativeBinding;
  connectEngines: FakeConnectEngine[];
  synEngines: FakeSynEngine[];
} {
  const connectEngines: FakeConnectEngine[] = [];
  const synEngines: FakeSynEngine[] = [];
  const binding: NativeBinding = {
    ABI_VERSION,
    LAYOUT,
    ConnectEngine: class {
      constructor(options: ConnectEngineOptions, onBatch: BatchCallback) {
        const engine = new FakeConnectEngine(options, onBatch, opts.script, opts.delayMs ?? 1);
        connectEngines.push(engine);
        return engine;
      }
    } as unknown as NativeBinding['ConnectEngine'],
    SynEngine: class {
      constructor(options: SynEngineOptions, intervals: Uint8Array, ports: Uint16Array, onBatch: SynBatchCallback) {
        if (!opts.syn) throw Object.assign(new Error('this fake binding has no SYN engine'), { code: 'ENOSYS' });
        const engine = new FakeSynEngine(options, intervals, ports, onBatch, opts.syn);
        synEngines.push(engine);
        return engine;
      }
    } as unknown as NativeBinding['SynEngine'],
    pcapError: () => (opts.syn ? null : 'this fake binding has no SYN engine'),
    getFdLimit: () => opts.fdLimit ?? 65536,
    nextHop: (): NextHopInfo => {
      throw Object.assign(new Error('no route in the fake binding'), { code: 'ENOROUTE' });
    },
    lookupUser: (key) => (key === 'nobody' || key === 65534 ? { name: 'nobody', uid: 65534, gid: 65534 } : null),
    dropCapabilities: () => {},
  };
  return { binding, connectEngines, synEngines };
}
