// SPDX-License-Identifier: MIT
// binding.ts: the only file that requires portscan_native.node. It tries the addon node-gyp-build
// picks (a local build in build/Release or build/Debug first, else the prebuilt binary for this
// platform in prebuilds/<platform>-<arch>/, see scripts/prebuild.js), then the build folders,
// checks the addon's ABI_VERSION and every record size and field offset (LAYOUT) against
// records.ts, and fails with a diagnosis that says which paths it tried, which field differs,
// and how to build the addon.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { ScanError } from '../errors';
import { ABI_VERSION, LAYOUT } from './records';
import type { NativeBinding, RecordLayout } from './types';

let cached: NativeBinding | undefined;

function packageRoot(): string {
  // lib/native (ts-jest) or dist/lib/native (compiled): walk up to the folder with package.json.
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = resolve(dir, '..');
  }
  return resolve(__dirname, '..', '..');
}

/**
 * Why the addon's layout differs from records.ts, naming each record field that differs (a
 * size, an offset, a field on one side only), or null when they agree. Pure: it reads only
 * `binding`'s ABI_VERSION and LAYOUT.
 */
export function layoutMismatch(binding: Partial<Pick<NativeBinding, 'ABI_VERSION' | 'LAYOUT'>>): string | null {
  if (binding.ABI_VERSION !== ABI_VERSION)
    return `ABI_VERSION is ${String(binding.ABI_VERSION)} in the addon, ${ABI_VERSION} in records.ts`;
  const theirs = binding.LAYOUT;
  if (!theirs) return 'the addon exports no LAYOUT';
  const diffs: string[] = [];
  const ours: Readonly<Record<string, RecordLayout>> = LAYOUT;
  const show = (offset: number | undefined): string => (offset === undefined ? 'absent' : String(offset));
  for (const record of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
    const addon = theirs[record];
    const mine = ours[record];
    if (!addon || !mine) {
      diffs.push(`record '${record}' is ${addon ? 'not in records.ts' : 'absent from the addon'}`);
      continue;
    }
    for (const field of new Set([...Object.keys(mine), ...Object.keys(addon)])) {
      if (addon[field] !== mine[field])
        diffs.push(`${record}.${field} is ${show(addon[field])} in the addon, ${show(mine[field])} in records.ts`);
    }
  }
  return diffs.length > 0 ? diffs.join('; ') : null;
}

/**
 * The addon node-gyp-build resolves for this package (build/ first, then the best-matching
 * prebuild), or undefined with the reason added to `failures` when none matches this platform.
 */
function nodeGypBuildChoice(root: string, failures: string[]): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { path } = require('node-gyp-build') as { path: (dir: string) => string };
    return path(root);
  } catch (err) {
    failures.push(`prebuilds: ${(err as Error).message.split('\n')[0] ?? ''}`);
    return undefined;
  }
}

/** Loads (once) and returns the native addon. Throws ScanError('ENOADDON') with the fix. */
export function loadBinding(): NativeBinding {
  if (cached) return cached;
  const root = packageRoot();
  const failures: string[] = [];
  const candidates = [
    nodeGypBuildChoice(root, failures),
    join(root, 'build', 'Release', 'portscan_native.node'),
    join(root, 'build', 'Debug', 'portscan_native.node'),
  ].filter((p, i, all): p is string => typeof p === 'string' && p.length > 0 && all.indexOf(p) === i);
  for (const path of candidates) {
    if (!existsSync(path)) {
      failures.push(`${path}: not found`);
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const b = require(path) as NativeBinding;
      const mismatch = layoutMismatch(b);
      if (mismatch !== null) {
        failures.push(`${path}: layout mismatch with lib/native/records.ts (${mismatch})`);
        continue;
      }
      cached = b;
      return b;
    } catch (err) {
      failures.push(`${path}: ${(err as Error).message}`);
    }
  }
  throw new ScanError(
    `cannot load the native addon portscan_native.node:\n  ${failures.join('\n  ')}`,
    'ENOADDON',
    'install a release with a prebuilt binary for this platform, or build it from source with ' +
      '`npm run build:native` (or `npm install --build-from-source`; needs cmake and g++)',
  );
}
