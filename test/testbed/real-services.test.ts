// SPDX-License-Identifier: MIT
// real-services.test.ts: -sV against real services from their Debian packages running in the
// testbed's target namespace (`ip netns exec <prefix>-tgt`), bound to 198.18.13.1, an address
// no other suite scans, on ports the model leaves closed (never a listener port, never the silent
// range): sshd, nginx (HTTP and HTTPS with a certificate made here), redis-server, vsftpd and a
// port that accepts and says nothing. The scan runs inside `testbed run` in both modes; every
// field is checked as on loopback (test/service/real-services.test.ts), and `nmap -sV`, also run
// inside the testbed, must give the same names. The services' process groups are ended at the end.
import { Daemons } from '../../bench/lib/daemons';
import { startCli } from '../helpers/cli';
import { nmapServiceNames } from '../helpers/nmap-sv';
import {
  expectKnownServices,
  expectNmapNames,
  type Rec,
  recordsByPort,
  startServices,
  TALKERS,
  unnamedPort,
} from '../helpers/service-checks';
import { describeTestbed, isUp, model, PREFIX, TESTBED, up } from '../helpers/testbed';

const IP = '198.18.13.1';
const NETNS = `${PREFIX}-tgt`;

describeTestbed('-sV on real services in the testbed target namespace', () => {
  const port: Record<string, number> = {};
  const seen: Record<string, Map<number, Rec>> = {};
  let daemons: Daemons | undefined;

  beforeAll(async () => {
    if (!isUp()) up();
    const m = model();
    const taken = (p: number): boolean =>
      m.ports.includes(p) || (p >= m.silent[0] && p <= m.silent[1]) || Object.values(port).includes(p);
    port.silent = await unnamedPort(IP, NETNS, taken);
    for (const name of TALKERS) port[name] = await unnamedPort(IP, NETNS, taken);
    daemons = new Daemons(IP, NETNS);
    await startServices(daemons, port);
  }, 90000);

  afterAll(() => daemons?.stop(), 30000);

  test.each(['connect', 'syn'])('%s mode: each real service identified, field by field', async (mode) => {
    const ports = Object.values(port).join(',');
    const scan = startCli(['-m', mode, '-sV', '-q', '-f', 'ndjson', '-p', ports, IP], { TESTBED_PREFIX: PREFIX }, [
      TESTBED,
      'run',
      process.execPath,
    ]);
    const r = await scan.done;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const recs = recordsByPort(r.stdout);
    for (const rec of recs.values()) expect(rec).toMatchObject({ ip: IP, state: 'open' });
    expectKnownServices(recs, port, daemons as Daemons);
    seen[mode] = recs;
  });

  test('nmap -sV inside the testbed gives the same names as both modes', async () => {
    const through = { command: TESTBED, prefix: PREFIX };
    const talkers = TALKERS.map((name) => port[name] as number);
    // nmap's full -sV waits minutes on a silent port: the silent one gets --version-light.
    const [nmapTalkers, nmapSilent] = await Promise.all([
      nmapServiceNames(IP, talkers, [], through),
      nmapServiceNames(IP, [port.silent as number], ['--version-light'], through),
    ]);
    const nmap = new Map([...nmapTalkers, ...nmapSilent]);
    expect(nmap.size).toBe(TALKERS.length + 1);
    for (const mode of ['connect', 'syn']) expectNmapNames(seen[mode] ?? new Map(), nmap);
    expect(Object.keys(seen).sort()).toEqual(['connect', 'syn']);
  }, 300000);
});
