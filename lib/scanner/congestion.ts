// SPDX-License-Identifier: MIT
// congestion.ts: connect mode's per-host congestion windows, after nmap's (timing.cc). A
// listener whose accept queue is full drops SYNs without a word, exactly as a filter does; the
// difference shows when a retry is answered: an earlier try was lost, not filtered. That answer
// is the one congestion signal; a timeout alone never is (a filtered port stays silent forever,
// and a silent range must not slow a scan down).
//
// A host may have at most its window of probes outstanding (submitted to the engine, not yet
// resulted). A host that has answered nothing is not limited (it cannot be congested by our
// probes as far as we can tell, and filtered ranges go as fast as before); its first answer
// opens a window of INITIAL_WINDOW (or what it has outstanding, if more), which grows by one per
// answered first try (slow start) and, while the host answers nothing, by one per silent one.
// On the signal the window is cut, at most once per timeout period, only if a try sent since
// the last cut has timed out (so retries of probes lost before a cut, answered after it, do not
// cut again, as in TCP's fast recovery), and only when lost tries are a large share of the tries
// sent with them: tries are counted by when they were sent, in buckets a timeout long, an answered
// one in its own bucket and the try before an answered retry (lost: sent a timeout before it) in
// its; a bucket of tries sent since the last cut (with the one before it, where a retry held back
// may have put its lost try) with at least MIN_SIGNAL lost, CUT_SHARE of them, cuts. A full
// listen queue drops most SYNs while it is full; a lossy path drops a few at random, and cutting
// for those (nmap's and TCP's rule) collapses the rate: with 1% loss each way, a one-host scan
// asked for 5,000 probes/s made 203 in `portscan bench`. Counting by send time keeps the end of a
// scan right: once a host's first tries are all sent only retries are answered, which a count by
// answer time would read as everything lost. The first cut takes it to half of what the host
// answered in a timeout period (what its listener took), each later one halves it, never below
// MIN_WINDOW; it then grows by one per window of answered first tries. On loopback a round trip
// takes microseconds, so a window alone would not slow a listener's queue down: once cut, a host
// is also paced, its window of probes spread over each timeout period. Probes held back wait
// here, per host (retries first), and go when answers come back and their time comes.
//
// Only hosts with probes outstanding or held back, or with a cut in force, have an entry; idle
// hosts that were cut are forgotten once more than KEEP_IDLE of them are kept. Policy only:
// connect.ts feeds it and packs the probes.
import { TARGET } from '../native/records';
import { bucketAt, type Bucket } from './loss-buckets';
import type { HostKey } from './host-key';

/** How a try ended: answered (open or closed), silent until its timeout, or another error. */
export type TryEnd = 'answered' | 'timeout' | 'error';

export const INITIAL_WINDOW = 64;
export const MIN_WINDOW = 2;
/** The share of a host's answers that were retries (its earlier tries lost) from which it is cut. */
export const CUT_SHARE = 0.2;
/** Lost tries a cut needs at least (fewer are as likely random loss: 5% each way loses 10% of tries). */
export const MIN_SIGNAL = 6;
const KEEP_IDLE = 4096;
interface Host {
  outstanding: number;
  /** Infinity until the host's first answer. */
  cwnd: number;
  /** Infinity until the first cut (or once the window is back at its largest). */
  ssthresh: number;
  cutAtMs: number;
  /** A try sent after the last cut has timed out (it may have been lost). */
  freshLoss: boolean;
  /** A host that was cut sends its next probe no earlier than this. */
  nextAtMs: number;
  /** Answers in the timeout period that began at periodAtMs, and in the one before. */
  answers: number;
  answersBefore: number;
  /** The latest buckets of tries by send time (at most BUCKETS). */
  buckets: Bucket[];
  periodAtMs: number;
  /** Packed heads (records.ts) of the probes waiting for room: retries first, then new ones, oldest first. */
  held: Uint8Array[];
}

function newHost(): Host {
  const none = { answers: 0, answersBefore: 0, buckets: [], periodAtMs: -Infinity, nextAtMs: 0 };
  return {
    outstanding: 0,
    cwnd: Infinity,
    ssthresh: Infinity,
    cutAtMs: -Infinity,
    freshLoss: false,
    held: [],
    ...none,
  };
}

/** Said once, at the first cut of a scan. */
export function firstCutNotice(ip: string): string {
  return `${ip} drops connection attempts (its listen queue may be full): sending to it more slowly`;
}

export class HostWindows {
  private readonly hosts = new Map<HostKey, Host>();
  /** Hosts with probes held back and room for them. */
  private readonly ready = new Set<HostKey>();
  private idleCut = 0;
  /** Probes held back, all hosts. */
  heldCount = 0;
  /** Window cuts so far. */
  cuts = 0;

  /** @param maxWindow the largest window: past it a host is no longer limited (the global bounds still are). */
  constructor(private readonly maxWindow: number) {}

  /** Hosts with an entry (for tests: memory stays bounded). */
  get size(): number {
    return this.hosts.size;
  }

  /**
   * When the first held-back probe may go (at or before `nowMs`: at once), or undefined when
   * none is waiting for its time (those still waiting for room go when answers come back).
   */
  dueAtMs(): number | undefined {
    let due: number | undefined;
    for (const key of this.ready) {
      const h = this.hosts.get(key) as Host;
      const at = h.ssthresh === Infinity ? -Infinity : h.nextAtMs;
      if (due === undefined || at < due) due = at;
    }
    return due;
  }

  /** May a new probe of `key` go now (room in its window, its time come, none held back before it)? */
  room(key: HostKey, nowMs: number): boolean {
    const h = this.hosts.get(key);
    return !h || (h.held.length === 0 && this.canSend(h, nowMs));
  }

  /** The window of `key` now (Infinity for a host that has answered nothing). */
  window(key: HostKey): number {
    return Math.floor(this.hosts.get(key)?.cwnd ?? Infinity);
  }

  /** Has `key` answered anything (its window is open; its retries wait longer: see connect.ts)? */
  answering(key: HostKey): boolean {
    return (this.hosts.get(key)?.cwnd ?? Infinity) !== Infinity;
  }

  /** Has `key` had a cut still in force (it is paced)? */
  throttled(key: HostKey): boolean {
    return (this.hosts.get(key)?.ssthresh ?? Infinity) !== Infinity;
  }

  /** One probe of `key` was submitted at `nowMs`; `holdMs` is the current timeout. */
  sent(key: HostKey, nowMs: number, holdMs: number): void {
    let h = this.hosts.get(key);
    if (!h) {
      h = newHost();
      this.hosts.set(key, h);
    } else if (h.outstanding === 0 && h.held.length === 0) this.idleCut--;
    h.outstanding++;
    if (h.ssthresh !== Infinity) h.nextAtMs = Math.max(h.nextAtMs, nowMs) + holdMs / Math.floor(h.cwnd);
  }

  /**
   * Holds back a probe of `key` that has no room (`head`: its packed head, a copy). A retry
   * goes ahead of the new probes held: its answer is the signal, and its time is running out.
   */
  hold(key: HostKey, head: Uint8Array): void {
    const h = this.hosts.get(key);
    if (!h) throw new Error('congestion: a probe held back for a host with nothing outstanding');
    if ((head[TARGET.attempt] as number) > 0) h.held.unshift(head);
    else h.held.push(head);
    this.heldCount++;
    if (h.outstanding < Math.floor(h.cwnd)) this.ready.add(key); // only its time is to come
  }

  /**
   * A try of `key` ended after `elapsedMs`: `end` says how (answered: open or closed). `attempt`
   * is the try (0 = the first); `holdMs` the current timeout (one cut per such period). Returns
   * true when this ended in a cut.
   */
  ended(key: HostKey, end: TryEnd, attempt: number, nowMs: number, holdMs: number, elapsedMs: number): boolean {
    const h = this.hosts.get(key);
    if (!h) return false;
    let cut = false;
    let lostBucket: Bucket | undefined;
    if (nowMs - h.periodAtMs >= holdMs) {
      h.answersBefore = nowMs - h.periodAtMs < 2 * holdMs ? h.answers : 0;
      h.answers = 0;
      h.periodAtMs = nowMs;
    }
    if (end === 'answered') {
      h.answers++;
      const sentAtMs = nowMs - elapsedMs;
      const sent = bucketAt(h.buckets, sentAtMs, holdMs);
      if (sent) sent.answered++;
      if (attempt > 0) {
        // The try before it was lost: it went out a timeout before this one.
        lostBucket = bucketAt(h.buckets, sentAtMs - holdMs, holdMs);
        if (lostBucket) lostBucket.lost++;
      }
      if (h.cwnd === Infinity) h.cwnd = Math.max(INITIAL_WINDOW, h.outstanding);
    }
    if (end === 'timeout' && nowMs - elapsedMs > h.cutAtMs) h.freshLoss = true;
    if (end === 'answered' && attempt > 0 && lostBucket) cut = this.cut(h, nowMs, holdMs, lostBucket);
    else if (attempt === 0 && (end === 'answered' || (end === 'timeout' && this.silentHost(h)))) this.grow(h);
    h.outstanding--;
    if (h.held.length > 0 && h.outstanding < Math.floor(h.cwnd)) this.ready.add(key);
    else if (h.outstanding === 0 && h.held.length === 0) this.idle(key, h);
    return cut;
  }

  /**
   * Hands held-back probes whose host has room and whose time has come to `send`, oldest first
   * per host, until `send` returns false (no budget left: that probe is kept for later). The
   * caller counts each one sent with sent().
   */
  release(nowMs: number, send: (key: HostKey, head: Uint8Array) => boolean): void {
    for (const key of this.ready) {
      const h = this.hosts.get(key) as Host;
      while (h.held.length > 0 && this.canSend(h, nowMs)) {
        if (!send(key, h.held[0] as Uint8Array)) return;
        h.held.shift();
        this.heldCount--;
      }
      if (h.held.length === 0 || h.outstanding >= Math.floor(h.cwnd)) this.ready.delete(key);
    }
  }

  /** The line for the end of the scan. */
  summary(): string {
    const times = `${this.cuts} time${this.cuts === 1 ? '' : 's'}`;
    return `congestion: window cut ${times} (hosts that dropped connection attempts were sent to more slowly)`;
  }

  /** Forgets every held-back probe (the scan is stopping). */
  clear(): void {
    this.hosts.clear();
    this.ready.clear();
    this.heldCount = 0;
    this.idleCut = 0;
  }

  /**
   * A silent first try opens the window only of a host never cut that answered nothing this
   * timeout period or the last: a host that only stays silent (filtered) must not be held to
   * INITIAL_WINDOW, but one that answers grows by its answers, not by the SYNs its full listen
   * queue drops before the first cut.
   */
  private silentHost(h: Host): boolean {
    return h.ssthresh === Infinity && h.answers === 0 && h.answersBefore === 0;
  }

  private canSend(h: Host, nowMs: number): boolean {
    return h.outstanding < Math.floor(h.cwnd) && (h.ssthresh === Infinity || nowMs >= h.nextAtMs);
  }

  private grow(h: Host): void {
    h.cwnd += h.cwnd < h.ssthresh ? 1 : 1 / h.cwnd;
    if (h.cwnd >= this.maxWindow) {
      h.cwnd = this.maxWindow;
      h.ssthresh = Infinity; // recovered: as a host never cut
    }
  }

  private cut(h: Host, nowMs: number, holdMs: number, b: Bucket): boolean {
    if (!h.freshLoss || nowMs - h.cutAtMs < holdMs || b.startMs < h.cutAtMs) return false;
    // A lost try is placed a timeout before its retry went out, and a retry can wait longer than
    // that (held back, paced): it was sent in `b` or earlier. So `b` and the bucket before it
    // (when sent since the last cut) are judged together.
    const prev = h.buckets.find((x) => x.endMs === b.startMs && x.startMs >= h.cutAtMs);
    const lost = b.lost + (prev?.lost ?? 0);
    const tries = b.answered + b.lost + (prev ? prev.answered + prev.lost : 0);
    if (lost < Math.max(MIN_SIGNAL, CUT_SHARE * tries)) return false;
    // Before its first cut a host's window counts probes outstanding, not a rate (on loopback
    // hardly any are): the first cut paces it at half what its listener took in a timeout period
    // (what answered in one).
    const took = Math.max(h.answers, h.answersBefore);
    const base = h.ssthresh === Infinity ? Math.min(h.cwnd, took) : h.cwnd;
    h.ssthresh = Math.max(MIN_WINDOW, Math.floor(base / 2));
    h.cwnd = h.ssthresh;
    h.cutAtMs = nowMs;
    h.freshLoss = false;
    this.cuts++;
    return true;
  }

  /** `key` has nothing outstanding or held: forget it, or keep its cut for a while. */
  private idle(key: HostKey, h: Host): void {
    if (h.ssthresh === Infinity) {
      this.hosts.delete(key);
      return;
    }
    if (++this.idleCut <= KEEP_IDLE) return;
    for (const [k, other] of this.hosts) {
      if (other.outstanding === 0 && other.held.length === 0) this.hosts.delete(k);
    }
    this.idleCut = 0;
  }
}
