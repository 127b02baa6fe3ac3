// SPDX-License-Identifier: MIT
// memory.ts: bounded memory for huge plans (issue 5). Starts a SYN scan of 198.18.0.0/16 x
// 1-65535 (4,294,901,760 probes) inside the testbed, measures the time until the first result
// is written, samples the scanner's resident memory (VmRSS, and the kernel's high-water mark
// VmHWM) every 250 ms for 20 s, then stops it with SIGINT and checks it exits 130 with a valid
// output. Run as root with the testbed up: `npm run bench:memory` (TESTBED_PREFIX picks the
// testbed, TESTBED its command, as for bench:syn). A benchmark, not a test.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { TESTBED } from './lib/testbed';

const ROOT = resolve(__dirname, '..', '..');
const RUN_MS = Number(process.env.MEMORY_RUN_MS ?? 20000);

function status(pid: number): { rssKb: number; hwmKb: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** Milliseconds since the process started (from /proc: its start tick and the system uptime). */
function ageMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(fields[19]); // field 22 of stat(5), counted after the comm field
  const uptimeS = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  return (uptimeS - startTicks / hz) * 1000;
}

function scannerPid(marker: string): number | null {
  try {
    const out = execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').map(Number);
    // The node process itself, not the testbed's wrapper (whose command line holds the same words).
    return (
      out.find(
        (p) =>
          readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'node' &&
          /bin\/portscan\.js/.test(readFileSync(`/proc/${p}/cmdline`, 'utf8')),
      ) ?? null
    );
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portscan-mem-'));
  const out = join(dir, 'out.ndjson');
  const marker = `portscan-mem-${process.pid}`;
  const args = [
    'run',
    process.execPath,
    join(ROOT, 'bin', 'portscan.js'),
    '-q',
    '--mode',
    'syn',
    '-p-',
    '-f',
    'ndjson',
    '-o',
    out,
    '--checkpoint',
    join(dir, marker),
    '198.18.0.0/16',
  ];
  const t0 = performance.now();
  const child = spawn(TESTBED, args, { stdio: 'inherit' });
  let firstMs = -1;
  let peakRss = 0;
  let peakHwm = 0;
  let pid: number | null = null;
  const samples: number[] = [];
  let lastSample = 0;
  while (performance.now() - t0 < RUN_MS) {
    await new Promise((r) => setTimeout(r, 20));
    pid ??= scannerPid(marker);
    // Time to first result, from the scanner's own start (not the testbed wrapper's).
    if (firstMs < 0 && pid && existsSync(out) && statSync(out).size > 0) firstMs = ageMs(pid);
    if (performance.now() - lastSample < 250) continue;
    lastSample = performance.now();
    const st = pid ? status(pid) : null;
    if (st) {
      samples.push(st.rssKb);
      peakRss = Math.max(peakRss, st.rssKb);
      peakHwm = Math.max(peakHwm, st.hwmKb);
    }
  }
  if (pid) process.kill(pid, 'SIGINT');
  const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  const valid = lines.every((l) => {
    try {
      JSON.parse(l);
      return true;
    } catch {
      return false;
    }
  });
  const result = {
    plan: '198.18.0.0/16 x 1-65535 = 4294901760 probes, --mode syn, default rate',
    firstResultMsFromProcessStart: Math.round(firstMs),
    peakRssMb: +(peakRss / 1024).toFixed(1),
    peakHwmMb: +(peakHwm / 1024).toFixed(1),
    lastRssMb: +((samples.at(-1) ?? 0) / 1024).toFixed(1),
    samples: samples.length,
    exitCode: code,
    resultsWritten: lines.length,
    outputValid: valid,
  };
  console.log(JSON.stringify(result, null, 2));
  const ok = firstMs >= 0 && firstMs < 1000 && peakHwm < 150 * 1024 && code === 130 && valid;
  console.log(
    ok ? 'memory bench: within bounds (first result < 1 s, peak RSS < 150 MB)' : 'memory bench: OUT OF BOUNDS',
  );
  process.exitCode = ok ? 0 : 1;
}

void main();
