// SPDX-License-Identifier: MIT
// merge-records.ts: reading the NDJSON files `portscan merge` combines. Every record kind
// portscan writes is taken (port results, and tarpit records from lib/output/formats.ts); each
// is validated, since a merged report writes its fields back out (to a terminal, into JSON),
// and an error names the file and line with the bad value escaped and cut short. Addresses are
// canonical (2001:0002::0001 is 2001:2::1; ::ffff:198.18.0.1 is 198.18.0.1), so one host
// counts once however a file spells it.
import type { PortState } from '../scanner/classify';
import type { PortResult } from '../scanner/result';
import type { TarpitReport } from '../scanner/tarpit';
import { UsageError } from '../errors';
import { familyOf, formatAddress, parseAddress } from '../plan/ip';
import { escapeText, readInputFile, shownPath } from '../safe-fs';

const RANK: Record<PortState, number> = { open: 3, closed: 2, filtered: 1, unknown: 0 };
/** Text fields written back out as they are: printable ASCII, no quote or backslash, short. */
const PLAIN = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{0,64}$/;

/** What the merged inputs hold: the best result per (host, port), and the tarpit hosts. */
export interface MergedRecords {
  results: Map<string, PortResult>;
  tarpits: Map<string, TarpitReport>;
}

/** A value for a message: JSON text, escaped and cut short. */
function shown(v: unknown): string {
  return escapeText(typeof v === 'string' ? `'${v}'` : String(JSON.stringify(v)), 40);
}

function wholeAtLeast(min: number, v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min;
}

/** One line's record, checked; throws a message without the file and line (the caller adds them). */
function parseRecord(o: unknown): PortResult | TarpitReport {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('not a JSON object');
  const r = o as Record<string, unknown>;
  const addr = typeof r.ip === 'string' ? parseAddress(r.ip) : null;
  if (addr === null) throw new Error(`bad address ${shown(r.ip)}`);
  const ip = formatAddress(addr);
  if (r.tarpit === true) {
    if (!wholeAtLeast(0, r.open_ports)) throw new Error(`bad open_ports ${shown(r.open_ports)}`);
    if (!wholeAtLeast(0, r.answered_ports)) throw new Error(`bad answered_ports ${shown(r.answered_ports)}`);
    return { ip, open: r.open_ports as number, answered: r.answered_ports as number };
  }
  if (!wholeAtLeast(1, r.port) || (r.port as number) > 65535) {
    throw new Error(`bad port ${shown(r.port)} (a whole number from 1 to 65535)`);
  }
  if (typeof r.state !== 'string' || !(r.state in RANK)) {
    throw new Error(`bad state ${shown(r.state)} (open, closed, filtered or unknown)`);
  }
  for (const k of ['reason', 'service'] as const) {
    const v = r[k];
    if (v !== undefined && (typeof v !== 'string' || !PLAIN.test(v))) throw new Error(`bad ${k} ${shown(v)}`);
  }
  if (r.tries !== undefined && !wholeAtLeast(1, r.tries)) throw new Error(`bad tries ${shown(r.tries)}`);
  const rtt = r.rtt_ms ?? 0;
  if (typeof rtt !== 'number' || !Number.isFinite(rtt) || rtt < 0) throw new Error(`bad rtt_ms ${shown(rtt)}`);
  return {
    ip,
    family: familyOf(addr),
    port: r.port as number,
    state: r.state as PortState,
    reason: (r.reason as string | undefined) ?? '',
    rttMs: rtt,
    tries: (r.tries as number | undefined) ?? 1,
    service: (r.service as string | undefined) ?? '',
  };
}

function add(into: MergedRecords, rec: PortResult | TarpitReport): void {
  if (!('port' in rec)) {
    // Shards scan disjoint parts of the plan, so a host's counts from each add up.
    const old = into.tarpits.get(rec.ip);
    into.tarpits.set(rec.ip, old ? { ...old, open: old.open + rec.open, answered: old.answered + rec.answered } : rec);
    return;
  }
  const key = `${rec.ip} ${rec.port}`;
  const old = into.results.get(key);
  if (!old || RANK[rec.state] > RANK[old.state]) into.results.set(key, rec);
}

/** Reads NDJSON output files; the best state per (host, port) wins. Throws UsageError on a bad line. */
export function readRecords(files: string[]): MergedRecords {
  const into: MergedRecords = { results: new Map(), tarpits: new Map() };
  for (const file of files) {
    const text = readInputFile(file, 'merge input').toString('utf8');
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const where = `'${shownPath(file)}' line ${i + 1}`;
      let o: unknown;
      try {
        o = JSON.parse(line);
      } catch {
        throw new UsageError(`${where} is not JSON: merge reads -f ndjson output`);
      }
      try {
        add(into, parseRecord(o));
      } catch (err) {
        throw new UsageError(`${where}: ${(err as Error).message}`);
      }
    });
  }
  return into;
}
