// SPDX-License-Identifier: MIT
// safe-fs.ts: how portscan touches files when it may be running as root among files that other
// users control. Reads are capped in size and refuse anything but a regular file or a pipe (no
// /dev/zero, no directories); writes never follow a symbolic link at the final component
// (O_NOFOLLOW), never go into a fifo planted at the path, and temporaries are created new
// (O_EXCL) with the mode the user expects; a file updated in place (a resumed output) must be a
// regular file reached without a link, and is read in chunks. Errors are ScanError/UsageError
// with the path, never the file's contents.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

import { UsageError } from './errors';

/** The most any input file (targets, excludes, checkpoints, merge inputs) may hold: 256 MiB. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** A path as it may be shown in a message: control characters escaped, at most 200 characters. */
export function shownPath(path: string): string {
  return escapeText(path, 200);
}

/**
 * Text safe to print on a terminal: control characters (C0, DEL, C1) and lone surrogates written
 * as \xNN / \uNNNN escapes, cut to `max` characters with an ellipsis.
 */
export function escapeText(text: string, max = 80): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  // eslint-disable-next-line no-control-regex
  const escaped = cut.replace(/[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return text.length > max ? `${escaped}...` : escaped;
}

/**
 * Reads a whole input file ('-' or fd 0: standard input) of at most `maxBytes`. Refuses
 * directories and devices (a character device such as /dev/zero never ends) and anything
 * larger than the cap, with a message naming the path (escaped) and the cap.
 */
export function readInputFile(path: string | 0, what: string, maxBytes = MAX_INPUT_BYTES): Buffer {
  const name = path === 0 || path === '-' ? 'standard input' : `'${shownPath(path)}'`;
  let fd: number;
  try {
    fd = path === 0 || path === '-' ? 0 : openSync(path, constants.O_RDONLY);
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${name}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFIFO() && !(fd === 0 && (st.isCharacterDevice() || st.isSocket()))) checkRegular(st, what, name);
    if (st.isFile() && st.size > maxBytes) throw new UsageError(`${what} ${name} is larger than ${maxBytes} bytes`);
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.alloc(1 << 16);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue; // standard input set non-blocking by its owner
        throw new UsageError(`cannot read ${what} ${name}: ${code ?? 'error'}`);
      }
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new UsageError(`${what} ${name} is larger than ${maxBytes} bytes`);
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
    return Buffer.concat(chunks, total);
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/**
 * Opens a file for writing without following a symbolic link at `path` (O_NOFOLLOW): truncated
 * (or appended to with `append`), created with `mode` (less the umask) when it does not exist.
 * With `exclusive` the file must not exist yet (O_EXCL: temporaries). Only a regular file or a
 * character device the user names (/dev/null): a fifo planted at `path` is opened without
 * waiting for a reader (O_NONBLOCK) and refused, code ENOTREG, since whoever reads it would get
 * the results. Throws the errno error.
 */
export function openForWrite(
  path: string,
  opts: { append?: boolean; exclusive?: boolean; mode?: number } = {},
): number {
  const flags =
    constants.O_WRONLY |
    constants.O_CREAT |
    constants.O_NOFOLLOW |
    (opts.exclusive ? constants.O_EXCL : 0) |
    (opts.append ? constants.O_APPEND : opts.exclusive ? 0 : constants.O_TRUNC);
  const mode = opts.mode ?? 0o644;
  const notRegular = (): Error => Object.assign(new Error('not a regular file (a fifo?)'), { code: 'ENOTREG' });
  let probe: number;
  try {
    probe = openSync(path, flags | constants.O_NONBLOCK, mode);
  } catch (err) {
    // ENXIO: a fifo nobody reads (or a device node with no device behind it).
    throw (err as NodeJS.ErrnoException).code === 'ENXIO' ? notRegular() : err;
  }
  const st = fstatSync(probe);
  if (st.isFile()) return probe; // O_NONBLOCK does nothing to a regular file
  closeSync(probe);
  if (!st.isCharacterDevice()) throw notRegular();
  // A device is written in blocking mode (a terminal would say EAGAIN): opened again, the same one.
  const fd = openSync(path, flags & ~constants.O_CREAT, mode);
  const again = fstatSync(fd);
  if (again.ino !== st.ino || again.dev !== st.dev) {
    closeSync(fd);
    throw Object.assign(new Error('replaced while it was opened'), { code: 'ECHANGED' });
  }
  return fd;
}

/** Refuses, naming it, anything but a regular file (a fifo, a device, a directory, a socket). */
function checkRegular(st: Stats, what: string, name: string): void {
  if (!st.isFile()) throw new UsageError(`cannot read ${what} ${name}: not a regular file`);
}

/**
 * Opens an existing file to read and update it in place (the output of a resumed scan): never
 * through a symbolic link at `path` (O_NOFOLLOW), and only a regular file: a fifo or a device
 * is opened without waiting for a peer (O_NONBLOCK) and refused. Null when nothing is there.
 */
export function openForUpdate(path: string, what: string): { fd: number; size: number } | null {
  const name = `'${shownPath(path)}'`;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new UsageError(`${what} ${name} is a symbolic link: portscan never writes through one`);
    throw new UsageError(
      `cannot read ${what} ${name}: ${code === 'EISDIR' ? 'not a regular file' : (code ?? 'error')}`,
    );
  }
  try {
    const st = fstatSync(fd);
    checkRegular(st, what, name);
    return { fd, size: st.size };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Hands `onChunk` the bytes of `fd` from `start` to `end`, 64 KiB at a time (one buffer, reused). */
export function readChunks(fd: number, start: number, end: number, onChunk: (bytes: Buffer) => void): void {
  const chunk = Buffer.alloc(1 << 16);
  for (let at = start; at < end;) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, end - at), at);
    if (n === 0) break; // cut short under us: what is there is all there is
    onChunk(chunk.subarray(0, n));
    at += n;
  }
}
