// SPDX-License-Identifier: MIT
// harness.ts: what every benchmark suite shares. A suite is a benchmark.js Suite whose cases each
// name a reference case: a plain loop doing comparable work, run in the same process and the
// same minute. On a noisy shared machine raw ops/s move by ±20% from run to run; the ratio to
// the reference moves much less, so compare ratios across runs, not ops/s. Each suite file
// calls runIfMain(), so it runs alone when bench/index.ts forks it, and reports its numbers to
// the parent over the IPC channel as well as printing them.
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { join, resolve } from 'node:path';

import Benchmark from 'benchmark';

import { textTable } from '../../lib/bench/format';

/** A case's function: synchronous, or asynchronous (`defer`) calling resolve() on the Deferred it gets. */
export type CaseFn = (() => void) | ((d: Benchmark.Deferred) => void);

/** One benchmark case. */
export interface CaseOptions {
  /** The case is asynchronous: `fn` gets a Deferred and calls resolve(). */
  defer?: boolean;
  /** Items handled per op (probes, records, results), so items/s can be printed. */
  perOp?: number;
  /** What the items are, e.g. 'probes'. */
  unit?: string;
  /** The reference this case is compared with; default the suite's first reference. */
  ref?: string;
}

/** One case's numbers, as printed and as sent to bench/index.ts. */
export interface CaseResult {
  name: string;
  reference: boolean;
  /** Ops per second (mean). */
  hz: number;
  /** Relative margin of error of the mean, percent. */
  rme: number;
  samples: number;
  perOp: number;
  unit: string;
  /** hz * perOp. */
  itemsPerSec: number;
  /** The reference compared with, and hz / reference hz. */
  ref: string | null;
  ratio: number | null;
  error?: string;
}

export interface SuiteReport {
  suite: string;
  machine: MachineInfo;
  results: CaseResult[];
  notes: string[];
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  kernel: string;
  node: string;
  v8: string;
}

interface Meta extends Required<Omit<CaseOptions, 'ref'>> {
  reference: boolean;
  ref: string | undefined;
}

/** CPU model, core count, kernel and Node version, for every printed result. */
export function machineInfo(): MachineInfo {
  let cpu = 'unknown';
  let cores = 0;
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    cpu = /^model name\s*:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? cpu;
    cores = (text.match(/^processor\s*:/gm) ?? []).length;
  } catch {
    // not Linux: leave unknown
  }
  return { cpu, cores, kernel: release(), node: process.version, v8: process.versions.v8 };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpu}, ${m.cores} cores, Linux ${m.kernel}, Node ${m.node} (V8 ${m.v8})`;
}

/** The repository root (the folder with package.json), from bench/lib or dist/bench/lib. */
/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = resolve(dir, '..');
  }
  return resolve(__dirname, '..', '..', '..');
}

/** Seconds each case may run, from BENCH_MAX_TIME (default 4). */
function maxTime(): number {
  const v = Number(process.env.BENCH_MAX_TIME);
  return Number.isFinite(v) && v > 0 ? v : 4;
}

/** A benchmark.js Suite plus, per case, its reference and item count. */
export class BenchSuite {
  readonly suite: Benchmark.Suite;
  readonly notes: string[] = [];
  private readonly meta = new Map<string, Meta>();
  private firstRef: string | undefined;

  constructor(readonly name: string) {
    this.suite = new Benchmark.Suite(name);
  }

  /** Adds a reference case: a plain loop that other cases are compared with. */
  reference(name: string, fn: CaseFn, opts: CaseOptions = {}): this {
    this.firstRef ??= name;
    return this.addCase(name, fn, opts, true);
  }

  /** Adds a case measured against `opts.ref` (or the first reference). */
  add(name: string, fn: CaseFn, opts: CaseOptions = {}): this {
    return this.addCase(name, fn, opts, false);
  }

  /** A line printed under the table (what the cases do, sanity counts). */
  note(text: string): this {
    this.notes.push(text);
    return this;
  }

  private addCase(name: string, fn: CaseFn, opts: CaseOptions, reference: boolean): this {
    if (this.meta.has(name)) throw new Error(`duplicate case name '${name}'`);
    this.meta.set(name, {
      defer: opts.defer ?? false,
      perOp: opts.perOp ?? 1,
      unit: opts.unit ?? 'ops',
      reference,
      ref: reference ? undefined : opts.ref,
    });
    // No setup/teardown on purpose: without them benchmark.js calls `fn` by reference instead
    // of decompiling its source, so closures over module state work.
    this.suite.add(name, fn, { defer: opts.defer ?? false, maxTime: maxTime(), minSamples: 5 });
    return this;
  }

  /** Runs every case; prints each as it finishes and a table at the end. */
  run(): Promise<SuiteReport> {
    const machine = machineInfo();
    console.log(`\n## ${this.name}  (${describeMachine(machine)})`);
    return new Promise((resolvePromise) => {
      this.suite
        .on('cycle', (event: Benchmark.Event) => {
          const b = event.target as unknown as Benchmark;
          const m = this.meta.get(b.name ?? '');
          const items = m && m.perOp !== 1 ? `  ${formatRate(b.hz * m.perOp)} ${m.unit}/s` : '';
          console.log(b.error ? `  ${b.name}: ERROR ${String(b.error)}` : `  ${String(b)}${items}`);
        })
        .on('complete', () => {
          const results = this.collect();
          console.log(formatTable(results));
          for (const n of this.notes) console.log(`  note: ${n}`);
          resolvePromise({ suite: this.name, machine, results, notes: this.notes });
        })
        .run({ async: true });
    });
  }

  private collect(): CaseResult[] {
    const benches: Benchmark[] = [];
    this.suite.forEach((b: Benchmark) => {
      benches.push(b);
    });
    const hzOf = new Map(benches.map((b) => [b.name ?? '', b.error ? 0 : b.hz]));
    return benches.map((b) => {
      const name = b.name ?? '';
      const m = this.meta.get(name) as Meta;
      const ref = m.reference ? name : (m.ref ?? this.firstRef ?? null);
      const refHz = ref === null ? 0 : (hzOf.get(ref) ?? 0);
      const hz = b.error ? 0 : b.hz;
      const out: CaseResult = {
        name,
        reference: m.reference,
        hz,
        rme: b.error ? 0 : b.stats.rme,
        samples: b.error ? 0 : b.stats.sample.length,
        perOp: m.perOp,
        unit: m.unit,
        itemsPerSec: hz * m.perOp,
        ref,
        ratio: refHz > 0 && hz > 0 ? hz / refHz : null,
      };
      if (b.error) out.error = String(b.error);
      return out;
    });
  }
}

export function formatRate(x: number): string {
  if (!Number.isFinite(x) || x === 0) return '-';
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  if (x >= 100) return x.toFixed(0);
  return x.toPrecision(3);
}

/** The per-suite table: ops/s, error, samples, items/s, ratio to the reference. */
export function formatTable(results: CaseResult[]): string {
  const refIndex = new Map<string, number>();
  for (const r of results) if (r.reference) refIndex.set(r.name, refIndex.size + 1);
  const rows = results.map((r) => [
    r.reference ? `[ref${refIndex.get(r.name)}] ${r.name}` : r.name,
    r.error ? 'ERROR' : formatRate(r.hz),
    r.error ? '' : `±${r.rme.toFixed(1)}%`,
    String(r.samples),
    r.perOp === 1 ? '' : `${formatRate(r.itemsPerSec)} ${r.unit}/s`,
    r.ratio === null
      ? '-'
      : r.reference
        ? '1.00x'
        : `${r.ratio.toFixed(r.ratio < 0.1 ? 4 : 2)}x ref${r.ref ? (refIndex.get(r.ref) ?? '?') : ''}`,
  ]);
  return table(['case', 'ops/s', 'rme', 'runs', 'items/s', 'vs ref'], rows, [1, 2, 3, 4]);
}

/** A plain text table (lib/bench's, as `portscan bench` prints it), after an empty line, indented by two. */
export function table(header: string[], rows: string[][], right: number[] = []): string {
  return ['', ...textTable(header, rows, right).split('\n')].map((l) => `  ${l}`).join('\n');
}

/** Runs `s` when its file is the entry point (as bench/index.ts forks it), and reports to the parent. */
export function runIfMain(mod: NodeModule, s: BenchSuite, after?: () => void): void {
  if (require.main !== mod) return;
  s.run().then(
    (report) => {
      after?.();
      const failed = report.results.some((r) => r.error);
      if (process.send) process.send({ type: 'report', report }, () => process.exit(failed ? 1 : 0));
      else process.exitCode = failed ? 1 : 0;
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

/** Somewhere results can go that the optimiser cannot prove unused. */
export const sink: { value: unknown; n: number } = { value: undefined, n: 0 };
