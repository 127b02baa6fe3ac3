// SPDX-License-Identifier: MIT
// root.ts: shared by the hostile-file tests: they run as root (as CI does) and plant symlinks,
// fifos and crafted files in a private temporary directory; without root they are skipped with
// the reason, like test/raw/tarpit.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const whyNot = process.getuid?.() !== 0 ? 'needs root: the attacks are on a root run' : null;

/** describe, or describe.skip with the reason when not root. */
export const describeRoot = whyNot
  ? (name: string, fn: () => void): void => describe.skip(`${name} (skipped: ${whyNot})`, fn)
  : describe;

/** A fresh private directory; removed by the returned function. */
export function scratchDir(tag: string): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `portscan-${tag}-`));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
