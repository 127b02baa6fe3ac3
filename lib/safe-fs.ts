// SPDX-License-Identifier: MIT
// safe-fs.ts: how portscan touches files when it may be running as root among files that other
// users control. Reads are capped in size and refuse anything but a regular file or a pipe (no
// /dev/zero, no directories); writes never follow a symbolic link at the final component
// (O_NOFOLLOW), and temporaries are created new (O_EXCL) with the mode the user expects. Errors
// are ScanError/UsageError with the path, never the file's contents.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

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
    if (!st.isFile() && !st.isFIFO() && !(fd === 0 && (st.isCharacterDevice() || st.isSocket()))) {
      throw new UsageError(`cannot read ${what} ${name}: not a regular file`);
    }
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
 * With `exclusive` the file must not exist yet (O_EXCL: temporaries). Throws the errno error.
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
  return openSync(path, flags, opts.mode ?? 0o644);
}
