// SPDX-License-Identifier: MIT
// checkpoint.ts: a scan's resume point on disk. What it holds (checkpoint-data.ts): the plan as
// data (targets as intervals, ports, mode, seed, shard) under its hash, the options that shape
// the results, the output, the position in the scan order below which every result is already
// in the output file, and the output file's size at that moment. Written atomically (a new
// temporary, fsync, rename) every few seconds and when the scan stops, so a kill -9 at any
// moment leaves the last good one. Resuming appends to the output after cutting a half written
// last line, and skips results that were written after the checkpoint (each (host, port) once).
import { closeSync, fchownSync, fsyncSync, ftruncateSync, renameSync, rmSync, writeSync } from 'node:fs';

import { randomBytes } from 'node:crypto';

import { ScanError, UsageError } from '../errors';
import { checkCheckpoint, type Checkpoint } from './checkpoint-data';
import { MAX_INPUT_BYTES, openForUpdate, openForWrite, readChunks, readInputFile, shownPath } from '../safe-fs';

export type { Checkpoint } from './checkpoint-data';

/** Who is to own a checkpoint written by root: the user a root scan drops to (privdrop.ts). */
export interface FileOwner {
  uid: number;
  gid: number;
}

/**
 * Writes `cp` to `path` atomically: a new temporary with an unpredictable name in the same
 * directory (O_EXCL | O_NOFOLLOW: nothing planted there is followed), fsync, rename. A root
 * process gives the file to `owner`, who rewrites it after the drop (even in a sticky directory).
 */
export function writeCheckpoint(path: string, cp: Checkpoint, owner?: FileOwner): void {
  const tmp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  const fd = openForWrite(tmp, { exclusive: true, mode: 0o600 });
  try {
    try {
      if (owner && process.geteuid?.() === 0) fchownSync(fd, owner.uid, owner.gid);
      writeSync(fd, `${JSON.stringify(cp, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Reads and checks a checkpoint (every field: see checkpoint-data.ts); UsageError with the reason. */
export function readCheckpoint(path: string): Checkpoint {
  const text = readInputFile(path, 'checkpoint').toString('utf8');
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    // Never JSON.parse's message: it quotes the file (root resuming /etc/shadow would show it).
    throw new UsageError(`'${shownPath(path)}' is not a portscan checkpoint (not JSON)`);
  }
  return checkCheckpoint(o, path);
}

/**
 * Prepares the output file of a resumed scan: cuts a half-written last line, and returns the
 * keys ("ip port") of the results written after the checkpoint, which the resumed scan must
 * not write again. Only line formats can be resumed. Only the bytes past `checkpointBytes` are
 * read, in chunks, at most MAX_INPUT_BYTES of them; the file must be a regular file reached
 * without a symbolic link (safe-fs openForUpdate), since a resume writes to it.
 */
export function prepareResumedOutput(path: string, checkpointBytes: number, format: string): Set<string> {
  if (!['ndjson', 'csv', 'list', 'ips'].includes(format)) {
    throw new UsageError(`a scan written as ${format} cannot be resumed: use -f ndjson, csv, list or ips`);
  }
  const seen = new Set<string>();
  const file = openForUpdate(path, 'output');
  const size = file?.size ?? 0;
  try {
    if (checkpointBytes > size) {
      throw new UsageError(
        `the checkpoint says ${checkpointBytes} bytes of output, and '${shownPath(path)}' holds ${size}`,
      );
    }
    if (!file) return seen;
    if (size - checkpointBytes > MAX_INPUT_BYTES) {
      throw new UsageError(
        `'${shownPath(path)}' holds ${size - checkpointBytes} bytes past the checkpoint's ${checkpointBytes}: ` +
          `more than the ${MAX_INPUT_BYTES} a resume reads (is it this scan's output?)`,
      );
    }
    let partial = Buffer.alloc(0); // the line begun in the last chunk
    readChunks(file.fd, checkpointBytes, size, (chunk) => {
      const bytes = partial.length > 0 ? Buffer.concat([partial, chunk]) : chunk;
      const end = bytes.lastIndexOf(0x0a);
      for (const line of bytes
        .subarray(0, end + 1)
        .toString('utf8')
        .split('\n')) {
        const key = lineKey(line, format);
        if (key) seen.add(key);
      }
      partial = Buffer.from(bytes.subarray(end + 1));
    });
    if (partial.length > 0) ftruncateSync(file.fd, size - partial.length);
    return seen;
  } finally {
    if (file) closeSync(file.fd);
  }
}

/** The "ip port" key of one output line (for ips: the ip), or null for headers and blanks. */
export function lineKey(line: string, format: string): string | null {
  if (line.length === 0) return null;
  switch (format) {
    case 'ndjson': {
      try {
        const o = JSON.parse(line) as { ip?: string; port?: number };
        return o.ip !== undefined && o.port !== undefined ? `${o.ip} ${o.port}` : null;
      } catch {
        return null;
      }
    }
    case 'csv': {
      const [ip, port] = line.split(',');
      return ip && port && /^\d+$/.test(port) ? `${ip} ${port}` : null;
    }
    case 'list': {
      const [ip, port] = line.split(' ');
      return ip && port ? `${ip} ${port}` : null;
    }
    default:
      return line.trim();
  }
}

/**
 * Keeps a scan's checkpoint file current: at most every `intervalMs`, and at the end. Results
 * arrive out of order, so beside the mark it tracks where in the output file the first batch
 * holding a result at or past the mark began: a resume dedups from there on.
 */
export class CheckpointWriter {
  private position = 0n;
  private lastWriteMs = 0;
  private written = '';
  private batches: { offset: number; maxPosition: bigint }[] = [];
  /** The first failed write (a full disk): no more are tried, the last good checkpoint stays. */
  error: Error | undefined;
  /** Told once, at the first failed write (the CLI stops the scan). */
  onError: () => void = () => {};

  constructor(
    readonly path: string,
    /** Everything but the resume point, which this keeps current. */
    private readonly base: Omit<Checkpoint, 'position' | 'outputBytes' | 'updated'>,
    private readonly outputBytes: () => number,
    private readonly intervalMs = 2000,
    /** Who owns the files written while root (see writeCheckpoint); asked at each write. */
    private readonly owner: () => FileOwner | undefined = () => undefined,
  ) {}

  /** A batch of results up to `maxPosition` is about to be written at output offset `offset`. */
  noteBatch(offset: number, maxPosition: bigint): void {
    if (maxPosition >= this.position) this.batches.push({ offset, maxPosition });
  }

  /** Every position below `position` is written to the output: record it (throttled). */
  update(position: bigint): void {
    this.position = position;
    if (Date.now() - this.lastWriteMs >= this.intervalMs) this.write();
  }

  /** Output offset from which every result at or past the mark lies. */
  private resumeOffset(): number {
    this.batches = this.batches.filter((b) => b.maxPosition >= this.position);
    let offset = this.outputBytes();
    for (const b of this.batches) if (b.offset < offset) offset = b.offset;
    return offset;
  }

  /** Writes the last position now (end of scan, stop, failure). */
  flush(): void {
    this.write();
  }

  /** Never throws: it runs inside the engines' callbacks. A failure is kept in `error`. */
  private write(): void {
    const position = this.position.toString();
    this.lastWriteMs = Date.now();
    if (position === this.written || this.error) return;
    try {
      this.writeNow(position);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      this.error = new ScanError(
        `cannot write checkpoint '${shownPath(this.path)}': ${code}`,
        code,
        code === 'ENOSPC' ? 'the disk is full: the last good checkpoint is kept' : undefined,
      );
      this.onError();
    }
  }

  private writeNow(position: string): void {
    writeCheckpoint(
      this.path,
      { ...this.base, position, outputBytes: this.resumeOffset(), updated: new Date().toISOString() },
      this.owner(),
    );
    this.written = position;
  }
}
