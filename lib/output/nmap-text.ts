// SPDX-License-Identifier: MIT
// nmap-text.ts: nmap's two text forms, written from the per-host view (nmap-hosts.ts) at the end
// of the scan. grepable (-oG), line for line as nmap 7.93 writes it with -Pn -n: per host a
// "Status: Up" line and a "Ports:" line ("22/open/tcp//ssh///, ...", then "Ignored State:" with
// the largest summed-up state), between a header and a footer comment. normal (-oN): nmap's
// report per host, "Not shown: N closed tcp ports (reset)" and the PORT STATE SERVICE table
// (with --reason a REASON column). The comments name portscan, not nmap.
import type { ReportSummary } from '../scanner/result';
import type { NmapHost, NmapPort } from './nmap-hosts';
import { PORTSCAN_VERSION, commentText, ctime, doneLine, nmapServiceName, type RunInfo } from './nmap-common';

export function startComment(run: RunInfo): string {
  return commentText(`# portscan ${PORTSCAN_VERSION} scan initiated ${ctime(run.startMs)} as: ${run.args}`) + '\n';
}

export function doneComment(summary: ReportSummary, run: RunInfo, hostsUp: number): string {
  const stopped = summary.aborted ? ` (stopped early: ${summary.counters.done} of ${summary.plan.total} probes)` : '';
  const when = ctime(run.startMs + summary.elapsedMs);
  return `# portscan done at ${when} -- ${doneLine(hostsUp, summary.elapsedMs)}${stopped}\n`;
}

/** nmap's service name of a listed port: "ssl|http" for one inside TLS (grepable), "ssl/http" (normal). */
function serviceOf(p: NmapPort, tunnelSep: string): string {
  if (!p.service) return nmapServiceName(p.port);
  return p.service.tunnel ? `${p.service.tunnel}${tunnelSep}${p.service.name}` : p.service.name;
}

/** nmap's version text: "OpenSSH 9.2p1 (protocol 2.0)". */
function versionOf(p: NmapPort): string {
  const s = p.service;
  if (!s) return '';
  return [s.product, s.version, s.extrainfo ? `(${s.extrainfo})` : undefined].filter(Boolean).join(' ');
}

/** grepable fields are separated by "/" and ports by ", ": those characters become "|" and ";" in a text. */
const grepText = (t: string): string => t.replace(/\//g, '|').replace(/,/g, ';');

/** A host's two grepable lines. */
export function grepableHost(h: NmapHost): string {
  const ports = h.ports
    .map((p) => `${p.port}/${p.state}/tcp//${grepText(serviceOf(p, '|'))}//${grepText(versionOf(p))}/`)
    .join(', ');
  const ignored = h.extra[0] ? `\tIgnored State: ${h.extra[0].state} (${h.extra[0].count})` : '';
  return `Host: ${h.ip} ()\tStatus: Up\nHost: ${h.ip} ()\tPorts: ${ports}${ignored}\n`;
}

/** "closed tcp ports (reset)", or with several reasons "(90 no-response, 5 host-unreach)". */
function notShownPart(e: NmapHost['extra'][number]): string {
  const why = e.reasons.length === 1 ? e.reasons[0]?.reason : e.reasons.map((r) => `${r.count} ${r.reason}`).join(', ');
  return `${e.count} ${e.state} tcp port${e.count === 1 ? '' : 's'} (${why})`;
}

/** A host's report in nmap's normal form, a blank line after it. */
export function normalHost(h: NmapHost, reason: boolean): string {
  const out = [`portscan scan report for ${h.ip}`, 'Host is up.'];
  const summed = h.extra.reduce((n, e) => n + e.count, 0);
  if (h.ports.length === 0) out.push(`All ${summed} scanned ports on ${h.ip} are in ignored states.`);
  if (h.extra.length > 0) out.push(`Not shown: ${h.extra.map(notShownPart).join(', ')}`);
  if (h.ports.length > 0) {
    const versions = h.ports.some((p) => p.service !== undefined);
    const rows = h.ports.map((p) => {
      const row = [`${p.port}/tcp`, p.state, serviceOf(p, '/') || 'unknown'];
      if (reason) row.push(p.reason);
      if (versions) row.push(versionOf(p));
      return row;
    });
    const header = ['PORT', 'STATE', 'SERVICE', ...(reason ? ['REASON'] : []), ...(versions ? ['VERSION'] : [])];
    const width = header.map((t, c) => Math.max(t.length, ...rows.map((r) => (r[c] as string).length)) + 1);
    for (const r of [header, ...rows]) {
      out.push(
        r
          .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(width[c] as number)))
          .join('')
          .trimEnd(),
      );
    }
  }
  return `${out.join('\n')}\n\n`;
}
