// SPDX-License-Identifier: MIT
// syn-vs-peers.ts: portscan's Stealth (SYN) mode against masscan and zmap on one workload,
// 198.18.0.0/16 x ports 22,80,443,8080,31337 (65,536 hosts x 5 ports = 327,680 probes), every
// command run inside the testbed's scanner namespace, which can reach the testbed ranges and
// nothing else. Each tool runs at a small sweep of requested rates; every run is timed from
// process start to exit (wall clock) and scored with `testbed verify`: open ports found, missed
// and falsely reported, and recall. Then one more portscan run: every port of one host
// (198.18.0.1, -p- --full), checked with `testbed verify --strict-closed`. Prints a table and a
// summary, and writes bench/results/syn-vs-peers.json. Needs root and the testbed up:
//
//   TESTBED_PREFIX=psyn ../shared/testbed/testbed up && TESTBED_PREFIX=psyn npm run bench:syn
//
// probes/s is given two ways. "probes/wall" is 327,680 / wall seconds, the same for every tool
// (it includes process start, `testbed run`, and each tool's wait for late replies: portscan's
// --wait, masscan's --wait 2, zmap's -c 2, and for zmap five processes, one per port, because
// zmap 2.x scans one port per run). "own pps" is the send rate the tool itself prints: the mean
// of masscan's "rate: N-kpps" status lines before 100%, zmap's "send: N done (R p/s avg)"
// (combined over its five runs: probes sent / sum of per-run send times). portscan prints no
// send rate (with -q it prints nothing), so its column is empty. "send s": masscan, spawn to
// the status line's 100% (its start-up included); zmap, the sum of sent / own average rate over
// its five runs. portscan also re-probes silent ports (default --retries 2), so it sends more
// packets than the 327,680 counted; masscan and zmap send each probe once.
//
// masscan 1.3.2 does not exit by itself after its --wait: its receive thread sits in a blocking
// pcap read until a packet arrives (it force-exits 10 s later, and not always then), and SIGINT
// does not help either (in trials, two to four SIGINTs after the wait left it running for
// minutes, printing "threads not exiting"). So once its status line shows the wait is over (the
// scan is finished, its receive-done flag set), this script makes one packet arrive: a single
// TCP connect to 198.18.0.1:22 from inside the testbed (repeated up to 3 times, 1 s apart).
// masscan then exits within a few hundred milliseconds. If it still has not exited, it gets
// SIGINT twice, then SIGKILL at its timeout. How each run ended is recorded (details.endedBy).
//
// The tools take turns rate by rate, so that a change in the machine's load falls on all three;
// the load average before and after is printed and saved.
//
// Environment: TESTBED (path of the testbed command), TESTBED_PREFIX (which testbed; passed on
// to it), BENCH_PORTSCAN_RATES, BENCH_MASSCAN_RATES, BENCH_ZMAP_RATES (comma-separated sweeps;
// 0 = unlimited, portscan only). Exits 2 when it cannot run (not root, testbed down, a tool
// missing), 1 when a portscan run failed or its results did not pass `testbed verify`, else 0.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { exec, fail as failBench, TESTBED, testbedIdentity } from './lib/commands';
import { describeMachine, formatRate, machineInfo, median, repoRoot, table, type MachineInfo } from './lib/harness';

const PREFIX = process.env.TESTBED_PREFIX ?? 'ptb';
const NET = '198.18.0.0/16';
const HOSTS = 65536;
const PORTS = [22, 80, 443, 8080, 31337];
const PORT_SPEC = PORTS.join(',');
const PROBES = HOSTS * PORTS.length;
const ONE_HOST = '198.18.0.1';
const IFACE = 's0';
const ROUTER_IP = '198.19.0.2';
const MASSCAN_WAIT = 2;
const ZMAP_COOLDOWN = 2;
/** No run starts after this much time, and no run's timeout reaches past HARD_END_MS. */
const START_BUDGET_MS = 8 * 60 * 1000;
const HARD_END_MS = 9 * 60 * 1000;

type Tool = 'portscan' | 'masscan' | 'zmap';

/** `testbed verify`'s report. */
interface Verify {
  expected_open: number;
  found_open: number;
  missed_open: number;
  false_open: number;
  wrong_state: number;
  recall: number;
  malformed: number;
  expected?: Record<string, number>;
}

interface Proc {
  /** Wall seconds from spawn to exit. */
  seconds: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

interface Run {
  tool: Tool;
  /** Requested rate, probes (packets) per second; 0 = unlimited. */
  rate: number;
  command: string;
  ok: boolean;
  seconds: number | null;
  /** Seconds spent sending, where known (tool's own figure or seen on its status line). */
  sendSeconds: number | null;
  /** The send rate the tool printed itself, probes/s. */
  ownPps: number | null;
  /** PROBES / wall seconds. */
  probesPerWall: number | null;
  verify: Verify | null;
  verifyExit: number | null;
  error?: string;
  skipped?: string;
  /** Tool-specific details: exit codes, how masscan was ended, zmap's per-port runs. */
  details: Record<string, unknown>;
}

const t0Bench = Date.now();
const elapsedMs = (): number => Date.now() - t0Bench;

function fail(code: number, message: string): never {
  return failBench('bench:syn', code, message);
}

/**
 * Runs a command to its exit and times it (spawn to 'exit'). Its stderr goes to the file
 * `stderrPath`, not a pipe: a tool that writes status lines then never waits on this process
 * reading them (in a small A/B, 2 runs each, masscan found ~8% fewer ports with its stderr on a
 * pipe than on a file). `watch` is called every 50 ms with the child and a function returning
 * stderr so far, so a caller can act on a tool's status line; on timeout the child gets SIGKILL.
 */
function runProc(
  cmd: string,
  args: string[],
  opts: {
    timeoutMs: number;
    stderrPath: string;
    cwd?: string;
    watch?: (child: ChildProcess, stderr: () => string, seconds: () => number) => void;
  },
): Promise<Proc> {
  return new Promise((resolvePromise) => {
    const errFd = openSync(opts.stderrPath, 'w');
    const readErr = (): string => {
      try {
        return readFileSync(opts.stderrPath, 'utf8');
      } catch {
        return '';
      }
    };
    const start = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - start) / 1e9;
    const child = spawn(cmd, args, { cwd: opts.cwd ?? repoRoot(), stdio: ['ignore', 'pipe', errFd] });
    closeSync(errFd);
    let stdout = '';
    let spawnError = '';
    let timedOut = false;
    let exited: { seconds: number; code: number | null; signal: NodeJS.Signals | null } | null = null;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < 1 << 20) stdout += d;
    });
    const killer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    const watcher = opts.watch ? setInterval(() => opts.watch?.(child, readErr, seconds), 50) : null;
    child.on('exit', (code, signal) => {
      exited = { seconds: seconds(), code, signal };
    });
    child.on('error', (err) => {
      spawnError = `\nspawn error: ${err.message}`;
      exited ??= { seconds: seconds(), code: null, signal: null };
    });
    child.on('close', () => {
      clearTimeout(killer);
      if (watcher) clearInterval(watcher);
      const e = exited ?? { seconds: seconds(), code: null, signal: null };
      // masscan rewrites its status line with \r many times a second; keep the tail only
      const stderr = readErr().slice(-(1 << 20)) + spawnError;
      resolvePromise({ ...e, stdout, stderr, timedOut });
    });
  });
}

/** The command as a user would type it, with the testbed wrapper. */
function shown(args: string[]): string {
  return [
    TESTBED,
    ...args.map((a) =>
      a === process.execPath ? 'node' : a.startsWith(repoRoot()) ? a.slice(repoRoot().length + 1) : a,
    ),
  ].join(' ');
}

/** Runs `testbed verify HOSTS PORTS [flags]` on `results`. */
interface Verified {
  report: Verify | null;
  exit: number | null;
  text: string;
  /** What verify printed on stderr: the first missed or false results ("missed open: IP PORT"). */
  examples: string[];
}

function verify(hosts: string, ports: string, results: string, flags: string[] = []): Verified {
  const v = exec(TESTBED, ['verify', hosts, ports, ...flags], results);
  const examples = v.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, 20);
  try {
    return { report: JSON.parse(v.stdout) as Verify, exit: v.status, text: v.stdout.trim(), examples };
  } catch {
    return { report: null, exit: v.status, text: `${v.stdout.trim()} ${v.stderr.trim()}`.trim(), examples };
  }
}

/** Unique "IP PORT open" lines from [ip, port] pairs. */
function plainLines(pairs: Iterable<[string, string]>): { text: string; count: number; duplicates: number } {
  const seen = new Set<string>();
  let duplicates = 0;
  for (const [ip, port] of pairs) {
    const line = `${ip} ${port} open`;
    if (seen.has(line)) duplicates++;
    else seen.add(line);
  }
  return { text: [...seen].join('\n') + (seen.size ? '\n' : ''), count: seen.size, duplicates };
}

/** masscan -oL: "open tcp 22 198.18.0.1 1700000000". */
function* masscanPairs(text: string): Generator<[string, string]> {
  for (const line of text.split('\n')) {
    const m = /^open tcp (\d+) (\S+) /.exec(line);
    if (m) yield [m[2] as string, m[1] as string];
  }
}

/** zmap csv with --output-fields=saddr,sport: a header, then "198.18.0.1,22". */
function* zmapPairs(text: string): Generator<[string, string]> {
  for (const line of text.split('\n')) {
    const m = /^(\d+\.\d+\.\d+\.\d+),(\d+)$/.exec(line.trim());
    if (m) yield [m[1] as string, m[2] as string];
  }
}

/** zmap's rates print as "78.2 Kp/s"; masscan's as "99.65-kpps". */
function scaled(value: string, unit: string | undefined): number {
  const k = (unit ?? '').toUpperCase();
  return Number(value) * (k === 'K' ? 1e3 : k === 'M' ? 1e6 : k === 'G' ? 1e9 : 1);
}

/** A run's timeout: its own, but never past HARD_END_MS of the whole bench. */
function capped(ms: number): number {
  return Math.max(5_000, Math.min(ms, HARD_END_MS - elapsedMs()));
}

/** Whether a run expected to take `estimateMs` can still start; else the reason it is skipped. */
function overBudget(estimateMs: number): string | undefined {
  const at = elapsedMs();
  if (at + estimateMs > START_BUDGET_MS) {
    return `skipped: ${(at / 1000).toFixed(0)} s used, ~${(estimateMs / 1000).toFixed(0)} s more would pass the ${START_BUDGET_MS / 60000}-minute budget`;
  }
  return undefined;
}

function emptyRun(tool: Tool, rate: number, command: string): Run {
  return {
    tool,
    rate,
    command,
    ok: false,
    seconds: null,
    sendSeconds: null,
    ownPps: null,
    probesPerWall: null,
    verify: null,
    verifyExit: null,
    details: {},
  };
}

function finish(run: Run, v: Verified): void {
  run.verify = v.report;
  run.verifyExit = v.exit;
  if (v.examples.length) run.details.verifyExamples = v.examples;
  if (!v.report) run.error = `testbed verify: ${v.text || `exit ${v.exit}`}`;
  if (run.seconds !== null && run.seconds > 0) run.probesPerWall = PROBES / run.seconds;
}

// ---------------------------------------------------------------- portscan

async function runPortscan(dir: string, rate: number): Promise<Run> {
  const out = join(dir, `portscan-${rate}.ndjson`);
  const args = [
    'run',
    process.execPath,
    join(repoRoot(), 'bin', 'portscan.js'),
    '-v',
    '--mode',
    'syn',
    '--rate',
    String(rate),
    '-p',
    PORT_SPEC,
    '-f',
    'ndjson',
    '-o',
    out,
    NET,
  ];
  const run = emptyRun('portscan', rate, shown(args).replace(out, 'OUT'));
  run.skipped = overBudget(15_000);
  if (run.skipped) return run;
  const p = await runProc(TESTBED, args, { timeoutMs: capped(60_000), stderrPath: `${out}.stderr` });
  run.seconds = p.seconds;
  run.details = { exitCode: p.code, signal: p.signal, timedOut: p.timedOut, stderr: p.stderr.trim().slice(-2000) };
  if (p.timedOut || p.code !== 0 || !existsSync(out)) {
    run.error = p.timedOut
      ? 'timed out'
      : `exit ${p.code ?? p.signal}: ${p.stderr.trim().split('\n').slice(-3).join(' | ')}`;
    if (!existsSync(out)) return run;
  }
  // -v's send phase: the first tries of every probe, from the first to the last (retries sent in
  // that time go out too; the wait at the end does not count), as masscan's printed rate does.
  const phase = /the first tries of (\d+) probes went out in ([\d.]+) s/.exec(p.stderr);
  if (phase && Number(phase[2]) > 0) {
    run.sendSeconds = Number(phase[2]);
    run.ownPps = Number(phase[1]) / Number(phase[2]);
  }
  const text = readFileSync(out, 'utf8');
  run.details.records = text.split('\n').filter((l) => l.trim() !== '').length;
  finish(run, verify(NET, PORT_SPEC, text));
  run.ok = run.error === undefined && run.verifyExit === 0;
  return run;
}

/** Runs of the one-host workload: the machine is shared, so one run says little. */
const ONE_HOST_RUNS = 5;

/**
 * Every port of one host, ONE_HOST_RUNS times (defaults otherwise: the adaptive wait after the
 * last try): with --full checked with --strict-closed, else (open ports only) with verify's
 * default. No -q: its summary line is wanted.
 */
async function runOneHost(dir: string, full: boolean): Promise<Record<string, unknown>> {
  const out = join(dir, `portscan-one-host${full ? '-full' : ''}.ndjson`);
  const args = [
    'run',
    process.execPath,
    join(repoRoot(), 'bin', 'portscan.js'),
    '--mode',
    'syn',
    '--rate',
    '0',
    '-p-',
    ...(full ? ['--full'] : []),
    '-v',
    '-f',
    'ndjson',
    '-o',
    out,
    ONE_HOST,
  ];
  const result: Record<string, unknown> = { command: shown(args).replace(out, 'OUT') };
  const runs: Record<string, unknown>[] = [];
  for (let k = 0; k < ONE_HOST_RUNS; k++) {
    const skipped = overBudget(15_000);
    if (skipped) {
      if (runs.length === 0) return { ...result, skipped };
      break;
    }
    const p = await runProc(TESTBED, args, { timeoutMs: capped(90_000), stderrPath: `${out}.stderr` });
    const summary = /(\d+) open of (\d+) probed \((\d+) planned\) in ([\d.]+) s/.exec(p.stderr);
    const run: Record<string, unknown> = {
      wallSeconds: p.seconds,
      exitCode: p.code,
      timedOut: p.timedOut,
      stderr: p.stderr.trim().slice(-2000),
      ownSeconds: summary ? Number(summary[4]) : null,
      open: summary ? Number(summary[1]) : null,
      probed: summary ? Number(summary[2]) : null,
    };
    if (existsSync(out)) {
      const v = verify(ONE_HOST, '1-65535', readFileSync(out, 'utf8'), full ? ['--strict-closed'] : []);
      Object.assign(run, { verify: v.report ?? v.text, verifyExit: v.exit, verifyExamples: v.examples });
    }
    run.ok = p.code === 0 && !p.timedOut && run.verifyExit === 0;
    runs.push(run);
  }
  const own = runs
    .map((r) => r.ownSeconds)
    .filter((x): x is number => typeof x === 'number')
    .sort((a, b) => a - b);
  const wall = runs.map((r) => r.wallSeconds as number).sort((a, b) => a - b);
  const last = runs[runs.length - 1] as Record<string, unknown>;
  Object.assign(result, {
    runs,
    exact: runs.filter((r) => r.ok).length,
    ownSeconds: own.length ? own[Math.floor(own.length / 2)] : null,
    ownMin: own[0] ?? null,
    ownMax: own[own.length - 1] ?? null,
    wallSeconds: wall[Math.floor(wall.length / 2)],
    open: last.open,
    probed: last.probed,
    verify: last.verify,
    ok: runs.every((r) => r.ok),
  });
  return result;
}

// ---------------------------------------------------------------- masscan

/**
 * One TCP connect to ONE_HOST:22 from inside the testbed (bash's /dev/tcp: a numeric address,
 * no lookup), so that a packet arrives for masscan's pcap read.
 */
function wakeMasscan(): void {
  const child = spawn(TESTBED, ['run', 'timeout', '1', 'bash', '-c', `exec 3<>/dev/tcp/${ONE_HOST}/22`], {
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
}

async function runMasscan(dir: string, rate: number): Promise<Run> {
  const out = join(dir, `masscan-${rate}.txt`);
  const args = [
    'run',
    'masscan',
    `-p${PORT_SPEC}`,
    NET,
    '--rate',
    String(rate),
    '--interface',
    IFACE,
    '--router-ip',
    ROUTER_IP,
    '--wait',
    String(MASSCAN_WAIT),
    '-oL',
    out,
  ];
  const run = emptyRun('masscan', rate, shown(args).replace(out, 'OUT'));
  const expectedMs = (PROBES / rate + MASSCAN_WAIT) * 1000;
  run.skipped = overBudget(expectedMs + 8_000);
  if (run.skipped) return run;

  // What the status line said and what was done about it, for the record.
  const st = {
    parsed: 0, // stderr characters already parsed
    statuses: [] as { t: number; kpps: number; pct: number }[], // status lines while sending
    sendEnd: null as number | null, // seconds after spawn when the status line first showed 100%
    sawWaitCountdown: false,
    waitOver: null as number | null, // seconds after spawn when the status line showed the wait over
    wakeups: 0,
    sigints: 0,
    lastAction: 0,
  };
  const watch = (child: ChildProcess, stderr: () => string, seconds: () => number): void => {
    const now = seconds();
    if (st.waitOver === null) {
      const text = stderr();
      const cut = Math.max(text.lastIndexOf('\r'), text.lastIndexOf('\n'));
      if (cut >= st.parsed) {
        for (const line of text.slice(st.parsed, cut + 1).split(/[\r\n]+/)) {
          const r = /rate:\s*([\d.]+)-kpps,\s*([\d.]+)% done/.exec(line);
          if (!r) continue;
          const kpps = Number(r[1]);
          const pct = Number(r[2]);
          if (st.sendEnd === null && pct >= 100) st.sendEnd = now;
          if (st.sendEnd === null) st.statuses.push({ t: now, kpps, pct });
          const w = /waiting (-?\d+)-secs/.exec(line);
          if (st.sendEnd !== null && w) {
            // masscan sets its "receive done" flag in the same step that prints "waiting 0-secs"
            const left = Number(w[1]);
            if (left > 0) st.sawWaitCountdown = true;
            else if (st.sawWaitCountdown) st.waitOver ??= now;
          }
        }
        st.parsed = cut + 1;
      }
      // Fallback, should the status line not be readable: its --wait plus 2 s after the send end.
      if (st.waitOver === null && st.sendEnd !== null && now > st.sendEnd + MASSCAN_WAIT + 2) st.waitOver = now;
      if (st.waitOver === null) return;
    }
    if (child.exitCode !== null || child.signalCode !== null) return;
    const since = now - st.waitOver;
    if (st.wakeups === 0 || (st.wakeups < 3 && st.sigints === 0 && since - st.lastAction > 1.0)) {
      wakeMasscan();
      st.wakeups++;
      st.lastAction = since;
    } else if (st.wakeups >= 3 && st.sigints < 2 && since - st.lastAction > (st.sigints === 0 ? 1.0 : 0.3)) {
      child.kill('SIGINT');
      st.sigints++;
      st.lastAction = since;
    }
  };
  const p = await runProc(TESTBED, args, {
    timeoutMs: capped(expectedMs * 3 + 30_000),
    stderrPath: `${out}.stderr`,
    cwd: dir,
    watch,
  });
  run.seconds = p.seconds;
  // masscan's own figure: the mean of the rates its status line gave while sending (each covers
  // about the same interval); and, for the record, the rate its progress implies between the
  // first and the last status line before 100%.
  const sending = st.statuses.filter((x) => x.kpps > 0);
  if (sending.length) run.ownPps = (sending.reduce((a, x) => a + x.kpps, 0) / sending.length) * 1000;
  const first = st.statuses[0];
  const last = st.statuses[st.statuses.length - 1];
  const progressPps =
    first && last && last.t > first.t ? (((last.pct - first.pct) / 100) * PROBES) / (last.t - first.t) : null;
  if (st.sendEnd !== null) run.sendSeconds = st.sendEnd;
  const tail = p.stderr.split(/[\r\n]+/).filter((l) => l.trim() !== '' && !/^rate:/.test(l.trim()));
  run.details = {
    exitCode: p.code,
    signal: p.signal,
    timedOut: p.timedOut,
    sendEndSeconds: st.sendEnd,
    firstStatusSeconds: st.statuses[0]?.t ?? null,
    reportedKpps: st.statuses.map((x) => x.kpps),
    progressPps,
    waitOverSeconds: st.waitOver,
    wakeupPackets: st.wakeups,
    sigints: st.sigints,
    endedBy: p.timedOut
      ? 'SIGKILL (timeout)'
      : st.waitOver === null
        ? 'itself'
        : st.sigints > 0
          ? 'SIGINT'
          : 'wake-up packet',
    messages: tail.slice(-8),
    lastStatus:
      p.stderr
        .split(/[\r\n]+/)
        .filter((l) => /^rate:/.test(l.trim()))
        .slice(-1)[0]
        ?.trim() ?? null,
  };
  if (p.timedOut) run.error = 'timed out';
  else if (p.code !== 0) run.error = `exit ${p.code ?? p.signal}`;
  if (!existsSync(out)) {
    run.error ??= 'no output file';
    return run;
  }
  const lines = plainLines(masscanPairs(readFileSync(out, 'utf8')));
  run.details.reported = lines.count;
  run.details.duplicates = lines.duplicates;
  finish(run, verify(NET, PORT_SPEC, lines.text));
  run.ok = run.error === undefined;
  return run;
}

// ---------------------------------------------------------------- zmap

/** The gateway's MAC: from the scanner namespace's neighbour table, else from its EUI-64 link-local address. */
function gatewayMac(): { mac: string; from: string } | null {
  const neigh = exec(TESTBED, ['run', 'ip', 'neigh', 'show', ROUTER_IP]);
  const m = /lladdr ([0-9a-f]{2}(?::[0-9a-f]{2}){5})/i.exec(neigh.stdout);
  if (m) return { mac: (m[1] as string).toLowerCase(), from: 'ip neigh' };
  const status = exec(TESTBED, ['status']);
  const tgt = status.stdout.split(/^== /m).find((s) => /-tgt\b/.test(s.split('\n')[0] ?? ''));
  const ll = tgt ? /fe80::([0-9a-f]{1,4}):([0-9a-f]{1,4}):([0-9a-f]{1,4}):([0-9a-f]{1,4})\//i.exec(tgt) : null;
  if (!ll) return null;
  const w = ll.slice(1, 5).map((g) => (g as string).padStart(4, '0'));
  const bytes = w.join('').match(/../g) as string[];
  if (bytes[3] !== 'ff' || bytes[4] !== 'fe') return null; // not EUI-64
  const first = (parseInt(bytes[0] as string, 16) ^ 0x02).toString(16).padStart(2, '0');
  return {
    mac: [first, bytes[1], bytes[2], bytes[5], bytes[6], bytes[7]].join(':'),
    from: 'EUI-64 link-local of the target end',
  };
}

async function runZmap(dir: string, rate: number, mac: string): Promise<Run> {
  const argsFor = (port: number | string, out: string, meta: string): string[] => [
    'run',
    'zmap',
    '-p',
    String(port),
    '-b',
    '/dev/null',
    '-i',
    IFACE,
    '-G',
    mac,
    '-r',
    String(rate),
    '-c',
    String(ZMAP_COOLDOWN),
    '-o',
    out,
    '--output-fields=saddr,sport',
    '-m',
    meta,
    '--disable-syslog',
    NET,
  ];
  const run = emptyRun(
    'zmap',
    rate,
    `for PORT in ${PORTS.join(' ')}; do ${shown(argsFor('$PORT', 'OUT', 'META'))}; done`,
  );
  const perPortMs = (HOSTS / rate + ZMAP_COOLDOWN + 1.5) * 1000;
  run.skipped = overBudget(perPortMs * PORTS.length);
  if (run.skipped) return run;
  const perPort: Record<string, unknown>[] = [];
  const pairs: [string, string][] = [];
  let wall = 0;
  let sendSeconds = 0;
  let sent = 0;
  let ownKnown = true;
  for (const port of PORTS) {
    const out = join(dir, `zmap-${rate}-${port}.csv`);
    const meta = join(dir, `zmap-${rate}-${port}.json`);
    const p = await runProc(TESTBED, argsFor(port, out, meta), {
      timeoutMs: capped(perPortMs * 3 + 20_000),
      stderrPath: `${out}.stderr`,
    });
    wall += p.seconds;
    const done = [...p.stderr.matchAll(/send: (\d+) done \(([\d.]+) ([KMG]?)p\/s avg\)/g)].pop();
    let metadata: Record<string, unknown> = {};
    try {
      metadata = JSON.parse(readFileSync(meta, 'utf8')) as Record<string, unknown>;
    } catch {
      // no metadata: the run failed
    }
    const portSent = typeof metadata.total_sent === 'number' ? metadata.total_sent : done ? Number(done[1]) : NaN;
    const avg = done ? scaled(done[2] as string, done[3]) : NaN;
    if (Number.isFinite(portSent) && avg > 0) {
      sent += portSent;
      sendSeconds += portSent / avg;
    } else ownKnown = false;
    perPort.push({
      port,
      wallSeconds: p.seconds,
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
    if (p.timedOut || p.code !== 0)
      run.error ??= `port ${port}: ${p.timedOut ? 'timed out' : `exit ${p.code ?? p.signal}: ${p.stderr.trim().split('\n').slice(-2).join(' | ')}`}`;
    if (metadata.blacklist_total_allowed !== undefined && metadata.blacklist_total_allowed !== HOSTS) {
      run.error ??= `port ${port}: zmap was allowed ${String(metadata.blacklist_total_allowed)} addresses, not ${HOSTS}`;
    }
    if (existsSync(out)) for (const pair of zmapPairs(readFileSync(out, 'utf8'))) pairs.push(pair);
  }
  run.seconds = wall;
  if (ownKnown && sendSeconds > 0) {
    run.sendSeconds = sendSeconds;
    run.ownPps = sent / sendSeconds;
  }
  const lines = plainLines(pairs);
  run.details = { perPort, sent, reported: lines.count, duplicates: lines.duplicates, gatewayMac: mac };
  finish(run, verify(NET, PORT_SPEC, lines.text));
  run.ok = run.error === undefined;
  return run;
}

// ---------------------------------------------------------------- main

function ratesFrom(env: string | undefined, fallback: number[]): number[] {
  if (!env) return fallback;
  const xs = env
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((x) => Number.isInteger(x) && x >= 0);
  return xs.length ? xs : fallback;
}

function version(cmd: string, args: string[], pattern: RegExp): string | null {
  const r = exec(cmd, args);
  if (r.error) return null;
  return pattern.exec(`${r.stdout}\n${r.stderr}`)?.[0]?.trim() ?? null;
}

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) fail(2, 'must run as root (the testbed uses network namespaces; raw sockets)');
  const masscanVersion = version('masscan', ['--version'], /Masscan version \S+/);
  const zmapVersion = version('zmap', ['--version'], /zmap \S+/);
  if (!masscanVersion || !zmapVersion) fail(2, 'masscan and zmap are needed: apt-get install -y masscan zmap');
  const probe = exec(TESTBED, ['run', 'true']);
  if (probe.error || probe.status !== 0) {
    fail(
      2,
      `the testbed is not up (${(probe.stderr || String(probe.error ?? '')).trim()}): run \`TESTBED_PREFIX=${PREFIX} ${TESTBED} up\``,
    );
  }
  const truthRun = exec(TESTBED, ['truth', NET, PORT_SPEC]);
  const truth =
    truthRun.status === 0 ? (JSON.parse(truthRun.stdout.split('\n')[0] ?? '{}') as Record<string, number>) : null;
  const identityBefore = testbedIdentity();

  const machine: MachineInfo & { masscan: string; zmap: string } = {
    ...machineInfo(),
    masscan: masscanVersion,
    zmap: zmapVersion,
  };
  // Which portscan was measured: the commit, files of lib/ and native/ changed since (others may
  // be working there; build:ts compiles the working tree), and when the addon was built.
  const git = (args: string[]): string => exec('git', args).stdout;
  const addon = join(repoRoot(), 'build', 'Release', 'portscan_native.node');
  const build = {
    commit: git(['rev-parse', 'HEAD']).trim(),
    changedSinceCommit: git(['status', '--porcelain', '--', 'lib', 'native'])
      .split('\n')
      .filter((l) => l !== ''),
    addonBuilt: existsSync(addon) ? statSync(addon).mtime.toISOString() : null,
  };
  const loadBefore = loadavg();
  const overhead = median(
    [0, 1, 2].map(() => {
      const t = process.hrtime.bigint();
      exec(TESTBED, ['run', 'true']);
      return Number(process.hrtime.bigint() - t) / 1e9;
    }),
  );

  const portscanRates = ratesFrom(process.env.BENCH_PORTSCAN_RATES, [100000, 200000, 0]);
  const masscanRates = ratesFrom(process.env.BENCH_MASSCAN_RATES, [100000, 150000, 200000, 300000]).filter(
    (r) => r > 0,
  );
  const zmapRates = ratesFrom(process.env.BENCH_ZMAP_RATES, [100000, 200000, 300000]).filter((r) => r > 0);

  console.log(
    `SYN scan of ${NET} x ports ${PORT_SPEC} (${PROBES} probes): portscan vs masscan vs zmap, inside testbed ${PREFIX}`,
  );
  console.log(
    `machine: ${describeMachine(machine)}, ${machine.masscan}, ${machine.zmap}; load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`,
  );
  console.log(
    `portscan: commit ${build.commit.slice(0, 10)}, ${build.changedSinceCommit.length} files of lib/ native/ changed since, addon built ${build.addonBuilt ?? '?'}`,
  );
  if (truth) console.log(`truth:   ${JSON.stringify(truth)}`);

  const dir = mkdtempSync(join(tmpdir(), 'portscan-syn-vs-peers-'));
  const runs: Run[] = [];
  const report = (run: Run): void => {
    runs.push(run);
    const v = run.verify;
    const what = run.skipped
      ? run.skipped
      : `${run.seconds === null ? '-' : run.seconds.toFixed(2).padStart(6)} s  ` +
        (v
          ? `found ${v.found_open}, missed ${v.missed_open}, false ${v.false_open}, recall ${v.recall.toFixed(4)}`
          : 'no verify') +
        (run.error ? `  ERROR ${run.error}` : '');
    console.log(`  ${run.tool.padEnd(8)} rate ${String(run.rate || 'unlimited').padStart(9)}  ${what}`);
  };

  // The tools take turns (portscan's first rate, masscan's first, zmap's first, then the second
  // of each, ...), so that a change in the machine's load during the bench falls on all three.
  // zmap's gateway MAC is looked up when first needed: by then portscan has resolved it.
  let gw: { mac: string; from: string } | null | undefined;
  for (let i = 0; i < Math.max(portscanRates.length, masscanRates.length, zmapRates.length); i++) {
    const p = portscanRates[i];
    const m = masscanRates[i];
    const z = zmapRates[i];
    if (p !== undefined) report(await runPortscan(dir, p));
    if (m !== undefined) report(await runMasscan(dir, m));
    if (z !== undefined) {
      if (gw === undefined) {
        gw = gatewayMac();
        if (!gw)
          console.log('  zmap: cannot find the gateway MAC (no neighbour entry, no EUI-64 link-local); zmap skipped');
      }
      if (gw) report(await runZmap(dir, z, gw.mac));
      else report({ ...emptyRun('zmap', z, 'zmap'), skipped: 'skipped: no gateway MAC' });
    }
  }
  const order: Tool[] = ['portscan', 'masscan', 'zmap'];
  runs.sort((a, b) => order.indexOf(a.tool) - order.indexOf(b.tool));
  const oneHost = await runOneHost(dir, false);
  const oneHostFull = await runOneHost(dir, true);
  const identityAfter = testbedIdentity();
  const loadAfter = loadavg();

  // ---- table
  const fmt = (x: number | null, digits = 2): string => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(digits));
  const rows = runs.map((r) => [
    r.tool,
    r.rate === 0 ? 'unlimited' : formatRate(r.rate),
    r.skipped ? 'skipped' : r.error && r.seconds === null ? 'failed' : fmt(r.seconds),
    fmt(r.sendSeconds),
    r.ownPps === null ? '-' : formatRate(r.ownPps),
    r.probesPerWall === null ? '-' : formatRate(r.probesPerWall),
    r.verify ? String(r.verify.found_open) : '-',
    r.verify ? String(r.verify.missed_open) : '-',
    r.verify ? String(r.verify.false_open) : '-',
    r.verify ? r.verify.recall.toFixed(4) : '-',
    r.error ? `ERROR: ${r.error}` : '',
  ]);
  console.log(
    table(
      ['tool', 'rate', 'wall s', 'send s', 'own pps', 'probes/wall', 'found open', 'missed', 'false', 'recall', ''],
      rows,
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    ),
  );

  // ---- summary: portscan's best with recall 1.0 against each peer's best (any recall)
  const best = (rs: Run[], key: 'probesPerWall' | 'ownPps'): Run | null =>
    rs.filter((r) => r[key] !== null && r.verify !== null).sort((a, b) => (b[key] as number) - (a[key] as number))[0] ??
    null;
  const oursPerfect = runs.filter(
    (r) => r.tool === 'portscan' && r.ok && r.verify?.recall === 1 && r.verify.false_open === 0,
  );
  const ourBest = best(oursPerfect, 'probesPerWall');
  const ourBestOwn = best(oursPerfect, 'ownPps');
  const rateName = (r: Run): string => (r.rate === 0 ? 'unlimited' : formatRate(r.rate));
  const summary: Record<string, unknown> = {};
  console.log('');
  for (const peer of ['masscan', 'zmap'] as const) {
    const theirs = runs.filter((r) => r.tool === peer && !r.skipped);
    const bestWall = best(theirs, 'probesPerWall');
    const bestOwn = best(theirs, 'ownPps');
    const ratio = ourBest && bestWall ? (ourBest.probesPerWall as number) / (bestWall.probesPerWall as number) : null;
    const ratioOwn = ourBest && bestOwn ? (ourBest.probesPerWall as number) / (bestOwn.ownPps as number) : null;
    const ratioOwnToOwn = ourBestOwn && bestOwn ? (ourBestOwn.ownPps as number) / (bestOwn.ownPps as number) : null;
    summary[peer] = {
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
      ratioWall: ratio,
      ratioPortscanWallToPeerOwnPps: ratioOwn,
      portscanBestOwnPps: ourBestOwn ? { rate: ourBestOwn.rate, ownPps: ourBestOwn.ownPps } : null,
      ratioOwnPps: ratioOwnToOwn,
    };
    if (!ourBest) {
      console.log(`  portscan vs ${peer}: - (no portscan run reached recall 1.0)`);
      continue;
    }
    if (!bestWall) {
      console.log(`  portscan vs ${peer}: - (no ${peer} run finished)`);
      continue;
    }
    console.log(
      `  portscan best with recall 1.0: ${formatRate(ourBest.probesPerWall as number)} probes/s (rate ${rateName(ourBest)}, ${fmt(ourBest.seconds)} s) vs ` +
        `${peer} best: ${formatRate(bestWall.probesPerWall as number)} probes/s (rate ${rateName(bestWall)}, ${fmt(bestWall.seconds)} s, recall ${bestWall.verify?.recall.toFixed(4)}): ` +
        `ratio ${fmt(ratio)}x` +
        (bestOwn && ratioOwn !== null
          ? `; against ${peer}'s own send rate (${formatRate(bestOwn.ownPps as number)} pps at rate ${rateName(bestOwn)}, recall ${bestOwn.verify?.recall.toFixed(4)}): ${fmt(ratioOwn)}x`
          : '') +
        (ourBestOwn && bestOwn && ratioOwnToOwn !== null
          ? `; send rate against send rate (portscan ${formatRate(ourBestOwn.ownPps as number)} pps at rate ${rateName(ourBestOwn)}): ${fmt(ratioOwnToOwn)}x`
          : ''),
    );
  }

  // ---- one host, every port
  const oh = oneHost as {
    ok?: boolean;
    wallSeconds?: number;
    ownSeconds?: number | null;
    ownMin?: number | null;
    ownMax?: number | null;
    open?: number | null;
    probed?: number | null;
    verify?: unknown;
    skipped?: string;
    runs?: unknown[];
    exact?: number;
  };
  for (const [full, r] of [
    [false, oneHost],
    [true, oneHostFull],
  ] as const) {
    const o = r as typeof oh;
    const what = full ? '-p- --full' : '-p- (open ports listed, every state counted)';
    const check = full ? 'verify --strict-closed' : 'verify';
    if (o.skipped) console.log(`  one host, every port, ${what}: ${o.skipped}`);
    else {
      console.log(
        `  one host, every port (${ONE_HOST}, ${what}, rate unlimited), ${o.runs?.length ?? 0} runs: ${o.open ?? '?'} open of ${o.probed ?? '?'} probed, ` +
          `median ${fmt(o.ownSeconds ?? null)} s (${fmt(o.ownMin ?? null)}-${fmt(o.ownMax ?? null)}, its own figure; median wall ${fmt(o.wallSeconds ?? null)} s); ` +
          `${check} exact in ${o.exact ?? 0} of ${o.runs?.length ?? 0}${o.ok ? '' : `: FAILED ${JSON.stringify(o.verify)}`}`,
      );
    }
  }
  const ourRuns = runs.filter((r) => r.tool === 'portscan');
  const ourFailures = ourRuns.filter((r) => !r.skipped && !r.ok);
  for (const r of ourFailures) {
    console.log(
      `  portscan FAILED at rate ${rateName(r)}: ${r.command}\n    ${r.error ?? ''} verify: ${JSON.stringify(r.verify)}`,
    );
    const examples = r.details.verifyExamples as string[] | undefined;
    if (examples?.length) console.log(`    verify says: ${examples.join('; ')}`);
  }
  console.log(
    `  testbed run overhead (\`testbed run true\`, median of 3): ${overhead.toFixed(3)} s, in every wall time (zmap: 5 times)`,
  );
  console.log(
    `  load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}; bench took ${(elapsedMs() / 1000).toFixed(1)} s`,
  );
  if (identityAfter !== identityBefore)
    console.log('  WARNING: the testbed was rebuilt or went down during the bench; results are suspect');

  const resultsDir = join(repoRoot(), 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const jsonPath = join(resultsDir, 'syn-vs-peers.json');
  const json = {
    date: new Date().toISOString(),
    machine,
    portscanBuild: build,
    loadAverage: { before: loadBefore, after: loadAfter },
    testbedPrefix: PREFIX,
    testbedRebuiltDuringBench: identityAfter !== identityBefore,
    workload: { hosts: NET, ports: PORT_SPEC, probes: PROBES },
    truth,
    testbedRunOverheadSeconds: overhead,
    zmapGatewayMac: gw ?? null,
    notes: [
      "probesPerWall = probes / wall seconds (process start to exit, including testbed run and each tool's wait for late replies)",
      'ownPps = the send rate the tool printed: masscan the mean of its status-line rates before 100%, zmap total sent / sum of per-port send times from its "done (R p/s avg)", portscan first tries / its -v send phase',
      'sendSeconds: masscan, spawn to the first status line at 100% (includes its start-up); zmap, the sum over its 5 runs of sent / its own average send rate; portscan, its -v send phase (first probe to the last first try)',
      'portscan re-probes silent ports (--retries 2 by default), so it sends more packets than the workload counts; masscan and zmap send each probe once',
      'zmap 2.x scans one port per run: its wall is the sum of 5 runs, each with its own start and -c 2 cooldown',
      'masscan 1.3.2 hangs in a blocking pcap read after its --wait; it is woken with one TCP connect to 198.18.0.1:22 inside the testbed (details.endedBy)',
    ],
    runs,
    summary,
    oneHost,
    oneHostFull,
    benchSeconds: elapsedMs() / 1000,
  };
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\n  written: ${jsonPath}`);
  const ok = ourFailures.length === 0 && (oh.skipped !== undefined || oh.ok === true);
  if (ok) rmSync(dir, { recursive: true, force: true });
  else console.error(`bench:syn: a portscan run failed or did not verify; outputs kept in ${dir}`);
  return ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
