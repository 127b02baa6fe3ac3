// SPDX-License-Identifier: MIT
// zmap.ts: bench:syn's zmap runs at one rate: one run per port (zmap 2.x scans one port per run),
// each timed; the wall time is their sum. The command line and the readers of its CSV, its send
// summary and its metadata are the shared peers module's (lib/bench/peers/zmap.ts, with zmap's
// quirks). What is particular to the testbed: the gateway MAC (zmap cannot find it in a namespace)
// comes from the scanner namespace's neighbour table, else from the EUI-64 link-local address of
// the target end. zmap's own send rate is the probes it sent over the sum of sent / its average
// rate per run; its CPU, the sum of its processes' (GNU time, proc.ts). A run that was allowed
// fewer addresses than the workload's is an error.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { readZmapCsv, readZmapMetadata, readZmapSendSummary, zmapArgv } from '../../lib/bench/peers/zmap';
import { exec } from '../lib/commands';
import { shownRun, TESTBED } from '../lib/testbed';
import { capped, overBudget } from './budget';
import { runCpu, type CpuPart } from './cpu';
import { runInTestbed } from './proc';
import { plainLines, verifyWorkload } from './score';
import { emptyRun, IFACE, ROUTER_IP, ZMAP_COOLDOWN_S, type Run } from './workload';
import { sendEstimateS, type Job, type Workload } from './workloads';

/** The gateway's MAC, and where it was found. */
export interface GatewayMac {
  mac: string;
  from: string;
}

/** The MAC of an EUI-64 link-local address's interface ("fe80::a:b:c:d/"), or null. */
function eui64Mac(text: string): string | null {
  const ll = /fe80::([0-9a-f]{1,4}):([0-9a-f]{1,4}):([0-9a-f]{1,4}):([0-9a-f]{1,4})\//i.exec(text);
  if (!ll) return null;
  const w = ll.slice(1, 5).map((g) => (g as string).padStart(4, '0'));
  const bytes = w.join('').match(/../g) as string[];
  if (bytes[3] !== 'ff' || bytes[4] !== 'fe') return null; // not EUI-64
  const first = (parseInt(bytes[0] as string, 16) ^ 0x02).toString(16).padStart(2, '0');
  return [first, bytes[1], bytes[2], bytes[5], bytes[6], bytes[7]].join(':');
}

/** The gateway's MAC: from the scanner namespace's neighbour table, else from its EUI-64 link-local address. */
export function gatewayMac(): GatewayMac | null {
  const neigh = exec(TESTBED, ['run', 'ip', 'neigh', 'show', ROUTER_IP]);
  const m = /lladdr ([0-9a-f]{2}(?::[0-9a-f]{2}){5})/i.exec(neigh.stdout);
  if (m) return { mac: (m[1] as string).toLowerCase(), from: 'ip neigh' };
  const status = exec(TESTBED, ['status']);
  const tgt = status.stdout.split(/^== /m).find((s) => /-tgt\b/.test(s.split('\n')[0] ?? ''));
  const mac = tgt ? eui64Mac(tgt) : null;
  return mac ? { mac, from: 'EUI-64 link-local of the target end' } : null;
}

/** What the runs add up to. */
interface Totals {
  wall: number;
  sendSeconds: number;
  sent: number;
  ownKnown: boolean;
  pairs: string[];
  perPort: Record<string, unknown>[];
  cpu: CpuPart[];
}

/** Seconds one port's run should take: its share of the send, the cooldown, start-up. */
const perPortS = (w: Workload, rate: number): number =>
  sendEstimateS(w, rate) / w.portList.length + ZMAP_COOLDOWN_S + 1.5;

/** One port's run: adds to `t`, notes the first error in `run`. */
async function runPort(
  w: Workload,
  dir: string,
  port: number,
  ctx: { rate: number; mac: string; run: Run; t: Totals },
): Promise<void> {
  const { rate, mac, run, t } = ctx;
  const out = join(dir, `zmap-${w.name}-${rate}-${port}.csv`);
  const meta = join(dir, `zmap-${w.name}-${rate}-${port}.json`);
  const perPortMs = perPortS(w, rate) * 1000;
  const argv = zmapArgv({
    port,
    hosts: w.hosts,
    iface: IFACE,
    gatewayMac: mac,
    ratePps: rate,
    cooldownS: ZMAP_COOLDOWN_S,
    out,
    metadata: meta,
  });
  const p = await runInTestbed(argv, { timeoutMs: capped(perPortMs * 3 + 20_000), stderrPath: `${out}.stderr` });
  t.wall += p.seconds;
  t.cpu.push(p);
  const done = readZmapSendSummary(p.stderr);
  const metadata = existsSync(meta) ? readZmapMetadata(readFileSync(meta, 'utf8')) : {};
  const portSent = typeof metadata.total_sent === 'number' ? metadata.total_sent : done ? done.sent : NaN;
  const avg = done ? done.avgPps : NaN;
  if (Number.isFinite(portSent) && avg > 0) {
    t.sent += portSent;
    t.sendSeconds += portSent / avg;
  } else t.ownKnown = false;
  t.perPort.push({
    port,
    wallSeconds: p.seconds,
    cpuSeconds: p.cpuS,
    exitCode: p.code,
    timedOut: p.timedOut,
    sent: Number.isFinite(portSent) ? portSent : null,
    ownAvgPps: Number.isFinite(avg) ? avg : null,
    allowed: metadata.blacklist_total_allowed ?? null,
    destinations: metadata.cli_cidr_destinations ?? null,
    successUnique: metadata.success_unique ?? null,
    pcapDrop: metadata.pcap_drop ?? null,
    messages: p.stderr
      .split('\n')
      .filter((l) => /\[(WARN|ERROR|FATAL)\]/.test(l))
      .slice(-5),
  });
  if (p.timedOut || p.code !== 0) {
    const how = p.timedOut
      ? 'timed out'
      : `exit ${p.code ?? p.signal}: ${p.stderr.trim().split('\n').slice(-2).join(' | ')}`;
    run.error ??= `port ${port}: ${how}`;
  }
  const allowed = metadata.blacklist_total_allowed;
  if (allowed !== undefined && allowed !== w.hostCount)
    run.error ??= `port ${port}: zmap was allowed ${String(allowed)} addresses, not ${w.hostCount}`;
  if (existsSync(out)) t.pairs.push(...readZmapCsv(readFileSync(out, 'utf8')));
}

export async function runZmap(job: Job, rate: number, mac: string): Promise<Run> {
  const { w, dir } = job;
  const shownPort = zmapArgv({
    port: '$PORT',
    hosts: w.hosts,
    iface: IFACE,
    gatewayMac: mac,
    ratePps: rate,
    cooldownS: ZMAP_COOLDOWN_S,
    out: 'OUT',
    metadata: 'META',
  });
  const each = w.ports.split(',').map((p) => (p.includes('-') ? `$(seq ${p.replace('-', ' ')})` : p));
  const loop = `for PORT in ${each.join(' ')}; do ${shownRun(shownPort)}; done`;
  const run = emptyRun('zmap', w.name, rate, loop);
  run.skipped = overBudget(perPortS(w, rate) * 1000 * w.portList.length);
  if (run.skipped) return run;
  const t: Totals = { wall: 0, sendSeconds: 0, sent: 0, ownKnown: true, pairs: [], perPort: [], cpu: [] };
  for (const port of w.portList) await runPort(w, dir, port, { rate, mac, run, t });
  run.seconds = t.wall;
  if (t.ownKnown && t.sendSeconds > 0) {
    run.sendSeconds = t.sendSeconds;
    run.ownPps = t.sent / t.sendSeconds;
  }
  run.sent = t.sent;
  run.cpu = runCpu(t.cpu, { probes: w.probes, answered: job.answered, sent: run.sent });
  const lines = plainLines(t.pairs);
  run.details = {
    perPort: t.perPort,
    sent: t.sent,
    reported: lines.count,
    duplicates: lines.duplicates,
    gatewayMac: mac,
  };
  verifyWorkload(run, w, lines.text);
  run.ok = run.error === undefined;
  return run;
}
