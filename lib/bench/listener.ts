// SPDX-License-Identifier: MIT
// listener.ts: the program range.ts starts inside the bench range's target namespace
// (`ip netns exec <prefix>-tgt node listener.js PORT...`). It listens on every given port of every
// address (the target namespace routes the whole bench block to itself), accepts each connection
// and closes it at once, prints "ready" when every port listens, and exits when its standard
// input closes: when the bench that started it ends, however it ends, so no listener outlives it.
// A line "poke" on its standard input makes it send one UDP datagram to the scanner side's link
// address: a packet for a capture-based scanner that only notices its end when a packet arrives
// (masscan 1.3.2 blocks in a pcap read after its wait).
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';

function main(args: string[]): void {
  const scanSide = args.shift() ?? '';
  const ports = args.map(Number).filter((p) => Number.isInteger(p) && p > 0 && p < 65536);
  if (ports.length === 0) {
    process.stderr.write('listener: no ports given\n');
    process.exit(2);
  }
  const servers: Server[] = [];
  let listening = 0;
  for (const port of ports) {
    const server = createServer({ pauseOnConnect: true }, (socket) => {
      socket.on('error', () => undefined);
      socket.destroy();
    });
    server.on('error', (err) => {
      process.stderr.write(`listener: port ${port}: ${err.message}\n`);
      process.exit(1);
    });
    server.listen({ port, host: '0.0.0.0', backlog: 65535 }, () => {
      if (++listening === ports.length) process.stdout.write('ready\n');
    });
    servers.push(server);
  }
  const udp = createSocket('udp4');
  udp.on('error', () => undefined);
  process.stdin.on('data', (d: Buffer) => {
    if (d.toString().includes('poke')) udp.send('poke', 9, scanSide);
  });
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => undefined);
}

main(process.argv.slice(2));
