// SPDX-License-Identifier: MIT
// writer.ts: buffered, synchronous output to a file or stdout. Synchronous on purpose: when a
// scan is stopped with Ctrl-C, whatever was found is on disk before the process exits, and the
// file is left valid because each formatter writes whole records and closes its own structure.
// A file is valid at every moment in between too, even when a write fails (a full disk): a
// failed write is cut back to the last whole write, and a form that needs a closing (json's
// "]") keeps it on disk after its last record as a trailer, rewritten in place on a failure.
import { closeSync, fstatSync, ftruncateSync, writeSync } from 'node:fs';

import { openForWrite } from '../safe-fs';

export class Writer {
  private chunks: string[] = [];
  private size = 0;
  /** Bytes of whole writes in the file (a file's trailer not counted): where the next write lands. */
  private offset = 0;
  /** What closes the file's structure after its last record (files only), wanted and on disk. */
  private trailer = '';
  private trailerOnDisk = '';
  private constructor(
    private fd: number,
    private readonly owned: boolean,
  ) {}

  /**
   * Opens `path` (truncated, or appended to with `append`), or stdout for undefined or "-".
   * Never through a symbolic link (O_NOFOLLOW: ELOOP). Throws on an unwritable path.
   */
  static open(path: string | undefined, append = false): Writer {
    if (path === undefined || path === '-') return new Writer(1, false);
    const w = new Writer(openForWrite(path, { append }), true);
    w.offset = fstatSync(w.fd).size;
    return w;
  }

  /**
   * Where the next write lands in the file (buffered bytes included). The buffered bytes are
   * counted here, when asked (once per batch, by checkpoints only), not once per result; and
   * nothing is written, so this never throws.
   */
  get position(): number {
    if (!this.owned) return this.offset;
    let pending = 0;
    for (const c of this.chunks) pending += Buffer.byteLength(c);
    return this.offset + pending;
  }

  /**
   * What a file must end with after the records written so far (json: "]\n"), kept on disk
   * from the next flush on; '' before the formatter writes its own closing. Not for stdout.
   */
  setTrailer(trailer: string): void {
    if (this.owned) this.trailer = trailer;
  }

  write(s: string): void {
    this.chunks.push(s);
    this.size += s.length;
    if (this.size >= 1 << 16) this.flush();
  }

  /** Writes the buffer; on a failure the file is cut back to its last whole write, then it throws. */
  flush(): void {
    if (this.fd < 0 || (this.chunks.length === 0 && this.trailer === this.trailerOnDisk)) return;
    const data = Buffer.from(this.chunks.join(''), 'utf8');
    this.chunks = [];
    this.size = 0;
    if (!this.owned) return this.writeAll(data, null);
    const committed = this.offset;
    const oldEnd = committed + Buffer.byteLength(this.trailerOnDisk);
    try {
      this.writeAll(Buffer.concat([data, Buffer.from(this.trailer)]), committed);
      const end = committed + data.length + Buffer.byteLength(this.trailer);
      if (end < oldEnd) ftruncateSync(this.fd, end);
    } catch (err) {
      this.restore(committed, oldEnd);
      throw err;
    }
    this.offset = committed + data.length;
    this.trailerOnDisk = this.trailer;
  }

  /** Back to the file as it was before a failed flush: its whole records and their trailer. */
  private restore(committed: number, oldEnd: number): void {
    try {
      ftruncateSync(this.fd, oldEnd);
      // In place, over bytes the file already holds: this needs no new space on a full disk.
      if (this.trailerOnDisk) this.writeAll(Buffer.from(this.trailerOnDisk), committed);
    } catch {
      // Nothing more can be done: the original error is the one reported.
    }
  }

  /** All of `buf` at `position` (null: the current offset); a non-blocking stdout is waited for. */
  private writeAll(buf: Buffer, position: number | null): void {
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd, buf, off, buf.length - off, position === null ? null : position + off);
      } catch (err) {
        // stdout may be a non-blocking pipe: wait for the reader rather than lose output.
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      }
    }
  }

  close(): void {
    this.flush();
    if (this.owned && this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
