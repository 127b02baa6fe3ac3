// SPDX-License-Identifier: MIT
// queue.ts: runs identifications beside the scan. Open results are queued as they are found and
// handed on once identified (or at once, unprobed, when a cap says no): at most `tasks`
// connections' worth of identifications at a time, at most `perHost` per host, a host whose
// identifications keep ending in silence gets no more, and with a rate every connection waits
// for a token of its own bucket and is debited from the scan's (so the two together keep to
// --rate, and after the scan's last probe the connections alone do). The scan's own sending
// never waits for a connection to end.
import type { PortResult } from '../scanner/result';
import { identify, SERVICE_DEFAULTS, type ServiceConfig, type ServiceFields } from './prober';

export interface ServiceOptions extends Partial<ServiceConfig> {
  /** Simultaneous identifications (--service-tasks), default 64. */
  tasks?: number;
  /** Simultaneous identifications per host, default 8. */
  perHost?: number;
  /** A host whose identifications end silent this many times in a row gets no more (default 6). */
  silentLimit?: number;
}

/** --rate as the queue sees it: connections per second at most, and the scan's bucket to debit. */
export interface ServiceRate {
  /** 0: no limit. */
  ratePps: number;
  /** The scan sends `tokens` fewer probes (Scanner.debit). */
  debit?(tokens: number): void;
}

export type Identify = (
  ip: string,
  port: number,
  tableName: string,
  admit: () => Promise<boolean>,
) => Promise<ServiceFields>;

/** A result handed on without identification: its table name, method 'table'. */
function unprobed(r: PortResult): PortResult & ServiceFields {
  return { ...r, service: r.service || 'unknown', method: 'table', conf: 3 };
}

interface HostState {
  running: number;
  silentInRow: number;
}

export class ServiceQueue {
  private readonly waiting: PortResult[] = [];
  private readonly hosts = new Map<string, HostState>();
  private running = 0;
  private stopped = false;
  private idle: (() => void) | undefined;
  private readonly tasks: number;
  private readonly perHost: number;
  private readonly silentLimit: number;
  private readonly identifyOne: Identify;
  /** Token bucket for --rate: the next moment a connection may start, ms (performance.now). */
  private nextSlotMs = 0;

  /**
   * @param deliver receives every submitted result, identified or not, exactly once.
   * @param rate connections per second at most (0: no limit), each debited from the scan's rate.
   */
  constructor(
    options: ServiceOptions,
    private readonly deliver: (r: PortResult) => void,
    private readonly rate: ServiceRate = { ratePps: 0 },
    identifyFn?: Identify,
  ) {
    this.tasks = options.tasks ?? 64;
    this.perHost = options.perHost ?? 8;
    this.silentLimit = options.silentLimit ?? 6;
    const config: ServiceConfig = { ...SERVICE_DEFAULTS };
    for (const k of Object.keys(SERVICE_DEFAULTS) as (keyof ServiceConfig)[]) {
      const v = options[k];
      if (v !== undefined) config[k] = v;
    }
    if (options.timeoutMs !== undefined) {
      config.bannerWaitMs = Math.min(config.bannerWaitMs, options.timeoutMs);
      config.probeWaitMs = Math.min(config.probeWaitMs, options.timeoutMs);
    }
    this.identifyOne = identifyFn ?? ((ip, port, name, admit) => identify(ip, port, name, config, admit));
  }

  /** Results waiting or being identified. */
  get pending(): number {
    return this.waiting.length + this.running;
  }

  /** Queues an open result for identification. */
  submit(r: PortResult): void {
    if (this.stopped) return this.deliver(unprobed(r));
    this.waiting.push(r);
    this.pump();
  }

  /** No new identifications: queued results are handed on unprobed; running ones finish. */
  stop(): void {
    this.stopped = true;
    for (const r of this.waiting.splice(0)) this.deliver(unprobed(r));
    this.checkIdle();
  }

  /** Resolves once every submitted result has been handed on. */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const prev = this.idle;
      this.idle = () => {
        prev?.();
        resolve();
      };
    });
  }

  private host(ip: string): HostState {
    let h = this.hosts.get(ip);
    if (!h) this.hosts.set(ip, (h = { running: 0, silentInRow: 0 }));
    return h;
  }

  private pump(): void {
    for (let i = 0; i < this.waiting.length && this.running < this.tasks;) {
      const r = this.waiting[i] as PortResult;
      const h = this.host(r.ip);
      if (h.silentInRow >= this.silentLimit) {
        this.waiting.splice(i, 1);
        this.deliver(unprobed(r));
        continue;
      }
      if (h.running >= this.perHost) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.start(r, h);
    }
  }

  private start(r: PortResult, h: HostState): void {
    this.running++;
    h.running++;
    const admit = (): Promise<boolean> => this.admit();
    this.identifyOne(r.ip, r.port, r.service, admit)
      .catch((): ServiceFields => unprobed(r))
      .then((fields) => {
        h.silentInRow = fields.silent ? h.silentInRow + 1 : 0;
        const { silent: _silent, ...shown } = fields;
        this.running--;
        h.running--;
        this.deliver({ ...r, ...shown });
        this.pump();
        this.checkIdle();
      });
  }

  /** Waits for a token of the rate's bucket, then debits the scan's; false once the queue is stopped. */
  private admit(): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    const { ratePps } = this.rate;
    if (ratePps <= 0) return Promise.resolve(true);
    const now = performance.now();
    const slot = Math.max(now, this.nextSlotMs);
    this.nextSlotMs = slot + 1000 / ratePps;
    const take = (): boolean => {
      if (this.stopped) return false;
      this.rate.debit?.(1);
      return true;
    };
    if (slot <= now) return Promise.resolve(take());
    return new Promise((resolve) => setTimeout(() => resolve(take()), slot - now));
  }

  private checkIdle(): void {
    if (this.pending > 0 || !this.idle) return;
    const done = this.idle;
    this.idle = undefined;
    done();
  }
}
