// SPDX-License-Identifier: MIT
// helpers.ts: what the `portscan bench` tests share: whether the bench range can be built here
// (root, ip, nftables, and the compiled build the range's listener and the CLI run from), a
// describe() that skips with the reason otherwise, and the namespaces of a prefix that exist.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { listNamespaces, rangeUnavailable } from '../../lib/bench/range';

export const ROOT = resolve(__dirname, '..', '..');
export const CLI = join(ROOT, 'bin', 'portscan.js');

/** Why the bench range cannot be built in this test run, or null. */
export function benchRangeMissing(): string | null {
  const why = rangeUnavailable();
  if (why) return why;
  if (!existsSync(join(ROOT, 'dist', 'lib', 'bench', 'listener.js'))) return 'needs the build (npm run build:ts)';
  return null;
}

/** describe() when the bench range can be built, else a skipped describe that says why. */
export const describeRoot = (name: string, fn: () => void): void => {
  const why = benchRangeMissing();
  if (why) describe.skip(`${name} (skipped: ${why})`, fn);
  else describe(name, fn);
};

/** The namespaces whose name starts with `${prefix}-`. */
export function namespacesOf(prefix: string): string[] {
  return listNamespaces().filter((n) => n.startsWith(`${prefix}-`));
}
