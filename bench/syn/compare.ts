// SPDX-License-Identifier: MIT
// compare.ts: bench:syn's verdict, per workload, portscan against each peer: portscan's best run
// with recall 1.0 and no false open (by probes per wall second, and by its own send rate) against
// the peer's best run whatever its recall (by probes per wall second, and by the send rate it
// printed), and the ratios between them: probes per wall second, send rate over send rate, and CPU
// per probe (of the two runs with the best send rates); also the record of it for the JSON.
import type { Run } from './workload';

export type Peer = 'masscan' | 'zmap';
export const PEERS: readonly Peer[] = ['masscan', 'zmap'];

export interface Comparison {
  workload: string;
  peer: Peer;
  /** portscan's best exact run, by probes/wall and by its own send rate. */
  ourBest: Run | null;
  ourBestOwn: Run | null;
  /** The peer's best run, by probes/wall and by its own send rate. */
  bestWall: Run | null;
  bestOwn: Run | null;
  /** portscan's best probes/wall over the peer's; over the peer's own send rate; own rate over own rate. */
  ratio: number | null;
  ratioOwn: number | null;
  ratioOwnToOwn: number | null;
  /** CPU microseconds per probe, portscan's best-own-rate run over the peer's (below 1: portscan spends less). */
  cpuRatio: number | null;
}

type Key = 'probesPerWall' | 'ownPps';

/** The run with the highest `key` among those verified. */
function best(rs: Run[], key: Key): Run | null {
  const known = rs.filter((r) => r[key] !== null && r.verify !== null);
  return known.sort((a, b) => (b[key] as number) - (a[key] as number))[0] ?? null;
}

/** a / b, or null when either is unknown or b is not above zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  return b > 0 && Number.isFinite(a) && Number.isFinite(b) ? a / b : null;
}

const ratioOf = (a: Run | null, ak: Key, b: Run | null, bk: Key): number | null => ratio(a?.[ak], b?.[bk]);

/** portscan against `peer` on the runs of `workload` (the others in `runs` are ignored). */
export function compare(all: Run[], workload: string, peer: Peer): Comparison {
  const runs = all.filter((r) => r.workload === workload);
  const perfect = runs.filter(
    (r) => r.tool === 'portscan' && r.ok && r.verify?.recall === 1 && r.verify.false_open === 0,
  );
  const ourBest = best(perfect, 'probesPerWall');
  const ourBestOwn = best(perfect, 'ownPps');
  const theirs = runs.filter((r) => r.tool === peer && !r.skipped);
  const bestWall = best(theirs, 'probesPerWall');
  const bestOwn = best(theirs, 'ownPps');
  return {
    workload,
    peer,
    ourBest,
    ourBestOwn,
    bestWall,
    bestOwn,
    ratio: ratioOf(ourBest, 'probesPerWall', bestWall, 'probesPerWall'),
    ratioOwn: ratioOf(ourBest, 'probesPerWall', bestOwn, 'ownPps'),
    ratioOwnToOwn: ratioOf(ourBestOwn, 'ownPps', bestOwn, 'ownPps'),
    cpuRatio: ratio(ourBestOwn?.cpu?.usPerProbe, bestOwn?.cpu?.usPerProbe),
  };
}

/** The comparison as results/syn-vs-peers.json records it. */
export function comparisonRecord(c: Comparison): Record<string, unknown> {
  const { ourBest, ourBestOwn, bestWall, bestOwn } = c;
  return {
    workload: c.workload,
    peer: c.peer,
    portscanBest: ourBest
      ? { rate: ourBest.rate, probesPerWall: ourBest.probesPerWall, wallSeconds: ourBest.seconds }
      : null,
    peerBestByWall: bestWall
      ? {
          rate: bestWall.rate,
          probesPerWall: bestWall.probesPerWall,
          recall: bestWall.verify?.recall ?? null,
          wallSeconds: bestWall.seconds,
        }
      : null,
    peerBestOwnPps: bestOwn
      ? { rate: bestOwn.rate, ownPps: bestOwn.ownPps, recall: bestOwn.verify?.recall ?? null }
      : null,
    ratioWall: c.ratio,
    ratioPortscanWallToPeerOwnPps: c.ratioOwn,
    portscanBestOwnPps: ourBestOwn
      ? { rate: ourBestOwn.rate, ownPps: ourBestOwn.ownPps, cpuUsPerProbe: ourBestOwn.cpu?.usPerProbe ?? null }
      : null,
    peerBestOwnPpsCpuUsPerProbe: bestOwn?.cpu?.usPerProbe ?? null,
    ratioOwnPps: c.ratioOwnToOwn,
    ratioCpuPerProbe: c.cpuRatio,
  };
}
