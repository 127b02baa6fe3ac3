// SPDX-License-Identifier: MIT
// writer.ts: buffered, synchronous output to a file or stdout. Synchronous on purpose: when a
// scan is stopped with Ctrl-C, whatever was found is on disk before the process exits, and the
// file is left valid because each formatter writes whole records and closes its own structure.
import { closeSync, fstatSync, writeSync } from 'node:fs';

import { openForWrite } from '../safe-fs';

export class Writer {
  private chunks: string[] = [];
  private size = 0;
  /** Bytes in the file including the buffer: where the next write lands. */
  private offset = 0;
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

  write(s: string): void {
    this.chunks.push(s);
    this.size += s.length;
    if (this.size >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0 || this.fd < 0) return;
    const buf = Buffer.from(this.chunks.join(''), 'utf8');
    this.chunks = [];
    this.size = 0;
    if (this.owned) this.offset += buf.length;
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd, buf, off, buf.length - off);
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
