// SPDX-License-Identifier: MIT
// rules.ts: service identification as data. PROBES: what is sent (fixed, harmless payloads: no
// credentials, nothing that writes) and which ports suggest each one; FALLBACK: the order tried
// when the port suggests nothing; RULES: regular expressions that turn the bytes a server sent
// into a service name, product and version ($1..$9 are the pattern's groups). Written for
// portscan after studying which probes matter in nmap's nmap-service-probes; nothing is copied.

/** A probe: 'banner' sends nothing and waits; 'tls' is a ClientHello (Node's tls), then 'http' inside. */
export type ProbeName = 'banner' | 'tls' | 'http' | 'redis';

export interface ProbeSpec {
  name: ProbeName;
  /** Bytes sent once connected ({host} is the target's address); none for banner and tls. */
  payload?: string;
  /** Ports whose open state suggests this probe first. */
  ports: readonly number[];
}

export const PROBES: readonly ProbeSpec[] = [
  { name: 'banner', ports: [] },
  {
    name: 'tls',
    ports: [443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 2376, 5061, 6443, 6697, 8443, 9443],
  },
  {
    name: 'http',
    payload: 'GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: portscan\r\nAccept: */*\r\nConnection: close\r\n\r\n',
    ports: [80, 81, 591, 3000, 5000, 5601, 7001, 8000, 8008, 8080, 8081, 8088, 8888, 9000, 9090, 9200],
  },
  // PING, then INFO's server section (read-only): the reply names the version.
  { name: 'redis', payload: '*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n', ports: [6379, 6380] },
];

/** Tried in this order after the banner wait and the port's own probe, each on a new connection. */
export const FALLBACK: readonly ProbeName[] = ['tls', 'http', 'redis'];

export interface MatchRule {
  service: string;
  /** Matched against the reply as latin1 (one character per byte). */
  pattern: RegExp;
  product?: string;
  version?: string;
  extrainfo?: string;
}

export const RULES: readonly MatchRule[] = [
  // SSH: "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"
  {
    service: 'ssh',
    pattern: /^SSH-([\d.]+)-OpenSSH_([\w.]+)(?: ([^\r\n]+))?\r?\n/,
    product: 'OpenSSH',
    version: '$2',
    extrainfo: '$3; protocol $1',
  },
  {
    service: 'ssh',
    pattern: /^SSH-([\d.]+)-dropbear_([\w.]+)/,
    product: 'Dropbear sshd',
    version: '$2',
    extrainfo: 'protocol $1',
  },
  { service: 'ssh', pattern: /^SSH-([\d.]+)-([^\s\r\n]+)/, extrainfo: 'protocol $1; $2' },
  // FTP (vsftpd also names itself when it refuses to serve)
  { service: 'ftp', pattern: /^500 OOPS: vsftpd/, product: 'vsftpd' },
  { service: 'ftp', pattern: /^220[ -][^\r\n]*\(vsFTPd ([\w.]+)\)/, product: 'vsftpd', version: '$1' },
  { service: 'ftp', pattern: /^220[ -]ProFTPD ([\w.]+)/, product: 'ProFTPD', version: '$1' },
  { service: 'ftp', pattern: /^220[ -][^\r\n]*Pure-FTPd/, product: 'Pure-FTPd' },
  {
    service: 'ftp',
    pattern: /^220[ -][^\r\n]*FileZilla Server(?: version)? ([\w.]+)/,
    product: 'FileZilla ftpd',
    version: '$1',
  },
  { service: 'ftp', pattern: /^220[ -][^\r\n]*\bFTP\b/i },
  // SMTP
  { service: 'smtp', pattern: /^220[ -](\S+) ESMTP Postfix/, product: 'Postfix smtpd', extrainfo: '$1' },
  { service: 'smtp', pattern: /^220[ -](\S+) ESMTP Exim ([\d.]+)/, product: 'Exim smtpd', version: '$2' },
  { service: 'smtp', pattern: /^220[ -][^\r\n]*\b(?:E?SMTP|[Mm]ail)\b/ },
  // POP3, IMAP
  { service: 'pop3', pattern: /^\+OK Dovecot/, product: 'Dovecot pop3d' },
  { service: 'pop3', pattern: /^\+OK[^\r\n]*\r?\n/ },
  { service: 'imap', pattern: /^\* OK [^\r\n]*Dovecot/, product: 'Dovecot imapd' },
  { service: 'imap', pattern: /^\* OK [^\r\n]*IMAP/i },
  // MySQL / MariaDB: a handshake packet (3-byte length, sequence 0, protocol 10, version, NUL)
  /* eslint-disable no-control-regex -- binary protocols: the bytes are the point */
  { service: 'mysql', pattern: /^[\s\S]{3}\x00\x0a(?:5\.5\.5-)?([\d.]+)-MariaDB/, product: 'MariaDB', version: '$1' },
  { service: 'mysql', pattern: /^[\s\S]{3}\x00\x0a(\d+\.\d+\.\d+)[\w.-]*\x00/, product: 'MySQL', version: '$1' },
  { service: 'mysql', pattern: /^[\s\S]{3}\x00\xff[\s\S]{2}Host '[^']*' is not allowed/ },
  /* eslint-enable no-control-regex */
  // Redis: the PING/INFO probe, or an error line to whatever was sent
  {
    service: 'redis',
    pattern: /^\+PONG\r\n(?:\$\d+\r\n[\s\S]*?redis_version:([\w.]+))?/,
    product: 'Redis key-value store',
    version: '$1',
  },
  { service: 'redis', pattern: /^-(?:NOAUTH|DENIED Redis)/, product: 'Redis key-value store' },
  // VNC, telnet, RTSP
  { service: 'vnc', pattern: /^RFB (\d{3})\.(\d{3})\n/, extrainfo: 'protocol $1.$2' },
  { service: 'telnet', pattern: /^\xff[\xfb-\xfe][\s\S]/ },
  { service: 'rtsp', pattern: /^RTSP\/1\.0 \d{3}/ },
  // HTTP: the status line; product and version come from the Server header (HTTP_SERVER_RULES)
  { service: 'http', pattern: /^HTTP\/[\d.]+ \d{3}/ },
];

/** Product and version from an HTTP Server header's value. */
export const HTTP_SERVER_RULES: readonly { pattern: RegExp; product: string; version?: string; extrainfo?: string }[] =
  [
    { pattern: /^nginx(?:\/([\w.]+))?/, product: 'nginx', version: '$1' },
    { pattern: /^Apache(?:\/([\w.]+))?(?: \(([^)]+)\))?/, product: 'Apache httpd', version: '$1', extrainfo: '$2' },
    { pattern: /^lighttpd(?:\/([\w.]+))?/, product: 'lighttpd', version: '$1' },
    { pattern: /^Microsoft-IIS(?:\/([\w.]+))?/, product: 'Microsoft IIS httpd', version: '$1' },
    { pattern: /^Caddy/, product: 'Caddy httpd' },
    {
      pattern: /^SimpleHTTP\/([\w.]+) Python\/([\w.]+)/,
      product: 'SimpleHTTPServer',
      version: '$1',
      extrainfo: 'Python $2',
    },
  ];
