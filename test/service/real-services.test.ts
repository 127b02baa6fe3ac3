// Service identification (-sV) against real services from their Debian packages, started by
// hand on a loopback address: sshd, nginx (HTTP and HTTPS with a certificate made here),
// redis-server, vsftpd, and a port that accepts and says nothing. Every field is checked
// against what the service is known to be (its package's version, the certificate it was
// given), and `nmap -sV` on the same ports must give the same service names. The same
// services in the testbed's target namespace: test/testbed/real-services.test.ts.
import { startCli } from '../helpers/cli';
import { Daemons, freePort } from '../../bench/lib/daemons';
import { nmapServiceNames } from '../helpers/nmap-sv';
import {
  expectKnownServices,
  expectNmapNames,
  recordsByPort,
  startServices,
  TALKERS,
  unnamedPort,
} from '../helpers/service-checks';

const IP = '127.0.13.1';

const daemons = new Daemons(IP);
const port: Record<string, number> = {};

beforeAll(async () => {
  for (const name of TALKERS) port[name] = await freePort(IP);
  port.silent = await unnamedPort(IP);
  await startServices(daemons, port);
}, 60000);

afterAll(() => daemons.stop(), 30000);

it('identifies each real service, field by field, and agrees with nmap -sV on every name', async () => {
  const ports = Object.values(port);
  const talkers = ports.filter((p) => p !== port.silent);
  const scan = startCli(['-m', 'connect', '-sV', '-q', '-f', 'ndjson', '-p', ports.join(','), IP]);
  // nmap's full -sV waits minutes on a silent port: the silent one gets --version-light.
  const [r, nmapTalkers, nmapSilent] = await Promise.all([
    scan.done,
    nmapServiceNames(IP, talkers),
    nmapServiceNames(IP, [port.silent as number], ['--version-light']),
  ]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const recs = recordsByPort(r.stdout);
  expectKnownServices(recs, port, daemons);
  expectNmapNames(recs, new Map([...nmapTalkers, ...nmapSilent]));
}, 170000);
