// SPDX-License-Identifier: MIT
// session.ts: everything the CLI writes during one scan: the output file (or stdout), the chosen
// formatter, the per-host table the aggregate forms need, and the progress line. It keeps the
// output valid on every way out: the normal end, a first Ctrl-C (the scan drains, then ends
// normally), a second Ctrl-C (close() writes what is known and closes the structure at once),
// and a failed write (the first error is kept, the scan is stopped, what was written stays).
import type { PortState } from '../scanner/classify';
import type { PortResult, ReportSummary, ScanCounters } from '../scanner/result';
import { ScanError } from '../errors';
import { shownPath } from '../safe-fs';
import { HostTable } from './host-table';
import { Progress } from './progress';
import { createFormatter, type FormatName, type Formatter } from './formats';
import { Writer } from './writer';

export class OutputSession {
  /** The first write failure, if any; the caller stops the scan when it is set. */
  writeError: Error | undefined;
  private out: Writer | undefined;
  private formatter: Formatter | undefined;
  private progress: Progress | undefined;
  private readonly table: HostTable;
  private plan: ReportSummary['plan'] | undefined;
  private mode: ReportSummary['mode'] = 'connect';
  private counters: ScanCounters = { sent: 0, done: 0, open: 0 };
  private readonly t0 = performance.now();
  private ended = false;

  /**
   * @param skip keys (see checkpoint.ts lineKey) of results already in the file of a resumed
   *   scan: they are not written again, and the file is appended to instead of truncated.
   */
  constructor(
    private readonly format: FormatName,
    private readonly full: boolean,
    private readonly path: string | undefined,
    private readonly onWriteError: () => void,
    private readonly skip?: Set<string>,
    private readonly service = false,
  ) {
    this.table = new HostTable(full);
  }

  /** Where the next result lands in the output file (0 for stdout). */
  outputBytes(): number {
    return this.out?.position ?? 0;
  }

  /** Do the per-host forms need every state? (The streaming forms skip that bookkeeping.) */
  get wantsStates(): boolean {
    return this.format === 'table' || this.format === 'grepable';
  }

  /** Opens the output before the first probe; throws ScanError('EOUTPUT') when it cannot. */
  begin(plan: ReportSummary['plan'], mode: ReportSummary['mode'], showProgress: boolean): void {
    this.plan = plan;
    this.mode = mode;
    try {
      this.out = Writer.open(this.path, this.skip !== undefined);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new ScanError(
        `cannot write output file '${shownPath(this.path ?? '')}': ` +
          // (Node's message ends with the path again, unescaped: ", open '...'"; it is cut.)
          (e.code === 'ELOOP'
            ? 'it is a symbolic link (portscan never writes through one)'
            : e.message.replace(/, \w+ '.*$/s, '')),
        'EOUTPUT',
        'choose a writable path with -o',
      );
    }
    this.formatter = createFormatter(this.format, this.out, this.full, this.service);
    if (!this.skip || this.outputBytes() === 0) this.guard(() => this.formatter?.begin()); // no second CSV header
    if (showProgress) this.progress = new Progress(plan.total);
  }

  result(r: PortResult): void {
    if (this.skip?.has(this.format === 'ips' ? r.ip : `${r.ip} ${r.port}`)) return;
    if (r.method !== undefined && this.wantsStates) this.table.label(r);
    this.guard(() => this.formatter?.result(r));
  }

  state(ip: string, port: number, state: PortState): void {
    this.table.add(ip, port, state);
  }

  batch(c: ScanCounters): void {
    this.counters = c;
    this.guard(() => this.out?.flush());
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
    this.guard(() => {
      this.formatter?.end(summary, this.table.list());
      this.out?.close();
    });
  }

  /** The quick end (second Ctrl-C, failure): write what is known, close the structure. */
  close(aborted: boolean): void {
    if (this.ended) return;
    if (!this.plan) {
      this.ended = true;
      this.guard(() => this.out?.close());
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

  private guard(fn: () => void): void {
    if (this.writeError) return;
    try {
      fn();
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const where = this.path ? ` file '${shownPath(this.path)}'` : '';
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
