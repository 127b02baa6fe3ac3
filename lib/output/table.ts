// SPDX-License-Identifier: MIT
// table.ts: the seed's table, one row per host: IP, open ports with service names, number of
// closed ports, number of silent ports; with --full each host's full port list follows, ranges
// compressed. Hosts that gave no answer at all are counted in the footer, not listed, unless
// --full asks for everything.
import type { ReportSummary } from '../scanner/result';
import type { HostRow } from './host-table';
import { compressPorts } from '../plan/port-list';
import { serviceName } from '../plan/services';

function openCell(ports: number[], labels?: Map<number, string>): string {
  if (ports.length === 0) return '-';
  return ports
    .map((p) => {
      const label = labels?.get(p) || serviceName(p);
      return label ? `${p} (${label})` : String(p);
    })
    .join(', ');
}

export function renderTable(summary: ReportSummary, hosts: HostRow[], full: boolean): string {
  const shown = full ? hosts : hosts.filter((h) => h.open.length > 0 || h.closed > 0);
  const silentHosts = hosts.length - shown.length;
  const header = ['IP', 'Open ports', 'Closed', 'Silent'];
  const tarpits = new Map((summary.tarpits ?? []).map((t) => [t.ip, t]));
  const rows = shown.map((h) => {
    const t = tarpits.get(h.ip);
    const open = t ? `tarpit? answers on ${t.open} of ${t.answered} ports` : openCell(h.open, h.labels);
    return [h.ip, open, String(h.closed), String(h.filtered)];
  });
  const width = header.map((t, c) => Math.max(t.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => (c >= 2 ? cell.padStart(width[c] as number) : cell.padEnd(width[c] as number)))
      .join('  ')
      .trimEnd();
  const out: string[] = [line(header), line(width.map((w) => '-'.repeat(w)))];
  shown.forEach((h, i) => {
    out.push(line(rows[i] as string[]));
    if (full) {
      if (h.open.length && !tarpits.has(h.ip)) out.push(`    open:   ${compressPorts(h.open)}`);
      if (h.closedPorts?.length) out.push(`    closed: ${compressPorts(h.closedPorts)}`);
      if (h.filteredPorts?.length) out.push(`    silent: ${compressPorts(h.filteredPorts)}`);
    }
  });
  const c = summary.counters;
  const hostCount = summary.plan.hosts.count();
  const secs = (summary.elapsedMs / 1000).toFixed(2);
  out.push('');
  out.push(
    `${hostCount} host${hostCount === 1n ? '' : 's'} x ${summary.plan.ports.length} ports (${summary.mode} mode): ` +
      `${c.open} open, ${c.done} of ${summary.plan.total} probed` +
      // NDJSON records carry no scan times: a merge does not make one up.
      (summary.mode === 'merged' ? ', merged from NDJSON' : ` in ${secs} s`) +
      (silentHosts > 0 ? `; ${silentHosts} host${silentHosts === 1 ? '' : 's'} gave no answer` : '') +
      (summary.aborted ? ' (stopped early)' : ''),
  );
  return `${out.join('\n')}\n`;
}
