// SPDX-License-Identifier: MIT
// netif.test.ts: how SYN probes leave (chooseSendPath): Ethernet frames to the gateway's MAC when
// the route and neighbour tables allow it, a raw IP socket otherwise, and why, in every case.
import type { NextHopInfo } from '../../lib/native/types';
import { chooseSendPath, formatMac, type Route } from '../../lib/scanner/netif';
import { parseMac } from '../../lib/options';

const MAC = Uint8Array.from([0x4a, 0x9a, 0x9b, 0xd2, 0xb5, 0xd1]);
const OWN = Uint8Array.from([0x6a, 0xa3, 0x2f, 0x49, 0xa9, 0x9f]);
const route: Route = { family: 4, source: '198.19.0.1', device: 's0' };
const hop = (over: Partial<NextHopInfo> = {}): NextHopInfo => ({
  ifindex: 2,
  device: 's0',
  linkType: 1,
  deviceMac: OWN,
  gateway: Uint8Array.from([198, 19, 0, 2]),
  gatewayMac: MAC,
  prefixLen: 16,
  coversPlan: true,
  overlapping: 0,
  ...over,
});

describe('chooseSendPath', () => {
  it("sends Ethernet frames to the gateway's MAC when the neighbour table has it", () => {
    const c = chooseSendPath(hop(), route, 'auto');
    expect(c.link).toEqual({ ifindex: 2, srcMac: OWN, dstMac: MAC });
    expect(c.why).toBe('Ethernet frames on s0 to 4a:9a:9b:d2:b5:d1 (gateway 198.19.0.2)');
  });

  it('falls back to a raw IP socket, saying why', () => {
    const cases: [NextHopInfo | null, Route, RegExp][] = [
      [hop({ gatewayMac: null }), route, /gateway 198.19.0.2's MAC is not in the neighbour table yet/],
      [hop({ gateway: null, gatewayMac: null }), route, /on-link/],
      [
        hop({ device: 'lo', linkType: 772, gateway: null, gatewayMac: null }),
        { ...route, device: 'lo' },
        /lo has no Ethernet link layer/,
      ],
      [hop(), { ...route, device: 'eth1' }, /capture interface eth1 is not the route's s0/],
      [null, route, /no route/],
    ];
    for (const [h, r, why] of cases) {
      const c = chooseSendPath(h, r, 'auto');
      expect(c.link).toBeUndefined();
      expect(c.why).toMatch(/^raw IP socket \(/);
      expect(c.why).toMatch(why);
    }
  });

  it('takes the link path only when one route covers every target and nothing overlaps them', () => {
    const outside = chooseSendPath(hop({ coversPlan: false, prefixLen: 24 }), route, 'auto');
    expect(outside.link).toBeUndefined();
    expect(outside.why).toBe(
      "raw IP socket (the targets are not all within the route's /24: each is routed on its own)",
    );
    const overlapped = chooseSendPath(hop({ overlapping: 2 }), route, 'auto');
    expect(overlapped.link).toBeUndefined();
    expect(overlapped.why).toMatch(/2 more specific or special routes overlap the targets/);
    // Asked for explicitly, it is the user's choice: every frame to the one MAC.
    expect(chooseSendPath(hop({ overlapping: 2 }), route, 'link').link).toBeDefined();
    expect(chooseSendPath(hop({ ifindex: 0, device: '' }), route, 'auto').why).toMatch(/no single next hop/);
  });

  it('--send ip never uses the link layer; --send link fails with the reason when it cannot', () => {
    expect(chooseSendPath(hop(), route, 'ip')).toEqual({ why: 'raw IP socket (--send ip)' });
    expect(chooseSendPath(hop(), route, 'link').link).toBeDefined();
    expect(() => chooseSendPath(hop({ gatewayMac: null }), route, 'link')).toThrow(
      /--send link is not possible for IPv4: the gateway 198.19.0.2's MAC is not in the neighbour table yet/,
    );
  });

  it("--router-mac replaces the neighbour table's answer, also for on-link targets", () => {
    const given = parseMac('02-00-00-00-00-01');
    const c = chooseSendPath(hop({ gateway: null, gatewayMac: null }), route, 'auto', given);
    expect(c.link?.dstMac).toEqual(given);
    expect(c.why).toBe('Ethernet frames on s0 to 02:00:00:00:00:01 (--router-mac)');
    // and is a demand for the link path: where there is none, it says so
    expect(() =>
      chooseSendPath(hop({ device: 'lo', linkType: 772 }), { ...route, device: 'lo' }, 'auto', given),
    ).toThrow(/--send link is not possible for IPv4: lo has no Ethernet link layer/);
  });

  it('names IPv6 gateways in their text form', () => {
    const gw6 = new Uint8Array(16);
    gw6.set([0x20, 0x01, 0x00, 0x02, 0xff, 0xff], 0);
    gw6[15] = 2;
    const c = chooseSendPath(hop({ gateway: gw6 }), { family: 6, source: '2001:2:ffff::1', device: 's0' }, 'auto');
    expect(c.why).toContain('(gateway 2001:2:ffff::2)');
  });
});

describe('MAC addresses', () => {
  it('parse with : or - and format back with :', () => {
    expect(formatMac(parseMac('4A:9a:9b:d2:b5:D1'))).toBe('4a:9a:9b:d2:b5:d1');
    expect(formatMac(parseMac('02-00-00-00-00-01'))).toBe('02:00:00:00:00:01');
  });
  it('reject anything else, naming the option and the value', () => {
    for (const bad of ['', '02:00:00:00:00', '02:00:00:00:00:01:02', 'zz:00:00:00:00:01', '0200.0000.0001']) {
      expect(() => parseMac(bad)).toThrow(
        new RegExp(`routerMac' expects a MAC address .*got '${bad.replace(/[.]/g, '\\.')}'`),
      );
    }
  });
});
