// SPDX-License-Identifier: MIT
// masscan.ts: bench:syn's masscan run at one rate. The command line, the reader of its list output
// and of its status line, and the way it is made to exit after its --wait, are the shared peers
// module's (lib/bench/peers/masscan.ts, which says why masscan needs help to exit). What is
// particular to the testbed: the wake-up packet is one TCP connect to ONE_HOST:22 from inside the
// testbed (bash's /dev/tcp: a numeric address, no lookup). masscan's own send rate is the mean of
// its status-line rates before 100%; its send time, spawn to the first status line at 100%; the
// packets it sent, the workload's probes once its status line reached 100% (it sends each once).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MasscanWatch, masscanArgv, readMasscanList } from '../../lib/bench/peers/masscan';
import { shownRun, TESTBED } from '../lib/testbed';
import { capped, overBudget } from './budget';
import { runCpu } from './cpu';
import { runInTestbed, type Proc, type ProcOptions } from './proc';
import { plainLines, verifyWorkload } from './score';
import { emptyRun, IFACE, MASSCAN_WAIT_S, ONE_HOST, ROUTER_IP, type Run } from './workload';
import { sendEstimateS, type Job } from './workloads';

/** Makes a packet arrive for masscan's pcap read: one TCP connect from inside the testbed. */
function wakeMasscan(): void {
  const child = spawn(TESTBED, ['run', 'timeout', '1', 'bash', '-c', `exec 3<>/dev/tcp/${ONE_HOST}/22`], {
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
}

/** Feeds masscan's stderr to `w` as it grows, and does what `w` says to end it. */
function watcher(w: MasscanWatch): NonNullable<ProcOptions['watch']> {
  let read = 0;
  return (ctl, stderr, seconds) => {
    const now = seconds();
    if (w.waitOverS === null) {
      const text = stderr();
      w.feed(text.slice(read), now);
      read = text.length;
    }
    if (ctl.ended()) return;
    const act = w.next(now);
    if (act === 'wake') wakeMasscan();
    else if (act === 'interrupt') ctl.signal('SIGINT');
  };
}

/** What the status line said and what was done about it, for the record. */
function details(p: Proc, w: MasscanWatch, probes: number): Record<string, unknown> {
  const lines = p.stderr.split(/[\r\n]+/);
  const tail = lines.filter((l) => l.trim() !== '' && !/^rate:/.test(l.trim()));
  return {
    exitCode: p.code,
    signal: p.signal,
    timedOut: p.timedOut,
    sendEndSeconds: w.sendEndS,
    firstStatusSeconds: w.sending[0]?.atS ?? null,
    reportedKpps: w.sending.map((x) => x.kpps),
    progressPps: w.progressPps(probes),
    waitOverSeconds: w.waitOverS,
    wakeupPackets: w.wakeups,
    sigints: w.sigints,
    endedBy: w.endedBy(p.timedOut),
    messages: tail.slice(-8),
    lastStatus:
      lines
        .filter((l) => /^rate:/.test(l.trim()))
        .slice(-1)[0]
        ?.trim() ?? null,
  };
}

export async function runMasscan(job: Job, rate: number): Promise<Run> {
  const { w, dir } = job;
  const out = join(dir, `masscan-${w.name}-${rate}.txt`);
  const task = { ports: w.ports, hosts: w.hosts, ratePps: rate, iface: IFACE, routerIp: ROUTER_IP, out };
  const argv = masscanArgv({ ...task, waitS: MASSCAN_WAIT_S });
  const run = emptyRun('masscan', w.name, rate, shownRun(argv).replace(out, 'OUT'));
  const expectedMs = (sendEstimateS(w, rate) + MASSCAN_WAIT_S) * 1000;
  run.skipped = overBudget(expectedMs + 8_000);
  if (run.skipped) return run;
  const watch = new MasscanWatch(MASSCAN_WAIT_S);
  const p = await runInTestbed(argv, {
    timeoutMs: capped(expectedMs * 3 + 30_000),
    stderrPath: `${out}.stderr`,
    cwd: dir,
    watch: watcher(watch),
  });
  run.seconds = p.seconds;
  run.ownPps = watch.ownPps();
  if (watch.sendEndS !== null) {
    run.sendSeconds = watch.sendEndS;
    run.sent = w.probes;
  }
  run.cpu = runCpu([p], { probes: w.probes, answered: job.answered, sent: run.sent });
  run.details = details(p, watch, w.probes);
  if (p.timedOut) run.error = 'timed out';
  else if (p.code !== 0) run.error = `exit ${p.code ?? p.signal}`;
  if (!existsSync(out)) {
    run.error ??= 'no output file';
    return run;
  }
  const lines = plainLines(readMasscanList(readFileSync(out, 'utf8')));
  run.details.reported = lines.count;
  run.details.duplicates = lines.duplicates;
  verifyWorkload(run, w, lines.text);
  run.ok = run.error === undefined;
  return run;
}
