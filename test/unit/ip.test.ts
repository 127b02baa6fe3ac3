// ip.ts: both families on one bigint number line; RFC 5952 output; malformed text is null.
import {
  familyOf,
  formatAddress,
  isLoopback,
  parseAddress,
  parseIPv4,
  parseIPv6,
  readAddressBytes,
  V4_BASE,
  V4_LAST,
  V6_LAST,
  writeAddressBytes,
} from '../../lib/plan/ip';

describe('parseIPv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['127.0.0.1', 0x7f000001],
    ['198.18.0.1', 0xc6120001],
    ['10.1.2.3', 0x0a010203],
    ['255.255.255.255', 0xffffffff],
    ['1.2.3.4', 0x01020304],
  ])('%s -> %d', (text, value) => {
    expect(parseIPv4(text)).toBe(value);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.',
    '.1.2.3',
    '1..2.3',
    '256.0.0.1',
    '1.2.3.256',
    '999.1.1.1',
    '01.2.3.4',
    '1.2.3.04',
    '1.2.3.00',
    '1.2.3.1000',
    '1.2.3.-1',
    '1.2.3.+1',
    '1.2.3.a',
    '0x1.2.3.4',
    '1e2.1.1.1',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.4/32',
    '::1',
    'localhost',
  ])('rejects %j', (text) => {
    expect(parseIPv4(text)).toBeNull();
  });
});

describe('parseIPv6', () => {
  it.each([
    ['::', 0n],
    ['::1', 1n],
    ['1::', 1n << 112n],
    ['0:0:0:0:0:0:0:1', 1n],
    ['0000:0000:0000:0000:0000:0000:0000:0001', 1n],
    ['2001:db8::1', 0x20010db8000000000000000000000001n],
    ['2001:DB8::1', 0x20010db8000000000000000000000001n],
    ['2001:db8:0:0:1:0:0:1', 0x20010db8000000000001000000000001n],
    ['fe80::1:2', 0xfe800000000000000000000000010002n],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', V6_LAST],
    ['1:2:3:4:5:6:7::', 0x00010002000300040005000600070000n],
    ['::2:3:4:5:6:7:8', 0x00000002000300040005000600070008n],
    ['::ffff:198.18.0.1', V4_BASE + 0xc6120001n],
    ['::ffff:c612:1', V4_BASE + 0xc6120001n],
    ['::1.2.3.4', 0x01020304n],
    ['64:ff9b::192.0.2.33', 0x0064ff9b0000000000000000c0000221n],
    ['1:2:3:4:5:6:1.2.3.4', 0x00010002000300040005000601020304n],
    ['0000:0000:0000:0000:0000:ffff:255.255.255.255', V4_LAST],
  ])('%s', (text, value) => {
    expect(parseIPv6(text)).toBe(value);
  });

  it.each([
    '',
    ':',
    ':::',
    '1:::2',
    '1::2::3',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    ':1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:',
    '12345::',
    'g::1',
    '::1/128',
    'fe80::1%eth0',
    '[::1]',
    '1.2.3.4',
    '::1.2.3',
    '::1.2.3.256',
    '::1.2.3.4:5',
    '1.2.3.4::',
    '::ffff:01.2.3.4',
    '1:2:3:4:5:6:7:1.2.3.4',
    '0000:0000:0000:0000:0000:0000:0000:0000:0000',
  ])('rejects %j', (text) => {
    expect(parseIPv6(text)).toBeNull();
  });
});

describe('parseAddress', () => {
  it('puts IPv4 at ::ffff:a.b.c.d on the common line', () => {
    expect(parseAddress('0.0.0.0')).toBe(V4_BASE);
    expect(parseAddress('255.255.255.255')).toBe(V4_LAST);
    expect(parseAddress('127.0.0.1')).toBe(V4_BASE + 0x7f000001n);
  });

  it('makes ::ffff:a.b.c.d and a.b.c.d the same address', () => {
    expect(parseAddress('::ffff:198.18.0.1')).toBe(parseAddress('198.18.0.1'));
    expect(parseAddress('::FFFF:7f00:1')).toBe(parseAddress('127.0.0.1'));
    expect(familyOf(parseAddress('::ffff:198.18.0.1') as bigint)).toBe(4);
  });

  it('parses IPv6 as its 128-bit value', () => {
    expect(parseAddress('::1')).toBe(1n);
    expect(parseAddress('2001:db8::')).toBe(0x20010db8n << 96n);
    expect(familyOf(parseAddress('::1') as bigint)).toBe(6);
  });

  it.each(['', 'localhost', '1.2.3', '1.2.3.4.5', '300.1.1.1', ':::1', 'x::1', '1.2.3.4/24', '1.2.3.4-1.2.3.5'])(
    'rejects %j',
    (text) => {
      expect(parseAddress(text)).toBeNull();
    },
  );
});

describe('familyOf', () => {
  it('is 4 exactly inside ::ffff:0.0.0.0/96', () => {
    expect(familyOf(V4_BASE)).toBe(4);
    expect(familyOf(V4_LAST)).toBe(4);
    expect(familyOf(V4_BASE - 1n)).toBe(6);
    expect(familyOf(V4_LAST + 1n)).toBe(6);
    expect(familyOf(0n)).toBe(6);
    expect(familyOf(V6_LAST)).toBe(6);
  });
});

describe('formatAddress', () => {
  it('writes IPv4 (and IPv4-mapped) as a dotted quad', () => {
    expect(formatAddress(V4_BASE)).toBe('0.0.0.0');
    expect(formatAddress(V4_LAST)).toBe('255.255.255.255');
    expect(formatAddress(parseAddress('::ffff:198.18.0.1') as bigint)).toBe('198.18.0.1');
    expect(formatAddress(parseAddress('::ffff:c612:00ff') as bigint)).toBe('198.18.0.255');
  });

  // RFC 5952 section 4: lower case, no leading zeros, longest zero run compressed (the first
  // when tied), never a single zero group.
  it.each([
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:1', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1'],
    ['2001:db8::0:1', '2001:db8::1'],
    ['1:2:3:4:5:6:7:0', '1:2:3:4:5:6:7:0'],
    ['0:1:2:3:4:5:6:7', '0:1:2:3:4:5:6:7'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:0:0:2:0:0:3', '1::2:0:0:3'],
    ['0:0:1:0:0:0:0:0', '0:0:1::'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['::1.2.3.4', '::102:304'],
    ['0:0:0:0:0:fffe:0:0', '::fffe:0:0'],
  ])('%s -> %s', (text, formatted) => {
    expect(formatAddress(parseIPv6(text) as bigint)).toBe(formatted);
  });

  it('round-trips through parseAddress', () => {
    for (const text of ['::', '::1', '2001:db8::1', '198.18.0.1', '0.0.0.0', 'fe80::1:2:3', '1:2:3:4:5:6:7:8']) {
      expect(formatAddress(parseAddress(text) as bigint)).toBe(text);
    }
  });
});

describe('address bytes', () => {
  it('writes and reads back both families in network order', () => {
    const view = new DataView(new ArrayBuffer(16));
    expect(writeAddressBytes(parseAddress('198.18.0.1') as bigint, view, 0)).toBe(4);
    expect([...new Uint8Array(view.buffer, 0, 4)]).toEqual([198, 18, 0, 1]);
    expect(readAddressBytes(view, 0, 4)).toBe(parseAddress('198.18.0.1'));

    const v6 = parseAddress('2001:db8::ff01') as bigint;
    expect(writeAddressBytes(v6, view, 0)).toBe(6);
    const bytes = [...new Uint8Array(view.buffer)];
    expect(bytes.slice(0, 4)).toEqual([0x20, 0x01, 0x0d, 0xb8]);
    expect(bytes.slice(14)).toEqual([0xff, 0x01]);
    expect(readAddressBytes(view, 0, 6)).toBe(v6);
  });
});

describe('isLoopback', () => {
  it('is 127.0.0.0/8 and ::1 only', () => {
    expect(isLoopback(parseAddress('127.0.0.1') as bigint)).toBe(true);
    expect(isLoopback(parseAddress('127.255.255.254') as bigint)).toBe(true);
    expect(isLoopback(parseAddress('::1') as bigint)).toBe(true);
    expect(isLoopback(parseAddress('128.0.0.1') as bigint)).toBe(false);
    expect(isLoopback(parseAddress('126.255.255.255') as bigint)).toBe(false);
    expect(isLoopback(parseAddress('::2') as bigint)).toBe(false);
    expect(isLoopback(parseAddress('::') as bigint)).toBe(false);
  });
});
