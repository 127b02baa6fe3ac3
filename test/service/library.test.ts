// -sV through the library: scan() yields identified results, and identification overlaps the
// scan: the first open port's record arrives while the scan is still probing (paced by a rate).
import { createServer, type Server, type Socket } from 'node:net';

import { runScan, scan } from '../../lib/scan';
import type { PortResult } from '../../lib/scanner/result';
import { freePort } from '../../bench/lib/daemons';

const IP = '127.0.13.3';
let server: Server;
let port: number;
const sockets = new Set<Socket>();

beforeAll(async () => {
  port = await freePort(IP);
  server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.end('220 (vsFTPd 3.0.3)\r\n');
  });
  await new Promise<void>((resolve) => server.listen(port, IP, resolve));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

it('scan() yields the identified result', async () => {
  const got: PortResult[] = [];
  for await (const r of scan({ targets: IP, ports: [port], mode: 'connect', service: true })) got.push(r);
  expect(got).toEqual([
    expect.objectContaining({
      port,
      state: 'open',
      service: 'ftp',
      product: 'vsftpd',
      version: '3.0.3',
      method: 'probed',
    }),
  ]);
});

it('identifies the first open port while the scan is still probing', async () => {
  // The open port first (connect mode probes in the port list's order), then 150 others, closed
  // unless something else listens there, at 50 probes/s: the scan lasts about 3 s.
  const closed = Array.from({ length: 150 }, (_, i) => (port + 1 + i) % 65536 || 1);
  let done = 0;
  let doneAtIdentified = -1;
  const summary = await runScan(
    { targets: IP, ports: [port, ...closed], mode: 'connect', ratePps: 50, service: true },
    {
      onResult: (r) => {
        if (r.port === port && r.method === 'probed') doneAtIdentified = done;
      },
      onBatch: (c) => (done = c.done),
    },
  );
  expect(summary.counters.open).toBeGreaterThanOrEqual(1);
  expect(doneAtIdentified).toBeGreaterThanOrEqual(0);
  expect(doneAtIdentified).toBeLessThan(summary.counters.done);
});
