// SPDX-License-Identifier: MIT
// peers.test.ts: the peers module that `portscan bench --peers` and the dev benchmarks share:
// nmap's, masscan's and zmap's command lines and the readers of their output, and the watch that
// ends masscan once its wait is over (it does not exit by itself). Fed known text; no root, no
// tool needed.
import { MasscanWatch, masscanArgv, readMasscanList } from '../../lib/bench/peers/masscan';
import { nmapConnectArgv, readNmapXml } from '../../lib/bench/peers/nmap';
import { nmapFindings } from '../../lib/bench/peers/scanners';
import { readZmapCsv, readZmapMetadata, readZmapSendSummary, zmapArgv } from '../../lib/bench/peers/zmap';

const NMAP_XML = [
  '<nmaprun><hosthint><status state="up"/><address addr="198.18.9.9" addrtype="ipv4"/></hosthint>',
  '<host starttime="1"><status state="up"/><address addr="198.18.1.10" addrtype="ipv4"/><ports>',
  '<extraports state="closed" count="9"/>',
  '<port protocol="tcp" portid="22"><state state="filtered" reason="no-response"/></port>',
  '<port protocol="tcp" portid="80">\n<state state="open" reason="syn-ack"/></port></ports></host>',
  '<host><address addr="198.18.1.11" addrtype="ipv4"/><ports>',
  '<port protocol="tcp" portid="443"><state state="open|filtered"/></port></ports></host>',
  '<runstats><finished time="2" elapsed="2.29" exit="success"/><hosts up="2" down="0" total="2"/></runstats>',
  '</nmaprun>',
].join('\n');

describe('nmap', () => {
  test('the connect-scan command line: no DNS, no host discovery', () => {
    expect(nmapConnectArgv({ ports: '1-20000', hosts: '198.18.1.10', ratePps: 5000, out: 'o.xml' })).toEqual(
      ['nmap', '-sT', '-n', '-Pn', '-p', '1-20000', '--min-rate', '5000', '--max-rate', '5000', '-oX', 'o.xml'].concat([
        '198.18.1.10',
      ]),
    );
    expect(nmapConnectArgv({ ports: '1-65535', hosts: '198.18.0.1', timing: 4, out: 'o.xml' })).toEqual([
      'nmap',
      '-sT',
      '-T4',
      '-n',
      '-Pn',
      '-p',
      '1-65535',
      '-oX',
      'o.xml',
      '198.18.0.1',
    ]);
  });

  test('the XML: hosts (not host hints), listed and counted ports, completeness, elapsed', () => {
    const x = readNmapXml(NMAP_XML);
    expect(x.finished).toBe(true);
    expect(x.elapsedS).toBe(2.29);
    expect(x.hosts).toEqual([
      {
        ip: '198.18.1.10',
        ports: [
          { port: 22, state: 'filtered' },
          { port: 80, state: 'open' },
        ],
        extra: [{ state: 'closed', count: 9 }],
      },
      { ip: '198.18.1.11', ports: [{ port: 443, state: 'open|filtered' }], extra: [] },
    ]);
    const cut = readNmapXml(NMAP_XML.slice(0, NMAP_XML.indexOf('<runstats>')));
    expect(cut.finished).toBe(false);
    expect(cut.elapsedS).toBeUndefined();
  });

  test("the bench's findings: open pairs, and closed or filtered ones", () => {
    const f = nmapFindings(NMAP_XML);
    expect([...f.open]).toEqual(['198.18.1.10 80']);
    expect([...f.other]).toEqual([['198.18.1.10 22', 'filtered']]);
  });
});

describe('masscan', () => {
  test('the command line: interface and router given', () => {
    const argv = masscanArgv({
      ports: '22,80',
      hosts: '198.18.0.0/16',
      ratePps: 100000,
      iface: 's0',
      routerIp: '198.19.0.2',
      waitS: 2,
      out: 'o.txt',
    });
    expect(argv.join(' ')).toBe(
      'masscan -p22,80 198.18.0.0/16 --rate 100000 --interface s0 --router-ip 198.19.0.2 --wait 2 -oL o.txt',
    );
  });

  test('the list output, repeats kept', () => {
    const text =
      '#masscan\nopen tcp 443 198.18.0.9 1700000000\nopen tcp 22 198.18.0.1 1700000001\n' +
      'open tcp 443 198.18.0.9 1700000002\n# end\n';
    expect(readMasscanList(text)).toEqual(['198.18.0.9 443', '198.18.0.1 22', '198.18.0.9 443']);
  });

  const status = (kpps: number, pct: number, tail = ''): string =>
    `rate: ${kpps.toFixed(2)}-kpps, ${pct.toFixed(2)}% done,${tail}   \r`;

  test('the status line: own send rate, send end, wait over after the countdown', () => {
    const w = new MasscanWatch(2);
    w.feed(status(0, 0), 0.5);
    w.feed(status(90, 30) + status(110, 6), 1.0); // two lines in one piece
    w.feed('rate: 100.00-kpps, 9', 1.2); // a line cut in two
    w.feed('0.00% done,   \r', 1.5);
    expect(w.sending.map((s) => s.kpps)).toEqual([0, 90, 110, 100]);
    expect(w.ownPps()).toBe(100000);
    w.feed(status(100, 100, ' waiting 2-secs'), 2.0);
    expect(w.sendEndS).toBe(2.0);
    expect(w.next(2.1)).toBeNull();
    w.feed(status(0, 100, ' waiting 1-secs') + status(0, 100, ' waiting 0-secs'), 3.0);
    expect(w.waitOverS).toBe(3.0);
    // 0% at 0.5 s to 90% at 1.5 s
    expect(w.progressPps(1000)).toBeCloseTo(900, 6);
  });

  test('ending it: wake-up packets a second apart, then SIGINT twice', () => {
    const w = new MasscanWatch(1);
    w.feed(status(100, 100, ' waiting 1-secs') + status(0, 100, ' waiting 0-secs'), 5);
    const acts: string[] = [];
    for (let t = 5; t < 15; t += 0.05) {
      const a = w.next(t);
      if (a) acts.push(`${a}@${Math.round(t - 5)}`);
    }
    expect(acts).toEqual(['wake@0', 'wake@1', 'wake@2', 'wake@3', 'wake@4', 'interrupt@5', 'interrupt@6']);
    expect(w.endedBy(false)).toBe('SIGINT');
    expect(w.endedBy(true)).toBe('SIGKILL (timeout)');
    expect(new MasscanWatch(1).endedBy(false)).toBe('itself');
  });

  test('an unreadable wait: over at --wait + 2 s after the send end', () => {
    const w = new MasscanWatch(1);
    w.feed(status(100, 100), 4);
    expect(w.next(6.9)).toBeNull();
    expect(w.next(7.1)).toBe('wake');
    expect(w.endedBy(false)).toBe('wake-up packet');
  });
});

describe('zmap', () => {
  test('the command line: empty blocklist, interface and gateway MAC given, no syslog', () => {
    const argv = zmapArgv({
      port: 22,
      hosts: '198.18.0.0/16',
      iface: 's0',
      gatewayMac: '02:00:00:00:00:01',
      ratePps: 100000,
      cooldownS: 2,
      out: 'o.csv',
      metadata: 'm.json',
    });
    expect(argv.join(' ')).toBe(
      'zmap -p 22 -b /dev/null -i s0 -G 02:00:00:00:00:01 -r 100000 -c 2 -o o.csv --output-fields=saddr,sport ' +
        '-m m.json --disable-syslog 198.18.0.0/16',
    );
    expect(
      zmapArgv({ port: 80, hosts: 'h', iface: 'i', gatewayMac: 'g', ratePps: 1, cooldownS: 1, out: 'o' }),
    ).not.toContain('-m');
  });

  test('the CSV, its send summary and its metadata', () => {
    expect(readZmapCsv('saddr,sport\n198.18.0.1,22\n198.18.0.2,22\n198.18.0.1,22\n')).toEqual([
      '198.18.0.1 22',
      '198.18.0.2 22',
      '198.18.0.1 22',
    ]);
    const stderr = 'send: 1000 done (10.5 Kp/s avg)\n...\nsend: 65536 done (78.2 Kp/s avg)\n';
    expect(readZmapSendSummary(stderr)).toEqual({ sent: 65536, avgPps: 78200 });
    expect(readZmapSendSummary('nothing')).toBeNull();
    expect(readZmapMetadata('{"total_sent": 65536, "blacklist_total_allowed": 65536}')).toEqual({
      total_sent: 65536,
      blacklist_total_allowed: 65536,
    });
    expect(readZmapMetadata('')).toEqual({});
  });
});
