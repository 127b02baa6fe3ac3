// SPDX-License-Identifier: MIT
// result.ts: the types every engine produces and every consumer reads: one port's final state
// (PortResult), the running counters, and the summary the output forms write at the end. The
// one builder of a reported PortResult from a native record lives here too, so both engines
// report the same fields the same way.
import type { ResultBatch } from '../native/records';
import type { ScanPlan } from '../plan/plan';
import { serviceName } from '../plan/services';
import type { PortState } from './classify';
import type { TarpitReport } from './tarpit';
import type { ServiceFields } from '../service/prober';

/** The final state of one (host, port). */
export interface PortResult {
  ip: string;
  family: 4 | 6;
  port: number;
  state: PortState;
  /** Why: syn-ack, conn-refused, no-response, host-unreach, ... */
  reason: string;
  /** Round trip of the answer (or time waited), ms. */
  rttMs: number;
  /** Probes sent for this port. */
  tries: number;
  /** IANA service name, '' when none; with service identification, the identified name. */
  service: string;
  /** With service identification (-sV): product, version, banner, tls, http, method, conf. */
  product?: string;
  version?: string;
  extrainfo?: string;
  tunnel?: ServiceFields['tunnel'];
  banner?: string;
  tls?: ServiceFields['tls'];
  http?: ServiceFields['http'];
  method?: ServiceFields['method'];
  conf?: number;
}

export interface ScanCounters {
  /** Probes handed to the engine, retries included. */
  sent: number;
  /** (host, port) pairs with a final state. */
  done: number;
  open: number;
}

/** What the output forms read when a scan (or a merge of scans) ends. */
export interface ReportSummary {
  /** The engine that scanned, or 'merged' for `portscan merge`. */
  mode: 'connect' | 'syn' | 'merged';
  plan: Pick<ScanPlan, 'hosts' | 'ports' | 'total'>;
  counters: ScanCounters;
  /** Stopped before the end of the plan (Ctrl-C, AbortSignal, a failed write). */
  aborted: boolean;
  elapsedMs: number;
  /** Hosts that answered on (nearly) every port; their open ports past the limit were not listed. */
  tarpits?: TarpitReport[];
}

/** The reported result for record `i` of `batch`, with its classified state and reason. */
export function portResult(batch: ResultBatch, i: number, ip: string, state: PortState, reason: string): PortResult {
  const port = batch.port(i);
  return {
    ip,
    family: batch.family(i) === 6 ? 6 : 4,
    port,
    state,
    reason,
    rttMs: Math.round(batch.rttUs(i) / 10) / 100,
    tries: batch.attempt(i) + 1,
    service: serviceName(port),
  };
}
