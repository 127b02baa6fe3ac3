// SPDX-License-Identifier: MIT
// shell.ts: a command line as a person would type it (for the report and the log): arguments that
// need it are single-quoted for a POSIX shell.

export function quote(args: string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
