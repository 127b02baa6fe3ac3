// SPDX-License-Identifier: MIT
// nmap-xml.ts: nmap's XML form (-oX; nmap.dtd, xmloutputversion 1.05), as nmap 7.93 writes it
// for `-Pn -n`: every host scanned is "up" (reason user-set), its ports summed up or listed by
// nmap's rule (nmap-hosts.ts). The header is written when the scan starts; the hosts and the run
// statistics at the end. From the first flush on, the file ends with a closing <runstats> that
// says the output is incomplete, so a stopped scan or a full disk still leaves a valid document.
// The one difference from nmap's: scanner="portscan" (the DTD allows only "nmap"), version ours.
import type { ReportSummary } from '../scanner/result';
import type { Writer } from './writer';
import type { NmapHost, NmapPort } from './nmap-hosts';
import { compressPorts } from '../plan/port-list';
import {
  PORTSCAN_VERSION,
  ctime,
  doneLine,
  epochSeconds,
  nmapServiceName,
  scanType,
  xmlAttr,
  type RunInfo,
} from './nmap-common';

/** The document's end when it was cut short: still valid, and saying so. */
function incompleteEnd(run: RunInfo): string {
  return (
    `<runstats><finished time="${epochSeconds(run.startMs)}" elapsed="0" exit="error" ` +
    `errormsg="output incomplete: the scan or its output was stopped"/><hosts up="0" down="0" total="0"/>\n` +
    '</runstats>\n</nmaprun>\n'
  );
}

export function xmlHeader(summary: Pick<ReportSummary, 'mode' | 'plan'>, run: RunInfo): string {
  const ports = [...summary.plan.ports].sort((a, b) => a - b);
  const when = ctime(run.startMs);
  // "--" may not appear inside an XML comment: nmap writes "-&#45;" there, and in `args` too.
  const args = xmlAttr(run.args).replace(/(?<=-)-/g, '&#45;');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nmaprun>\n' +
    '<?xml-stylesheet href="file:///usr/share/nmap/nmap.xsl" type="text/xsl"?>\n' +
    `<!-- portscan ${PORTSCAN_VERSION} scan initiated ${when} as: ${args} -->\n` +
    `<nmaprun scanner="portscan" args="${args}" start="${epochSeconds(run.startMs)}" ` +
    `startstr="${when}" version="${PORTSCAN_VERSION}" xmloutputversion="1.05">\n` +
    `<scaninfo type="${scanType(summary as ReportSummary)}" protocol="tcp" numservices="${ports.length}" ` +
    `services="${compressPorts(ports)}"/>\n` +
    '<verbose level="0"/>\n<debugging level="0"/>\n'
  );
}

export function xmlHost(h: NmapHost, startS: number, endS: number): string {
  const out: string[] = [
    `<host starttime="${startS}" endtime="${endS}"><status state="up" reason="user-set" reason_ttl="0"/>\n` +
      `<address addr="${h.ip}" addrtype="ipv${h.family}"/>\n<hostnames>\n</hostnames>\n<ports>`,
  ];
  for (const e of h.extra) {
    out.push(`<extraports state="${e.state}" count="${e.count}">\n`);
    for (const r of e.reasons) {
      out.push(`<extrareasons reason="${xmlAttr(r.reason)}" count="${r.count}" proto="tcp"/>\n`);
    }
    out.push('</extraports>\n');
  }
  for (const p of h.ports) {
    out.push(
      `<port protocol="tcp" portid="${p.port}"><state state="${p.state}" reason="${xmlAttr(p.reason)}" ` +
        `reason_ttl="0"/>${serviceElement(p)}</port>\n`,
    );
  }
  out.push('</ports>\n</host>\n');
  return out.join('');
}

export function xmlFooter(summary: ReportSummary, run: RunInfo, hostsUp: number): string {
  const endMs = run.startMs + summary.elapsedMs;
  const elapsed = (summary.elapsedMs / 1000).toFixed(2);
  const done = `portscan done at ${ctime(endMs)}; ${doneLine(hostsUp, summary.elapsedMs)}`;
  const exit = summary.aborted
    ? `exit="error" errormsg="stopped early: ${summary.counters.done} of ${summary.plan.total} probes done"`
    : 'exit="success"';
  return (
    `<runstats><finished time="${epochSeconds(endMs)}" timestr="${ctime(endMs)}" summary="${xmlAttr(done)}" ` +
    `elapsed="${elapsed}" ${exit}/><hosts up="${hostsUp}" down="0" total="${hostsUp}"/>\n</runstats>\n</nmaprun>\n`
  );
}

export interface XmlFormatter {
  begin(): void;
  end(summary: ReportSummary, hosts: NmapHost[], hostsUp: number): void;
}

export function nmapXml(out: Writer, summary: Pick<ReportSummary, 'mode' | 'plan'>, run: RunInfo): XmlFormatter {
  return {
    begin: () => {
      out.write(xmlHeader(summary, run));
      out.setTrailer(incompleteEnd(run));
    },
    end: (s, hosts, hostsUp) => {
      const startS = epochSeconds(run.startMs);
      const endS = epochSeconds(run.startMs + s.elapsedMs);
      for (const h of hosts) out.write(xmlHost(h, startS, endS)); // one write per host: whole records
      out.setTrailer('');
      out.write(xmlFooter(s, run, hostsUp));
    },
  };
}

/** nmap's <service>: what -sV identified, else the services table's name (none without one). */
function serviceElement(p: NmapPort): string {
  const s = p.service;
  if (!s) {
    const name = nmapServiceName(p.port);
    return name ? `<service name="${xmlAttr(name)}" method="table" conf="3"/>` : '';
  }
  const attr = (k: string, v: string | number | undefined): string =>
    v === undefined || v === '' ? '' : ` ${k}="${xmlAttr(String(v))}"`;
  return (
    `<service${attr('name', s.name)}${attr('product', s.product)}${attr('version', s.version)}` +
    `${attr('extrainfo', s.extrainfo)}${attr('tunnel', s.tunnel)}${attr('method', s.method)}${attr('conf', s.conf)}/>`
  );
}
