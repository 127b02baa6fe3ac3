// SPDX-License-Identifier: MIT
// prober.ts: identifies the service on one open (ip, port): waits for what the server says first;
// if nothing, sends the probe its port suggests, then the FALLBACK probes (rules.ts), each on a
// new connection, and stops at the first reply. Every connection is bounded (exchange.ts); the
// result is what PortResult gains with -sV, every text in it escaped and capped.
import { bannerText, classify, httpInfo, printable, type HttpInfo, type ServiceMatch } from './classify';
import { exchange, tlsExchange, type CertificateInfo, type ExchangeLimits, type ExchangeResult } from './exchange';
import { FALLBACK, PROBES, type ProbeName } from './rules';

export interface ServiceConfig {
  /** Deadline of one identification connection, ms (--service-timeout). */
  timeoutMs: number;
  /** Wait for a server that speaks first, ms. */
  bannerWaitMs: number;
  /** Wait for the answer to a probe (or the TLS handshake), ms. */
  probeWaitMs: number;
  /** A reply is over after this long without bytes, ms. */
  quietMs: number;
  /** Bytes read per connection at most. */
  maxBytes: number;
}

export const SERVICE_DEFAULTS: Readonly<ServiceConfig> = Object.freeze({
  timeoutMs: 3000,
  bannerWaitMs: 1500,
  probeWaitMs: 1000,
  quietMs: 200,
  maxBytes: 16384,
});

/** What identification adds to a PortResult. */
export interface ServiceFields {
  /** Service name: identified, or the port's table name when nothing answered. */
  service: string;
  product?: string;
  version?: string;
  extrainfo?: string;
  /** 'ssl' when the service runs inside TLS. */
  tunnel?: 'ssl';
  /** The first bytes the server sent (escaped, capped). */
  banner?: string;
  tls?: CertificateInfo;
  http?: HttpInfo;
  /** 'probed': decided from what the server sent; 'table': from the port number only. */
  method: 'probed' | 'table';
  /** Confidence 0-10 (nmap's scale): 10 probed and matched, 3 table. */
  conf: number;
  /** The connections ended without a byte or a handshake (silent or deadline): a tarpit sign. */
  silent?: boolean;
}

/** The probes for `port`, in order: its own first, then the fallback ones. */
export function probeOrder(port: number): ProbeName[] {
  const own = PROBES.filter((p) => p.name !== 'banner' && p.ports.includes(port)).map((p) => p.name);
  return [...own, ...FALLBACK.filter((n) => !own.includes(n))];
}

function payloadOf(name: ProbeName, ip: string): string | undefined {
  const p = PROBES.find((x) => x.name === name)?.payload;
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return p?.replace('{host}', host);
}

function fromReply(reply: Buffer, tableName: string): ServiceFields {
  const m: ServiceMatch | undefined = classify(reply);
  const out: ServiceFields = m
    ? { ...m, method: 'probed', conf: 10 }
    : { service: tableName || 'unknown', method: 'table', conf: 3 };
  out.banner = bannerText(reply);
  const http = m?.service === 'http' ? httpInfo(reply) : undefined;
  if (http) out.http = http;
  return out;
}

function safeCertificate(c: CertificateInfo): CertificateInfo {
  const out: CertificateInfo = {};
  if (c.subject !== undefined) out.subject = printable(c.subject, 200);
  if (c.sans) out.sans = c.sans.slice(0, 32).map((s) => printable(s, 200));
  if (c.issuer !== undefined) out.issuer = printable(c.issuer, 200);
  if (c.not_after !== undefined) out.not_after = printable(c.not_after, 40);
  if (c.alpn !== undefined) out.alpn = printable(c.alpn, 40);
  return out;
}

/**
 * Identifies ip:port. `tableName` is the port's registered name (used when nothing answers);
 * `admit` is awaited before each connection (the rate limit) and may refuse it (false: stop).
 */
export async function identify(
  ip: string,
  port: number,
  tableName: string,
  config: ServiceConfig,
  admit: () => Promise<boolean> = () => Promise.resolve(true),
): Promise<ServiceFields> {
  const limits = (waitMs: number): ExchangeLimits => ({
    deadlineMs: config.timeoutMs,
    firstByteMs: Math.min(waitMs, config.timeoutMs),
    quietMs: config.quietMs,
    maxBytes: config.maxBytes,
  });
  const table: ServiceFields = { service: tableName || 'unknown', method: 'table', conf: 3 };
  if (!(await admit())) return table;
  const first = await exchange(ip, port, limits(config.bannerWaitMs));
  if (first.reply.length > 0) return fromReply(first.reply, tableName);
  if (!first.connected) return table;
  if (first.end === 'closed' || first.end === 'ECONNRESET') {
    // Accepted, then closed without a word before anything was sent: nmap's "tcpwrapped".
    return { service: 'tcpwrapped', method: 'probed', conf: 8 };
  }
  let silent = first.end === 'silent' || first.end === 'deadline';
  for (const name of probeOrder(port)) {
    if (!(await admit())) break;
    let r: ExchangeResult;
    if (name === 'tls') {
      const t = await tlsExchange(ip, port, limits(config.probeWaitMs), (alpn) =>
        alpn === 'h2' ? undefined : payloadOf('http', ip),
      );
      if (t.tls) {
        const inner =
          t.tls.alpn === 'h2'
            ? ({ service: 'http', method: 'probed', conf: 10 } as ServiceFields)
            : fromReply(t.reply, '');
        const known = inner.method === 'probed';
        return {
          ...inner,
          service: known ? inner.service : 'ssl',
          tunnel: 'ssl',
          tls: safeCertificate(t.tls),
          method: 'probed',
          conf: known ? 10 : 8,
        };
      }
      r = t;
    } else {
      r = await exchange(ip, port, limits(config.probeWaitMs), payloadOf(name, ip));
    }
    if (r.reply.length > 0) return fromReply(r.reply, tableName);
    if (!(r.end === 'silent' || r.end === 'deadline')) silent = false;
  }
  return silent ? { ...table, silent: true } : table;
}
