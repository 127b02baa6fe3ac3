// SPDX-License-Identifier: MIT
// binding.ts: the only file that requires portscan_native.node. It tries the build folders in
// order, checks the layout constants against records.ts, and fails with a diagnosis that says
// which paths it tried and how to build the addon.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { ScanError } from '../errors';
import { ABI_VERSION, RECORD_SIZE, TARGET_SIZE } from './records';
import type { NativeBinding } from './types';

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

/** Loads (once) and returns the native addon. Throws ScanError('ENOADDON') with the fix. */
export function loadBinding(): NativeBinding {
  if (cached) return cached;
  const root = packageRoot();
  const candidates = [
    join(root, 'build', 'Release', 'portscan_native.node'),
    join(root, 'build', 'Debug', 'portscan_native.node'),
  ].filter((p): p is string => typeof p === 'string' && p.length > 0);
  const failures: string[] = [];
  for (const path of candidates) {
    if (!existsSync(path)) {
      failures.push(`${path}: not found`);
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const b = require(path) as NativeBinding;
      if (b.ABI_VERSION !== ABI_VERSION || b.TARGET_SIZE !== TARGET_SIZE || b.RECORD_SIZE !== RECORD_SIZE) {
        failures.push(
          `${path}: layout mismatch (addon ABI ${b.ABI_VERSION}/${b.TARGET_SIZE}/${b.RECORD_SIZE}, ` +
            `expected ${ABI_VERSION}/${TARGET_SIZE}/${RECORD_SIZE})`,
        );
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
    'build it with `npm run build:native` (needs cmake and g++)',
  );
}
