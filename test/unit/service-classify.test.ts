// The service classifier (lib/service/classify.ts) on crafted banners: names, products,
// versions, HTTP fields, and the escaping and cap of what servers send.
import { bannerText, BANNER_MAX_BYTES, classify, httpInfo, printable } from '../../lib/service/classify';
import { probeOrder } from '../../lib/service/prober';
import { SERVICE_CSV_COLUMNS, serviceCsvValues, serviceJsonTail, serviceLabel } from '../../lib/service/record';
import type { PortResult } from '../../lib/scanner/result';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('classify', () => {
  it.each([
    ['SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n', 'ssh', 'OpenSSH', '9.2p1', 'Debian-2+deb12u3; protocol 2.0'],
    ['SSH-2.0-OpenSSH_8.9\r\n', 'ssh', 'OpenSSH', '8.9', 'protocol 2.0'],
    ['SSH-2.0-dropbear_2022.83\r\n', 'ssh', 'Dropbear sshd', '2022.83', 'protocol 2.0'],
    ['SSH-1.99-Cisco-1.25\r\n', 'ssh', undefined, undefined, 'protocol 1.99; Cisco-1.25'],
    ['220 (vsFTPd 3.0.3)\r\n', 'ftp', 'vsftpd', '3.0.3', undefined],
    ['220 ProFTPD 1.3.8 Server (Debian) [::ffff:1.2.3.4]\r\n', 'ftp', 'ProFTPD', '1.3.8', undefined],
    [
      '220 mail.example.invalid ESMTP Postfix (Debian/GNU)\r\n',
      'smtp',
      'Postfix smtpd',
      undefined,
      'mail.example.invalid',
    ],
    ['220 mx.example.invalid ESMTP Exim 4.96 Tue, 01 Dec 2026\r\n', 'smtp', 'Exim smtpd', '4.96', undefined],
    ['+OK Dovecot (Debian) ready.\r\n', 'pop3', 'Dovecot pop3d', undefined, undefined],
    ['* OK [CAPABILITY IMAP4rev1 LITERAL+] Dovecot (Debian) ready.\r\n', 'imap', 'Dovecot imapd', undefined, undefined],
    ['RFB 003.008\n', 'vnc', undefined, undefined, 'protocol 003.008'],
    ['\xff\xfd\x18\xff\xfd\x20', 'telnet', undefined, undefined, undefined],
    [
      '+PONG\r\n$120\r\n# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:0\r\n',
      'redis',
      'Redis key-value store',
      '7.0.15',
      undefined,
    ],
    ['-NOAUTH Authentication required.\r\n', 'redis', 'Redis key-value store', undefined, undefined],
    ['J\x00\x00\x00\x0a8.0.36\x00\x08\x00\x00\x00', 'mysql', 'MySQL', '8.0.36', undefined],
    ['Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB-0+deb12u1\x00', 'mysql', 'MariaDB', '10.11.6', undefined],
  ])('%j is %s', (reply, service, product, version, extrainfo) => {
    const m = classify(b(reply));
    expect(m).toEqual({
      service,
      ...(product ? { product } : {}),
      ...(version ? { version } : {}),
      ...(extrainfo ? { extrainfo } : {}),
    });
  });

  it('reads an HTTP response: status, Server (product, version) and title', () => {
    const reply = b(
      'HTTP/1.1 403 Forbidden\r\nServer: Apache/2.4.62 (Debian)\r\nContent-Type: text/html\r\n\r\n' +
        '<html><head><TITLE>\n  403\tForbidden </TITLE></head></html>',
    );
    expect(classify(reply)).toEqual({
      service: 'http',
      product: 'Apache httpd',
      version: '2.4.62',
      extrainfo: 'Debian',
    });
    expect(httpInfo(reply)).toEqual({ status: 403, server: 'Apache/2.4.62 (Debian)', title: '403 Forbidden' });
    expect(classify(b('HTTP/1.0 200 OK\r\nServer: weird-thing 1\r\n\r\n'))).toEqual({
      service: 'http',
      product: 'weird-thing 1',
    });
  });

  it('decodes a title as UTF-8 and escapes control bytes in header values', () => {
    const reply = Buffer.concat([
      b('HTTP/1.1 200 OK\r\nServer: evil\x1b[2J\r\n\r\n<title>'),
      Buffer.from('Grüße'),
      b('\x07</title>'),
    ]);
    expect(httpInfo(reply)).toEqual({ status: 200, server: 'evil\\x1b[2J', title: 'Grüße\\x07' });
  });

  it('leaves garbage, an empty reply and a near miss unknown', () => {
    expect(classify(Buffer.alloc(0))).toBeUndefined();
    expect(classify(Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80]))).toBeUndefined();
    expect(classify(b('SSH-\r\n'))).toBeUndefined();
    expect(classify(b('hello HTTP/1.1 200 OK\r\n'))).toBeUndefined();
  });

  it('escapes and caps banners: no raw control or high bytes survive', () => {
    const raw = Buffer.concat([b('A\\B\r\n\x00\x1b'), Buffer.from([0x80, 0xc3, 0xff]), Buffer.alloc(1000, 0x41)]);
    const text = bannerText(raw);
    expect(text.startsWith('A\\\\B\\r\\n\\x00\\x1b\\x80\\xc3\\xff')).toBe(true);
    expect(text.endsWith('...')).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u001f\u007f-\uffff]/);
    expect(text.length).toBeLessThan(BANNER_MAX_BYTES * 4 + 10);
    expect(printable('x'.repeat(50), 10)).toBe(`${'x'.repeat(10)}...`);
  });
});

describe('probe order and records', () => {
  it('sends the port-suggested probe first, then the fallback ones', () => {
    expect(probeOrder(443)).toEqual(['tls', 'http', 'redis']);
    expect(probeOrder(8080)).toEqual(['http', 'tls', 'redis']);
    expect(probeOrder(6379)).toEqual(['redis', 'tls', 'http']);
    expect(probeOrder(40000)).toEqual(['tls', 'http', 'redis']);
  });

  it('labels the table cell and appends the fields to an NDJSON line', () => {
    const r: PortResult = {
      ip: '127.0.0.1',
      family: 4,
      port: 443,
      state: 'open',
      reason: 'syn-ack',
      rttMs: 1,
      tries: 1,
      service: 'http',
      product: 'nginx',
      version: '1.22.1',
      tunnel: 'ssl',
      method: 'probed',
      conf: 10,
      tls: { subject: 'a.localhost', sans: ['a.localhost', '127.0.0.1'] },
    };
    expect(serviceLabel(r)).toBe('ssl/http nginx 1.22.1');
    const tail = JSON.parse(`{${serviceJsonTail(r).slice(1)}}`);
    expect(tail).toEqual({
      product: 'nginx',
      version: '1.22.1',
      tunnel: 'ssl',
      method: 'probed',
      conf: 10,
      tls: { subject: 'a.localhost', sans: ['a.localhost', '127.0.0.1'] },
    });
    expect(serviceJsonTail({ ...r, method: undefined })).toBe('');
  });
});

describe('CSV cells', () => {
  it('keeps a server text from running as a spreadsheet formula', () => {
    const r: PortResult = {
      ip: '127.0.0.1',
      family: 4,
      port: 80,
      state: 'open',
      reason: 'syn-ack',
      rttMs: 1,
      tries: 1,
      service: 'http',
      product: '=HYPERLINK("x")',
      method: 'probed',
      conf: 10,
      banner: 'HTTP/1.1 200 OK',
      http: { status: 200, server: '@evil', title: '-1+2' },
    };
    const values = serviceCsvValues(r);
    expect(values).toHaveLength(SERVICE_CSV_COLUMNS.length);
    expect(values).toEqual([
      '\'=HYPERLINK("x")',
      '',
      '',
      '',
      'probed',
      10,
      'HTTP/1.1 200 OK',
      '',
      '',
      '',
      '',
      '',
      200,
      "'@evil",
      "'-1+2",
    ]);
  });
});
