// SPDX-License-Identifier: MIT
// exchange.ts: one identification connection through the kernel's TCP stack (Node's net, or tls
// for the ClientHello): connect, send a fixed payload if any, read the reply within a deadline
// and a byte cap, then close. It never throws: a refused, reset or silent connection is a result.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export interface ExchangeLimits {
  /** The whole connection's deadline, ms, from the start of the connect. */
  deadlineMs: number;
  /** Once connected (or the payload is sent), how long to wait for the first bytes, ms. */
  firstByteMs: number;
  /** After bytes arrived, the reply is over once the server is quiet this long, ms. */
  quietMs: number;
  /** Bytes read at most; the connection is closed once this many arrived. */
  maxBytes: number;
}

export interface ExchangeResult {
  /** What the server sent, at most maxBytes. */
  reply: Buffer;
  /** The TCP (or TLS) connection was made. */
  connected: boolean;
  /** Why it ended: 'quiet', 'closed', 'cap', 'deadline', 'silent', or an error code (ECONNRESET, ...). */
  end: string;
}

export interface CertificateInfo {
  subject?: string;
  sans?: string[];
  issuer?: string;
  not_after?: string;
  alpn?: string;
}

export interface TlsExchangeResult extends ExchangeResult {
  /** The handshake completed: what the server presented. */
  tls?: CertificateInfo;
}

/** Reads `socket` under `limits` until it is quiet, closed, full or out of time; then destroys it. */
function readReply(
  socket: Socket,
  limits: ExchangeLimits,
  startedMs: number,
  payload?: string,
): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const left = (): number => Math.max(0, limits.deadlineMs - (performance.now() - startedMs));
    const finish = (end: string): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(deadline);
      socket.destroy();
      resolve({ reply: Buffer.concat(chunks, size), connected: true, end });
    };
    const deadline = setTimeout(() => finish(size > 0 ? 'deadline' : 'silent'), left());
    const arm = (ms: number, end: string): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(end), Math.min(ms, left()));
    };
    socket.on('data', (d: Buffer) => {
      const take = d.subarray(0, limits.maxBytes - size);
      chunks.push(take);
      size += take.length;
      if (size >= limits.maxBytes) finish('cap');
      else arm(limits.quietMs, 'quiet');
    });
    socket.on('end', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? 'error'));
    arm(limits.firstByteMs, 'silent');
    if (payload !== undefined) socket.write(payload);
  });
}

/** Connects to ip:port, sends `payload` (if any), reads the reply. */
export function exchange(ip: string, port: number, limits: ExchangeLimits, payload?: string): Promise<ExchangeResult> {
  const startedMs = performance.now();
  return new Promise((resolve) => {
    const socket = netConnect({ host: ip, port, noDelay: true });
    const fail = (end: string): void => {
      clearTimeout(deadline);
      socket.destroy();
      resolve({ reply: Buffer.alloc(0), connected: false, end });
    };
    const deadline = setTimeout(() => fail('deadline'), limits.deadlineMs);
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? 'error'));
    socket.once('connect', () => {
      clearTimeout(deadline);
      socket.removeAllListeners('error');
      resolve(readReply(socket, limits, startedMs, payload));
    });
  });
}

/** "DNS:a.example, IP Address:127.0.0.1" -> ["a.example", "127.0.0.1"] */
function sanList(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  return text.split(/,\s*/).map((s) => s.replace(/^[A-Za-z ]+:/, ''));
}

function nameOf(part: unknown): string | undefined {
  if (typeof part === 'string') return part;
  if (Array.isArray(part) && typeof part[0] === 'string') return part[0];
  return undefined;
}

/** What the peer's certificate says (raw: the caller escapes it). */
function certificateInfo(socket: TLSSocket): CertificateInfo {
  const cert = socket.getPeerCertificate(false);
  const info: CertificateInfo = {};
  const subject = nameOf(cert?.subject?.CN);
  const issuer = nameOf(cert?.issuer?.CN) ?? nameOf(cert?.issuer?.O);
  const sans = sanList(cert?.subjectaltname);
  if (subject !== undefined) info.subject = subject;
  if (sans) info.sans = sans;
  if (issuer !== undefined) info.issuer = issuer;
  if (cert?.valid_to) {
    const t = new Date(cert.valid_to);
    if (!Number.isNaN(t.getTime())) info.not_after = t.toISOString().replace('.000Z', 'Z');
  }
  if (typeof socket.alpnProtocol === 'string') info.alpn = socket.alpnProtocol;
  return info;
}

/**
 * A TLS handshake (ClientHello offering h2 and http/1.1, any certificate accepted: it is read,
 * not trusted), then `payload(alpn)` inside the tunnel if it gives one.
 */
export function tlsExchange(
  ip: string,
  port: number,
  limits: ExchangeLimits,
  payload: (alpn: string | undefined) => string | undefined,
): Promise<TlsExchangeResult> {
  const startedMs = performance.now();
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: ip, port, rejectUnauthorized: false, ALPNProtocols: ['h2', 'http/1.1'] });
    const fail = (end: string): void => {
      clearTimeout(deadline);
      socket.destroy();
      resolve({ reply: Buffer.alloc(0), connected: false, end });
    };
    // The handshake is the server's first answer: it gets the first-byte wait, not the deadline.
    const deadline = setTimeout(() => fail('silent'), Math.min(limits.firstByteMs, limits.deadlineMs));
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? 'error'));
    socket.once('secureConnect', () => {
      clearTimeout(deadline);
      socket.removeAllListeners('error');
      const tls = certificateInfo(socket);
      const alpn = typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : undefined;
      void readReply(socket, limits, startedMs, payload(alpn)).then((r) => resolve({ ...r, tls }));
    });
  });
}
