// SPDX-License-Identifier: MIT
// session.ts: everything the CLI writes during one scan: its outputs (files or stdout, each with
// its Writer and formatter), the per-host tables the aggregate forms need, and the progress line. It keeps the
// output valid on every way out: the normal end, a first Ctrl-C (the scan drains, then ends
// normally), a second Ctrl-C (close() writes what is known and closes the structure at once),
// and a failed write (the first error is kept, the scan is stopped, what was written stays; the
// other outputs are still ended properly).
import type { PortState } from '../scanner/classify';
import type { PortResult, ReportSummary, ScanCounters } from '../scanner/result';
import { ScanError } from '../errors';
import { shownPath } from '../safe-fs';
import { HostTable } from './host-table';
import { Progress } from './progress';
import { AGGREGATE_FORMATS, createFormatter, type FormatName, type Formatter, type HostViews } from './formats';
import { NmapHostTable } from './nmap-hosts';
import { defaultRunInfo, type RunInfo } from './nmap-common';
import type { HostRow } from './host-table';
import { Writer } from './writer';

/** One output: a form and where it goes (undefined or "-": stdout). */
export interface OutputSpec {
  format: FormatName;
  path: string | undefined;
}

interface OpenOutput extends OutputSpec {
  out: Writer;
  formatter: Formatter;
  /** A write to it failed: nothing more is written to it (it ends on its last whole record). */
  failed?: boolean;
}

export class OutputSession {
  /** The first write failure, if any; the caller stops the scan when it is set. */
  writeError: Error | undefined;
  private outputs: OpenOutput[] = [];
  private progress: Progress | undefined;
  private readonly table: HostTable;
  private readonly nmapTable = new NmapHostTable();
  private readonly run: RunInfo;
  private plan: ReportSummary['plan'] | undefined;
  private mode: ReportSummary['mode'] = 'connect';
  private counters: ScanCounters = { sent: 0, done: 0, open: 0 };
  private readonly t0 = performance.now();
  private ended = false;

  /**
   * @param specs the outputs, each its own Writer and formatter (at most one on stdout).
   * @param skip keys (see checkpoint.ts lineKey) of results already in the file of a resumed
   *   scan (one output only): they are not written again, and the file is appended to.
   */
  constructor(
    private readonly specs: OutputSpec[],
    private readonly full: boolean,
    private readonly onWriteError: () => void,
    private readonly skip?: Set<string>,
    run?: RunInfo,
    private readonly service = false,
  ) {
    this.table = new HostTable(full);
    this.run = run ?? defaultRunInfo();
  }

  /** Where the next result lands in the first output file (0 for stdout): for checkpoints. */
  outputBytes(): number {
    return this.outputs[0]?.out.position ?? 0;
  }

  /** Do the per-host forms need every state? (The streaming forms skip that bookkeeping.) */
  get wantsStates(): boolean {
    return this.specs.some((s) => AGGREGATE_FORMATS.includes(s.format));
  }

  private get wantsNmap(): boolean {
    return this.specs.some((s) => s.format !== 'table' && AGGREGATE_FORMATS.includes(s.format));
  }

  /** Opens the outputs before the first probe; throws ScanError('EOUTPUT') when one cannot be. */
  begin(plan: ReportSummary['plan'], mode: ReportSummary['mode'], showProgress: boolean): void {
    this.plan = plan;
    this.mode = mode;
    const ctx = { full: this.full, mode, plan, run: this.run, service: this.service };
    for (const spec of this.specs) {
      const out = openOutput(spec.path, this.skip !== undefined);
      this.outputs.push({ ...spec, out, formatter: createFormatter(spec.format, out, ctx) });
    }
    for (const o of this.outputs) {
      if (!this.skip || o.out.position === 0) this.guard(o, () => o.formatter.begin()); // no second CSV header
    }
    if (showProgress) this.progress = new Progress(plan.total);
  }

  result(r: PortResult): void {
    if (this.run.openOnly && r.state !== 'open') return;
    if (r.method !== undefined && this.wantsStates) this.table.label(r);
    if (r.method !== undefined && r.conf !== undefined && this.wantsNmap) {
      const { service: name, product, version, extrainfo, tunnel, method, conf } = r;
      this.nmapTable.identify(r.ip, r.port, { name, product, version, extrainfo, tunnel, method, conf });
    }
    for (const o of this.outputs) {
      if (this.skip?.has(o.format === 'ips' ? r.ip : `${r.ip} ${r.port}`)) continue;
      this.guard(o, () => o.formatter.result(r));
    }
  }

  state(ip: string, port: number, state: PortState, reason: string): void {
    this.table.add(ip, port, state);
    if (this.wantsNmap) this.nmapTable.add(ip, port, state, reason);
  }

  batch(c: ScanCounters): void {
    this.counters = c;
    for (const o of this.outputs) this.guard(o, () => o.out.flush());
    this.progress?.update(c);
  }

  clearProgress(): void {
    this.progress?.clear();
  }

  /** The normal end: the aggregate forms write their rows, the file is closed. */
  end(summary: ReportSummary): void {
    if (this.ended) return;
    this.ended = true;
    this.progress?.clear();
    let rows: HostRow[] | undefined;
    const views: HostViews = {
      rows: () => (rows ??= this.table.list()),
      nmap: (openOnly) => this.nmapTable.list(openOnly),
      hostsUp: () => this.nmapTable.size,
    };
    for (const o of this.outputs) {
      this.guard(o, () => {
        o.formatter.end(summary, views);
        o.out.close();
      });
    }
  }

  /** The quick end (second Ctrl-C, failure): write what is known, close the structure. */
  close(aborted: boolean): void {
    if (this.ended) return;
    if (!this.plan) {
      this.ended = true;
      for (const o of this.outputs) this.guard(o, () => o.out.close());
      return;
    }
    this.end({
      mode: this.mode,
      plan: this.plan,
      counters: this.counters,
      aborted,
      elapsedMs: performance.now() - this.t0,
    });
  }

  /**
   * Runs a write to output `o`. After a failure nothing more goes to that output; the others are
   * still ended properly (their closing written) as the scan stops. The first failure is kept.
   */
  private guard(o: OpenOutput, fn: () => void): void {
    if (o.failed) return;
    try {
      fn();
    } catch (err) {
      o.failed = true;
      if (this.writeError) return;
      const e = err as NodeJS.ErrnoException;
      const where = o.path && o.path !== '-' ? ` file '${shownPath(o.path)}'` : '';
      const why = e.code && !e.message.startsWith(e.code) ? `${e.code} ${e.message}` : e.message;
      this.writeError = new ScanError(
        `cannot write output${where}: ${why}`.replace(/\s+/g, ' '),
        e.code ?? 'EOUTPUT',
        e.code === 'ENOSPC' ? 'the disk is full: the output ends on its last whole record' : undefined,
      );
      this.onWriteError();
    }
  }
}

/** Opens one output (see Writer.open), the error said with its path. */
function openOutput(path: string | undefined, append: boolean): Writer {
  try {
    return Writer.open(path, append);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ScanError(
      `cannot write output file '${shownPath(path ?? '')}': ` +
        // (Node's message ends with the path again, unescaped: ", open '...'"; it is cut.)
        (e.code === 'ELOOP'
          ? 'it is a symbolic link (portscan never writes through one)'
          : e.message.replace(/, \w+ '.*$/s, '')),
      'EOUTPUT',
      'choose a writable path with -o',
    );
  }
}
