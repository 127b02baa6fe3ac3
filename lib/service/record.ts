// SPDX-License-Identifier: MIT
// record.ts: how identification's fields appear in the streaming forms: the NDJSON/JSON object's
// extra keys (service, product, version, ..., tls {...}, http {...}), CSV's extra columns, and
// the table's "ssh OpenSSH 9.2p1" label. Every text in them was escaped by the prober.
import type { PortResult } from '../scanner/result';

type Json = string | number | string[] | Record<string, string | number | string[]>;

/** The identification keys of a result's JSON record ({} when it was not identified). */
export function serviceRecord(r: PortResult): Record<string, Json> {
  if (r.method === undefined) return {};
  const out: Record<string, Json> = {};
  if (r.product !== undefined) out.product = r.product;
  if (r.version !== undefined) out.version = r.version;
  if (r.extrainfo !== undefined) out.extrainfo = r.extrainfo;
  if (r.tunnel !== undefined) out.tunnel = r.tunnel;
  out.method = r.method;
  out.conf = r.conf ?? 0;
  if (r.banner !== undefined) out.banner = r.banner;
  if (r.tls) out.tls = { ...r.tls };
  if (r.http) out.http = { ...r.http };
  return out;
}

/** serviceRecord(r) as the tail of an NDJSON line: ',"product":...' ('' when not identified). */
export function serviceJsonTail(r: PortResult): string {
  if (r.method === undefined) return '';
  return `,${JSON.stringify(serviceRecord(r)).slice(1, -1)}`;
}

export const SERVICE_CSV_COLUMNS = [
  'product',
  'version',
  'extrainfo',
  'tunnel',
  'method',
  'conf',
  'banner',
  'tls_subject',
  'tls_sans',
  'tls_issuer',
  'tls_not_after',
  'tls_alpn',
  'http_status',
  'http_server',
  'http_title',
] as const;

/**
 * A server's text as a CSV cell: one that a spreadsheet would run as a formula (=, +, -, @ first)
 * gets a leading apostrophe.
 */
function cell(text: string | undefined): string {
  if (text === undefined) return '';
  return /^[=+\-@]/.test(text) ? `'${text}` : text;
}

/**
 * The values of SERVICE_CSV_COLUMNS for `r` ('' where unknown; SANs joined with spaces), the
 * server's texts made safe for spreadsheets (cell()).
 */
export function serviceCsvValues(r: PortResult): (string | number)[] {
  const t = r.tls;
  const h = r.http;
  return [
    ...[r.product, r.version, r.extrainfo].map(cell),
    r.tunnel ?? '',
    r.method ?? '',
    r.conf ?? '',
    ...[r.banner, t?.subject, t?.sans?.join(' '), t?.issuer, t?.not_after, t?.alpn].map(cell),
    h?.status ?? '',
    ...[h?.server, h?.title].map(cell),
  ];
}

/** The table's label for an identified port: "ssh OpenSSH 9.2p1", "ssl/http nginx 1.22.1". */
export function serviceLabel(r: PortResult): string {
  const name = r.tunnel ? `${r.tunnel}/${r.service || 'unknown'}` : r.service;
  return [name, r.product, r.version].filter((s) => s !== undefined && s !== '').join(' ');
}
