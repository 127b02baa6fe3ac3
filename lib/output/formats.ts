// SPDX-License-Identifier: MIT
// formats.ts: the output forms. Streaming forms (ndjson, json, csv, list, ips, masscan-list,
// masscan-json) write each result as it is found, in scan order; aggregate forms (table, and
// nmap's grepable, normal and xml) write per host at the end, in address order. Every form
// leaves a complete, parseable file when the scan is stopped early.
import type { PortResult, ReportSummary } from '../scanner/result';
import type { HostRow } from './host-table';
import type { TarpitReport } from '../scanner/tarpit';
import { renderTable } from './table';
import type { Writer } from './writer';
import type { NmapHost } from './nmap-hosts';
import type { RunInfo } from './nmap-common';
import { nmapXml } from './nmap-xml';
import { doneComment, grepableHost, normalHost, startComment } from './nmap-text';
import { masscanJson, masscanList } from './masscan';
import { SERVICE_CSV_COLUMNS, serviceCsvValues, serviceJsonTail, serviceRecord } from '../service/record';

export const FORMATS = [
  'table',
  'ndjson',
  'json',
  'csv',
  'grepable',
  'list',
  'ips',
  'xml',
  'normal',
  'masscan-list',
  'masscan-json',
] as const;
export type FormatName = (typeof FORMATS)[number];

/** The forms written from the per-host tables at the end (the others stream each result). */
export const AGGREGATE_FORMATS: readonly FormatName[] = ['table', 'grepable', 'xml', 'normal'];

/** The per-host views the aggregate forms are written from, built when first asked for. */
export interface HostViews {
  rows(): HostRow[];
  nmap(openOnly: boolean): NmapHost[];
  /** Hosts with at least one final state (nmap's "hosts up" under -Pn). */
  hostsUp(): number;
}

/** What a formatter is made with: the scan's shape, --full, and the run's description. */
export interface FormatContext {
  full: boolean;
  mode: ReportSummary['mode'];
  plan: ReportSummary['plan'];
  run: RunInfo;
  /** The scan identifies services (-sV): CSV gets their columns. */
  service?: boolean;
}

export interface Formatter {
  begin(): void;
  /** One reported result (open, or any state with --full). */
  result(r: PortResult): void;
  end(summary: ReportSummary, views: HostViews): void;
}

/** The NDJSON/JSON record: ip, port, state, reason, rtt_ms, service, tries. */
export function resultRecord(r: PortResult): Record<string, unknown> {
  return {
    ip: r.ip,
    port: r.port,
    state: r.state,
    reason: r.reason,
    rtt_ms: r.rttMs,
    service: r.service,
    tries: r.tries,
    ...serviceRecord(r),
  };
}

/**
 * resultRecord(r) as one JSON line, written out by hand: a --full scan writes one per port, and
 * this is several times cheaper than building the object and calling JSON.stringify. Only the
 * service name comes from outside this program, so only it goes through the JSON encoder.
 */
export function ndjsonLine(r: PortResult): string {
  return (
    `{"ip":"${r.ip}","port":${r.port},"state":"${r.state}","reason":"${r.reason}","rtt_ms":${r.rttMs},` +
    `"service":${JSON.stringify(r.service)},"tries":${r.tries}${serviceJsonTail(r)}}\n`
  );
}

/** One line for a host flagged as a tarpit: its open ports past the limit were not listed. */
export function tarpitRecord(t: TarpitReport): Record<string, string | number | boolean> {
  return { ip: t.ip, tarpit: true, open_ports: t.open, answered_ports: t.answered };
}

function csvField(s: string | number): string {
  const t = String(s);
  return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** nmap's three forms, from the per-host view: the header first, each host and the footer at the end. */
function nmapForm(name: 'grepable' | 'normal' | 'xml', out: Writer, ctx: FormatContext): Formatter {
  const { run } = ctx;
  const xml = name === 'xml' ? nmapXml(out, ctx, run) : undefined;
  return {
    begin: () => (xml ? xml.begin() : out.write(startComment(run))),
    result() {},
    end: (summary, views) => {
      const hosts = views.nmap(run.openOnly);
      const up = views.hostsUp();
      if (xml) return xml.end(summary, hosts, up);
      for (const h of hosts) out.write(name === 'grepable' ? grepableHost(h) : normalHost(h, run.reason));
      out.write(doneComment(summary, run, up));
    },
  };
}

export function createFormatter(name: FormatName, out: Writer, ctx: FormatContext): Formatter {
  const { full, service } = ctx;
  switch (name) {
    case 'ndjson':
      return {
        begin() {},
        result: (r) => out.write(ndjsonLine(r)),
        end: (summary) => {
          for (const t of summary.tarpits ?? []) out.write(`${JSON.stringify(tarpitRecord(t))}\n`);
        },
      };
    case 'json': {
      let first = true;
      return {
        // A file holds its closing "]" after each flush (a full disk leaves a closed array).
        begin: () => {
          out.write('[');
          out.setTrailer(']\n');
        },
        result: (r) => {
          out.write(`${first ? '\n' : ',\n'}  ${JSON.stringify(resultRecord(r))}`);
          if (first) out.setTrailer('\n]\n');
          first = false;
        },
        end: (summary) => {
          for (const t of summary.tarpits ?? []) {
            out.write(`${first ? '\n' : ',\n'}  ${JSON.stringify(tarpitRecord(t))}`);
            first = false;
          }
          out.setTrailer('');
          out.write(first ? ']\n' : '\n]\n');
        },
      };
    }
    case 'csv':
      return {
        begin: () =>
          out.write(`ip,port,state,reason,rtt_ms,service,tries${service ? `,${SERVICE_CSV_COLUMNS}` : ''}\n`),
        result: (r) => {
          const base = [r.ip, r.port, r.state, r.reason, r.rttMs, r.service, r.tries];
          out.write(`${(service ? [...base, ...serviceCsvValues(r)] : base).map(csvField).join(',')}\n`);
        },
        end() {},
      };
    case 'list':
      return { begin() {}, result: (r) => out.write(`${r.ip} ${r.port} ${r.state}\n`), end() {} };
    case 'ips': {
      const seen = new Set<string>();
      return {
        begin() {},
        result: (r) => {
          if (r.state !== 'open' || seen.has(r.ip)) return;
          seen.add(r.ip);
          out.write(`${r.ip}\n`);
        },
        end() {},
      };
    }
    case 'grepable':
    case 'normal':
    case 'xml':
      return nmapForm(name, out, ctx);
    case 'masscan-list':
    case 'masscan-json': {
      const f = name === 'masscan-list' ? masscanList(out) : masscanJson(out);
      return { begin: f.begin, result: f.result, end: f.end };
    }
    case 'table':
      return {
        begin() {},
        result() {},
        end: (summary, views) => {
          const rows = views.rows();
          out.write(renderTable(summary, ctx.run.openOnly ? rows.filter((h) => h.open.length > 0) : rows, full));
        },
      };
  }
}
