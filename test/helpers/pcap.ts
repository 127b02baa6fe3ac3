// SPDX-License-Identifier: MIT
// pcap.ts: counting SYNs where they arrive, in the testbed's target namespace: tcpdump started
// there (with kernel timestamps, so a busy machine that schedules the counter late does not move
// packets into the wrong second) and the arrival times read back from its pcap file.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { PREFIX } from './testbed';

/** Arrival times (seconds) of the packets in a classic pcap file (microsecond timestamps). */
export function pcapTimes(file: string): number[] {
  const b = readFileSync(file);
  if (b.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('not a little-endian microsecond pcap file');
  const times: number[] = [];
  for (let off = 24; off + 16 <= b.length;) {
    times.push(b.readUInt32LE(off) + b.readUInt32LE(off + 4) / 1e6);
    off += 16 + b.readUInt32LE(off + 8);
  }
  return times;
}

export interface Capture {
  proc: ChildProcess;
  /** What tcpdump printed on stderr (its "N packets dropped by kernel" once stopped). */
  stderr(): string;
  /**
   * Stops tcpdump (SIGINT: it writes its counts) and waits for it to exit. First waits 1.5 s:
   * tcpdump reads the capture ring a block at a time, a block being handed over when full or
   * after its 1 s timeout, and a SIGINT before then loses the last packets uncounted.
   */
  stop(): Promise<void>;
}

/** Starts tcpdump on the target side's interface, writing the SYNs (not SYN-ACKs) to `file`. */
export async function captureSyns(file: string, prefix = PREFIX): Promise<Capture> {
  const proc = spawn(
    'ip',
    ['netns', 'exec', `${prefix}-tgt`, 'tcpdump', '-i', 't0', '-n', '-s', '64', '-B', '131072', '-w', file].concat([
      'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn',
    ]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  await new Promise<void>((resolve, reject) => {
    proc.stderr?.on('data', (d: Buffer) => {
      err += String(d);
      if (err.includes('listening on')) resolve();
    });
    proc.on('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${err}`)));
  });
  const exited = new Promise<void>((resolve) => proc.on('close', () => resolve()));
  return {
    proc,
    stderr: () => err,
    stop: async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      proc.kill('SIGINT');
      await exited;
    },
  };
}

/** Packets per whole second from the first one (the last, partial second left out). */
export function perSecond(times: number[]): number[] {
  const t0 = times[0] ?? 0;
  const seconds = Math.floor((times[times.length - 1] ?? t0) - t0);
  const counts = new Array<number>(seconds).fill(0);
  for (const t of times) {
    const k = Math.floor(t - t0);
    if (k < seconds) counts[k] = (counts[k] as number) + 1;
  }
  return counts;
}
