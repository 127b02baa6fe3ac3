// SPDX-License-Identifier: MIT
// portscan.ts: portscan itself as a Scanner of the bench: its command line in one mode, with its
// default retries and timeouts, and a reader of its NDJSON output.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { quote } from './shell';
import type { Findings } from './truth';
import type { Mode, Scanner } from './workload';

/** The portscan CLI of this package (from dist/lib/bench, or lib/bench under jest). */
export const CLI =
  [join(__dirname, '..', '..', '..', 'bin', 'portscan.js'), join(__dirname, '..', '..', 'bin', 'portscan.js')].find(
    (p) => existsSync(p),
  ) ?? 'bin/portscan.js';

/** Open pairs from NDJSON lines ({ip, port, state}). */
export function readNdjson(path: string): Findings {
  const open = new Set<string>();
  const other: Findings['other'] = new Map();
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { open, other };
  }
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const r = JSON.parse(line) as { ip?: string; port?: number; state?: string };
      if (!r.ip || !r.port) continue;
      const k = `${r.ip} ${r.port}`;
      if (r.state === 'open') open.add(k);
      else if (r.state === 'closed' || r.state === 'filtered') other.set(k, r.state);
    } catch {
      // a torn last line of a stopped run
    }
  }
  return { open, other };
}

/** portscan itself, in one mode, with its default retries and timeouts. */
export function portscanScanner(mode: Mode, version: string): Scanner {
  return {
    name: 'portscan',
    mode,
    version,
    retries: '--retries 2 (default): a silent port is probed 3 times',
    job(w, rate, ctx, tag) {
      const out = join(ctx.dir, `portscan-${mode}-${tag}.ndjson`);
      const args = ['-q', '--mode', mode, '--rate', String(rate), '-p', w.ports, '-f', 'ndjson', '-o', out, w.hosts];
      return {
        runs: [{ argv: [process.execPath, CLI, ...args], expectMs: (w.want.probes / rate) * 1000 + 4000 }],
        shown: quote(['node', 'bin/portscan.js', ...args]).replace(out, 'OUT.ndjson'),
        parse: () => readNdjson(out),
      };
    },
  };
}
