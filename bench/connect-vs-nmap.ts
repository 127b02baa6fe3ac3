// SPDX-License-Identifier: MIT
// connect-vs-nmap.ts: portscan's connect mode against nmap's (-sT) on every port of one testbed
// host, 198.18.0.1, both run inside the testbed's scanner namespace, which can reach the testbed
// ranges and nothing else. Runs the two commands alternately, three times each, times each whole
// command (process start to exit, wall clock), checks that every run found the same thing (same
// open ports, same closed and filtered counts) and that portscan's output passes
// `testbed verify --strict-closed`, prints a table and writes bench/results/connect-vs-nmap.json.
// Exits 1 when the results differ or a command fails, 2 when it cannot run (not root, no testbed,
// no nmap). Needs root and the testbed up:
//
//   ../shared/testbed/testbed up && npm run bench:nmap
//
// The testbed is shared: when it is rebuilt (`testbed up`) while a command runs, that run is
// repeated (up to MAX_REPEATS times), so a rebuild is never mistaken for a wrong result. To keep
// others' rebuilds away altogether, use a testbed of one's own:
//
//   TESTBED_PREFIX=pbench ../shared/testbed/testbed up && TESTBED_PREFIX=pbench npm run bench:nmap
//
// Environment: TESTBED (path of the testbed command), TESTBED_PREFIX (which testbed; passed on
// to it), BENCH_RUNS (runs of each tool, default 3).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { exec, fail as failBench, TESTBED, testbedIdentity } from './lib/commands';
import { describeMachine, machineInfo, median, repoRoot, table, type MachineInfo } from './lib/harness';

const TARGET = '198.18.0.1';
const PORTS = '1-65535';
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS) || 3);
const COMMAND_TIMEOUT_MS = 15 * 60 * 1000;
const MAX_REPEATS = 3;

type Tool = 'portscan' | 'nmap';

/** What one run found: open ports, and how many ports were closed, filtered or anything else. */
interface Found {
  open: number[];
  closed: number;
  filtered: number;
  other: Record<string, number>;
  /** Ports accounted for. */
  total: number;
}

interface Run {
  tool: Tool;
  run: number;
  seconds: number;
  exitCode: number | null;
  output: string;
  found: Found | null;
  error?: string;
  /** portscan only: `testbed verify --strict-closed` report and whether it passed. */
  verify?: { ok: boolean; report: unknown };
  /** Times the run was repeated because the testbed was rebuilt while it ran. */
  repeats: number;
  /** nmap only: nmap's own elapsed time from the XML. */
  nmapElapsed?: number;
}

function fail(code: number, message: string): never {
  return failBench('bench:nmap', code, message);
}

/** Runs `args` and returns the wall-clock seconds from spawn to exit. */
function timed(cmd: string, args: string[]): { seconds: number; result: SpawnSyncReturns<string> } {
  const t0 = process.hrtime.bigint();
  const result = exec(cmd, args, undefined, COMMAND_TIMEOUT_MS);
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, result };
}

function add(found: Found, state: string, n = 1): void {
  if (state === 'closed') found.closed += n;
  else if (state === 'filtered') found.filtered += n;
  else found.other[state] = (found.other[state] ?? 0) + n;
  found.total += n;
}

/** portscan's NDJSON (--full): one object per port. */
function readNdjson(path: string): Found {
  const found: Found = { open: [], closed: 0, filtered: 0, other: {}, total: 0 };
  const seen = new Set<number>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as { ip: string; port: number; state: string };
    if (r.ip !== TARGET) throw new Error(`unexpected address ${r.ip} in ${path}`);
    if (seen.has(r.port)) throw new Error(`port ${r.port} reported twice in ${path}`);
    seen.add(r.port);
    if (r.state === 'open') {
      found.open.push(r.port);
      found.total++;
    } else add(found, r.state);
  }
  found.open.sort((a, b) => a - b);
  return found;
}

/** nmap's -oX: listed <port> elements plus <extraports state=... count=...> summaries. */
function readNmapXml(path: string): { found: Found; elapsed: number | undefined } {
  const xml = readFileSync(path, 'utf8');
  if (!/<finished\b/.test(xml)) throw new Error(`${path} is incomplete (no <finished>)`);
  const hosts = xml.match(/<host\b/g)?.length ?? 0;
  if (hosts !== 1) throw new Error(`${path} lists ${hosts} hosts, expected 1 (${TARGET})`);
  const found: Found = { open: [], closed: 0, filtered: 0, other: {}, total: 0 };
  for (const m of xml.matchAll(/<port protocol="tcp" portid="(\d+)">\s*<state state="([^"]+)"/g)) {
    const port = Number(m[1]);
    const state = m[2] as string;
    if (state === 'open') {
      found.open.push(port);
      found.total++;
    } else add(found, state);
  }
  for (const m of xml.matchAll(/<extraports state="([^"]+)" count="(\d+)"/g)) add(found, m[1] as string, Number(m[2]));
  found.open.sort((a, b) => a - b);
  const elapsed = /<finished [^>]*elapsed="([\d.]+)"/.exec(xml)?.[1];
  return { found, elapsed: elapsed === undefined ? undefined : Number(elapsed) };
}

function sameFound(a: Found, b: Found): boolean {
  const keys = (o: Record<string, number>): string => JSON.stringify(Object.entries(o).sort());
  return (
    a.open.join(',') === b.open.join(',') &&
    a.closed === b.closed &&
    a.filtered === b.filtered &&
    a.total === b.total &&
    keys(a.other) === keys(b.other)
  );
}

function describeFound(f: Found | null): string {
  if (!f) return 'no result';
  const other = Object.entries(f.other)
    .map(([s, n]) => `, ${n} ${s}`)
    .join('');
  return `open ${f.open.join(',') || '-'}; ${f.closed} closed; ${f.filtered} filtered${other}`;
}

function main(): number {
  if (process.getuid?.() !== 0) fail(2, 'must run as root (the testbed uses network namespaces)');
  const nmapVersion = exec('nmap', ['--version']);
  if (nmapVersion.status !== 0) fail(2, 'nmap not found: install it with `apt-get install -y nmap`');
  const probe = exec(TESTBED, ['run', 'true']);
  if (probe.error || probe.status !== 0) {
    fail(2, `the testbed is not up (${(probe.stderr || String(probe.error ?? '')).trim()}): run \`${TESTBED} up\``);
  }
  const truthRun = exec(TESTBED, ['truth', TARGET, PORTS]);
  const truth =
    truthRun.status === 0 ? (JSON.parse(truthRun.stdout.split('\n')[0] ?? '{}') as Record<string, number>) : null;

  const machine: MachineInfo & { nmap: string } = {
    ...machineInfo(),
    nmap: (nmapVersion.stdout.split('\n')[0] ?? '').replace(/\s*\(.*\)\s*$/, '').trim(),
  };
  const overhead = median([0, 1, 2].map(() => timed(TESTBED, ['run', 'true']).seconds));

  const root = repoRoot();
  const dir = mkdtempSync(join(tmpdir(), 'portscan-vs-nmap-'));
  const oursArgs = (out: string): string[] => [
    'run',
    process.execPath,
    join(root, 'bin', 'portscan.js'),
    '-q',
    '--mode',
    'connect',
    '-p-',
    '-f',
    'ndjson',
    '--full',
    '-o',
    out,
    TARGET,
  ];
  const nmapArgs = (out: string): string[] => ['run', 'nmap', '-sT', '-T4', '-p-', '-n', '-Pn', '-oX', out, TARGET];

  console.log(
    `connect scan of every port of ${TARGET}: portscan vs nmap, ${RUNS} runs each, alternating, ` +
      `inside testbed ${process.env.TESTBED_PREFIX ?? 'ptb'}`,
  );
  console.log(`machine: ${describeMachine(machine)}, ${machine.nmap}`);
  console.log(`portscan: testbed run node bin/portscan.js ${oursArgs('OUT').slice(3).join(' ')}`);
  console.log(`nmap:     testbed run ${nmapArgs('OUT2').slice(1).join(' ')}`);
  if (truth) console.log(`truth:    ${JSON.stringify(truth)}`);

  const runs: Run[] = [];
  let identity = testbedIdentity();
  for (let i = 1; i <= RUNS; i++) {
    for (const tool of ['portscan', 'nmap'] as const) {
      const output = join(dir, tool === 'portscan' ? `portscan-${i}.ndjson` : `nmap-${i}.xml`);
      let timing = timed(TESTBED, tool === 'portscan' ? oursArgs(output) : nmapArgs(output));
      let repeats = 0;
      for (let before = identity; ;) {
        const after = testbedIdentity();
        if (after !== '' && after === before) break;
        if (++repeats > MAX_REPEATS)
          fail(2, `the testbed keeps being rebuilt or is down; run ${i} of ${tool} could not finish undisturbed`);
        console.log(`  run ${i} ${tool}: the testbed was rebuilt or went down during the run; repeating it`);
        for (let wait = 0; wait < 30 && testbedIdentity() === ''; wait++) spawnSync('sleep', ['1']);
        before = testbedIdentity();
        timing = timed(TESTBED, tool === 'portscan' ? oursArgs(output) : nmapArgs(output));
      }
      identity = testbedIdentity();
      const { seconds, result } = timing;
      const run: Run = { tool, run: i, seconds, exitCode: result.status, output, found: null, repeats };
      try {
        if (result.error) throw result.error;
        if (result.status !== 0)
          throw new Error(`exit ${result.status}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        if (tool === 'portscan') {
          run.found = readNdjson(output);
          const v = exec(TESTBED, ['verify', TARGET, PORTS, '--strict-closed'], readFileSync(output, 'utf8'));
          let report: unknown = v.stdout.trim();
          try {
            report = JSON.parse(v.stdout);
          } catch {
            // keep the text
          }
          run.verify = { ok: v.status === 0, report };
        } else {
          const { found, elapsed } = readNmapXml(output);
          run.found = found;
          if (elapsed !== undefined) run.nmapElapsed = elapsed;
        }
      } catch (err) {
        run.error = (err as Error).message;
      }
      runs.push(run);
      const verify = run.verify ? `; verify ${run.verify.ok ? 'ok' : 'FAILED'}` : '';
      console.log(
        `  run ${i} ${tool.padEnd(8)} ${seconds.toFixed(2).padStart(6)} s  ${run.error ? `ERROR ${run.error}` : describeFound(run.found)}${verify}`,
      );
    }
  }

  const ours = runs.filter((r) => r.tool === 'portscan');
  const theirs = runs.filter((r) => r.tool === 'nmap');
  const reference = runs[0]?.found ?? null;
  const identical =
    reference !== null && runs.every((r) => !r.error && r.found !== null && sameFound(r.found, reference));
  const verified = ours.every((r) => r.verify?.ok === true);
  const matchesTruth =
    truth !== null &&
    reference !== null &&
    reference.open.length === truth.open &&
    reference.closed === truth.closed &&
    reference.filtered === truth.filtered;
  // Medians and the ratio count successful runs only: a command that failed early is not fast.
  const good = (rs: Run[]): number[] => rs.filter((r) => !r.error).map((r) => r.seconds);
  const medOurs = good(ours).length ? median(good(ours)) : NaN;
  const medNmap = good(theirs).length ? median(good(theirs)) : NaN;
  const ratio = medOurs / medNmap;

  const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-');
  const row = (tool: Tool, rs: Run[], med: number): string[] => {
    const f = rs[0]?.found ?? null;
    return [
      tool,
      ...rs.map((r) => (r.error ? `(${fmt(r.seconds)} failed)` : fmt(r.seconds))),
      fmt(med),
      f ? f.open.join(',') || '-' : '?',
      f ? String(f.closed) : '?',
      f ? String(f.filtered) : '?',
    ];
  };
  const header = [
    'tool',
    ...Array.from({ length: RUNS }, (_, i) => `run ${i + 1} s`),
    'median s',
    'open',
    'closed',
    'filtered',
  ];
  const right = Array.from({ length: RUNS + 1 }, (_, i) => i + 1).concat([RUNS + 3, RUNS + 4]);
  console.log(table(header, [row('portscan', ours, medOurs), row('nmap', theirs, medNmap)], right));
  console.log('');
  console.log(
    Number.isFinite(ratio)
      ? `  ratio ours/nmap (median wall time): ${ratio.toFixed(3)}  (nmap/ours: ${(1 / ratio).toFixed(2)}x)`
      : '  ratio ours/nmap: - (a tool has no successful run)',
  );
  console.log(`  identical results (all ${runs.length} runs): ${identical ? 'yes' : 'NO'}`);
  console.log(
    `  portscan output passes testbed verify --strict-closed: ${verified ? 'yes' : 'NO'} (${ours.filter((r) => r.verify?.ok).length}/${ours.length})`,
  );
  if (truth) console.log(`  matches testbed truth: ${matchesTruth ? 'yes' : 'NO'}`);
  const nmapOwn = theirs.map((r) => r.nmapElapsed).filter((x): x is number => x !== undefined);
  if (nmapOwn.length) console.log(`  nmap's own elapsed (XML): ${nmapOwn.map(fmt).join(', ')} s`);
  console.log(`  testbed run overhead (\`testbed run true\`, median of 3): ${overhead.toFixed(3)} s, included in both`);

  const ok = identical && verified;
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const jsonPath = join(resultsDir, 'connect-vs-nmap.json');
  const json = {
    date: new Date().toISOString(),
    machine,
    testbedPrefix: process.env.TESTBED_PREFIX ?? 'ptb',
    target: TARGET,
    ports: PORTS,
    commands: {
      portscan: `${TESTBED} run node bin/portscan.js ${oursArgs('OUT').slice(3).join(' ')}`,
      nmap: `${TESTBED} run ${nmapArgs('OUT2').slice(1).join(' ')}`,
    },
    testbedRunOverheadSeconds: overhead,
    truth,
    runs: runs.map(({ output: _output, ...r }) => r),
    medianSeconds: {
      portscan: Number.isFinite(medOurs) ? medOurs : null,
      nmap: Number.isFinite(medNmap) ? medNmap : null,
    },
    ratioOursToNmap: Number.isFinite(ratio) ? ratio : null,
    identical,
    portscanVerified: verified,
    matchesTruth,
  };
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\n  written: ${jsonPath}`);
  if (ok) rmSync(dir, { recursive: true, force: true });
  else console.error(`bench:nmap: results differ or a run failed; outputs kept in ${dir}`);
  return ok ? 0 : 1;
}

process.exitCode = main();
