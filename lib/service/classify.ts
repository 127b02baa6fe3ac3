// SPDX-License-Identifier: MIT
// classify.ts: the pure half of service identification: bytes a server sent -> service name,
// product, version (RULES in rules.ts), an HTTP response's status, Server header and <title>,
// and the banner as printable text (escaped, capped). No I/O here.
import { HTTP_SERVER_RULES, RULES } from './rules';

export interface HttpInfo {
  status: number;
  server?: string;
  title?: string;
}

export interface ServiceMatch {
  service: string;
  product?: string;
  version?: string;
  extrainfo?: string;
}

/** Longest banner kept in a record, in bytes of the server's answer (before escaping). */
export const BANNER_MAX_BYTES = 256;

/** Fills "$1".."$9" from a match; parts whose groups did not match are dropped ("$3; protocol $1"). */
function fill(template: string | undefined, m: RegExpExecArray): string | undefined {
  if (template === undefined) return undefined;
  const parts = template.split('; ').map((part) => {
    let missing = false;
    const text = part.replace(/\$(\d)/g, (_all, d: string) => {
      const g = m[Number(d)];
      if (g === undefined || g === '') missing = true;
      return g ?? '';
    });
    return missing ? '' : text;
  });
  const out = parts.filter((p) => p !== '').join('; ');
  return out === '' ? undefined : printable(out, 80);
}

/** The first rule that matches the reply, or undefined (unknown service). */
export function classify(reply: Buffer): ServiceMatch | undefined {
  if (reply.length === 0) return undefined;
  const text = reply.toString('latin1');
  for (const rule of RULES) {
    const m = rule.pattern.exec(text);
    if (!m) continue;
    const found: ServiceMatch = { service: rule.service };
    const product = fill(rule.product, m);
    const version = fill(rule.version, m);
    const extrainfo = fill(rule.extrainfo, m);
    if (product !== undefined) found.product = product;
    if (version !== undefined) found.version = version;
    if (extrainfo !== undefined) found.extrainfo = extrainfo;
    if (found.service === 'http') Object.assign(found, httpProduct(httpInfo(reply)?.server));
    return found;
  }
  return undefined;
}

function httpProduct(server: string | undefined): Partial<ServiceMatch> {
  if (server === undefined) return {};
  for (const rule of HTTP_SERVER_RULES) {
    const m = rule.pattern.exec(server);
    if (!m) continue;
    const out: Partial<ServiceMatch> = { product: rule.product };
    const version = fill(rule.version, m);
    const extrainfo = fill(rule.extrainfo, m);
    if (version !== undefined) out.version = version;
    if (extrainfo !== undefined) out.extrainfo = extrainfo;
    return out;
  }
  return { product: server };
}

/** Status, Server and <title> of an HTTP response (headers and the start of the body). */
export function httpInfo(reply: Buffer): HttpInfo | undefined {
  const text = reply.toString('latin1');
  const status = /^HTTP\/[\d.]+ (\d{3})/.exec(text);
  if (!status) return undefined;
  const info: HttpInfo = { status: Number(status[1]) };
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd < 0 ? text : text.slice(0, headEnd);
  const server = /^Server:[ \t]*([^\r\n]*)/im.exec(head);
  if (server?.[1]) info.server = printable(server[1], 120);
  if (headEnd >= 0) {
    // The body as UTF-8 (most pages); the title's whitespace collapsed.
    const body = reply.subarray(Buffer.byteLength(text.slice(0, headEnd + 4), 'latin1')).toString('utf8');
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body);
    if (title?.[1] !== undefined) info.title = printable(title[1].replace(/\s+/g, ' ').trim(), 120);
  }
  return info;
}

/**
 * Text safe for any output: printable ASCII kept, \r \n \t and backslash written as escapes,
 * every other byte as \xNN (a UTF-8 string keeps its non-ASCII letters). Cut at `max` units.
 */
export function printable(text: string, max: number): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  // eslint-disable-next-line no-control-regex
  const out = cut.replace(/[\\\u0000-\u001f\u007f-\u009f\ud800-\udfff]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\r') return '\\r';
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return text.length > max ? `${out}...` : out;
}

/** A server's raw bytes as a banner: each byte >= 0x7f escaped as \xNN, capped. */
export function bannerText(reply: Buffer, maxBytes = BANNER_MAX_BYTES): string {
  const cut = reply.subarray(0, maxBytes);
  // latin1 maps each byte to one unit; bytes >= 0x80 then escape as \xNN in printable().
  let text = printable(cut.toString('latin1'), maxBytes).replace(
    /[\u00a0-\u00ff]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16)}`,
  );
  if (reply.length > maxBytes) text += '...';
  return text;
}
