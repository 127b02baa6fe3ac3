// SPDX-License-Identifier: MIT
// formats.ts: the output forms. Streaming forms (ndjson, json, csv, list, ips) write each result
// as it is found; aggregate forms (table, grepable) write per host at the end. Every form leaves
// a complete, parseable file when the scan is stopped early.
import type { PortResult, ReportSummary } from '../scanner/result';
import type { HostRow } from './host-table';
import type { TarpitReport } from '../scanner/tarpit';
import { renderTable } from './table';
import type { Writer } from './writer';
import { SERVICE_CSV_COLUMNS, serviceCsvValues, serviceJsonTail, serviceRecord } from '../service/record';

export const FORMATS = ['table', 'ndjson', 'json', 'csv', 'grepable', 'list', 'ips'] as const;
export type FormatName = (typeof FORMATS)[number];

export interface Formatter {
  begin(): void;
  /** One reported result (open, or any state with --full). */
  result(r: PortResult): void;
  end(summary: ReportSummary, hosts: HostRow[]): void;
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

/** `service`: the scan identifies services (CSV gets their columns). */
export function createFormatter(name: FormatName, out: Writer, full: boolean, service = false): Formatter {
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
      return {
        begin() {},
        result() {},
        end: (summary, hosts) => {
          out.write(`# portscan ${summary.mode} scan, ${summary.plan.ports.length} ports per host\n`);
          for (const h of hosts) {
            const ports = h.open.map((p) => `${p}/open/tcp`);
            if (full) {
              for (const p of h.closedPorts ?? []) ports.push(`${p}/closed/tcp`);
              for (const p of h.filteredPorts ?? []) ports.push(`${p}/filtered/tcp`);
            }
            const tarpit = summary.tarpits?.find((t) => t.ip === h.ip);
            if (tarpit) {
              out.write(
                `Host: ${h.ip}\tTarpit: answers on ${tarpit.open} of ${tarpit.answered} ports` +
                  `\tClosed: ${h.closed}\tSilent: ${h.filtered}\n`,
              );
              continue;
            }
            out.write(`Host: ${h.ip}\tPorts: ${ports.join(', ')}\tClosed: ${h.closed}\tSilent: ${h.filtered}\n`);
          }
          out.write(
            `# done: ${summary.counters.done} of ${summary.plan.total} probes` +
              `${summary.aborted ? ' (stopped early)' : ''}\n`,
          );
        },
      };
    case 'table':
      return { begin() {}, result() {}, end: (summary, hosts) => out.write(renderTable(summary, hosts, full)) };
  }
}
