// SPDX-License-Identifier: MIT
// nmap-common.ts: what nmap's three forms (XML, grepable, normal) share: the run's description
// (command line, start time, options that change the forms), nmap's time strings, nmap's service
// names (its nmap-services where installed, else IANA's), the summary line, XML escaping.
import type { ReportSummary } from '../scanner/result';
import { nmapServices } from '../plan/nmap-services';
import { serviceName } from '../plan/services';

/** portscan's version (test/unit/nmap-forms.test.ts checks it against package.json). */
export const PORTSCAN_VERSION = '0.1.0';

/** What the nmap forms say about the run beyond its results. */
export interface RunInfo {
  /** The command line as typed ("portscan -p 22 ..."), for `args` and the header comments. */
  args: string;
  /** When the scan started, ms since the epoch. */
  startMs: number;
  /** --open: only hosts with an open port, only their open ports listed. */
  openOnly: boolean;
  /** --reason: the normal form shows a REASON column. */
  reason: boolean;
}

export function defaultRunInfo(): RunInfo {
  return { args: 'portscan', startMs: Date.now(), openOnly: false, reason: false };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** C's ctime() form, nmap's: "Tue Dec  1 10:08:06 2026" (local time). */
export function ctime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`
  );
}

/** Whole seconds since the epoch, as nmap's `start` and `time` attributes. */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** nmap's name for a TCP port (its nmap-services when installed, else IANA's), '' when none. */
export function nmapServiceName(port: number): string {
  const nmap = nmapServices();
  return nmap ? nmap.nameOf(port) : serviceName(port);
}

/** nmap's scan type for <scaninfo> (a merge of NDJSON files is reported as connect). */
export function scanType(summary: ReportSummary): 'syn' | 'connect' {
  return summary.mode === 'syn' ? 'syn' : 'connect';
}

/** "3 IP addresses (3 hosts up) scanned in 1.52 seconds", nmap's words. */
export function doneLine(hostsUp: number, elapsedMs: number): string {
  const addrs = `${hostsUp} IP address${hostsUp === 1 ? '' : 'es'}`;
  const up = `${hostsUp} host${hostsUp === 1 ? '' : 's'} up`;
  return `${addrs} (${up}) scanned in ${(elapsedMs / 1000).toFixed(2)} seconds`;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * A string as an XML attribute value: the five markup characters escaped; control characters
 * (not allowed in XML 1.0 at all, even escaped) and lone surrogates replaced by "?".
 */
export function xmlAttr(s: string): string {
  return (
    s
      .replace(/[&<>"']/g, (c) => XML_ESCAPES[c] as string)
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]|[\ud800-\udfff]/gu, '?')
      .replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`)
  );
}

/** A string for a one-line text comment (header lines): control characters shown as "?". */
export function commentText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, '?');
}
