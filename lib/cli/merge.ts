// SPDX-License-Identifier: MIT
// merge.ts: `portscan merge FILE...`: combines the NDJSON outputs of shards (or of a scan and
// its resume) into one report in any output form, the per-host table included. Each (host,
// port) counts once; if two files disagree, open wins over closed, closed over filtered.

import type { PortState } from '../scanner/classify';
import type { PortResult, ReportSummary } from '../scanner/result';
import { UsageError } from '../errors';
import { readInputFile } from '../safe-fs';
import { EXIT } from './exit';
import { familyOf, parseAddress } from '../plan/ip';
import { FORMATS, type FormatName } from '../output/formats';
import { OutputSession } from '../output/session';
import { RangeList } from '../plan/range-list';

const RANK: Record<string, number> = { open: 3, closed: 2, filtered: 1, unknown: 0 };

const USAGE = `Usage: portscan merge [-f FORMAT] [-o FILE] [--full] FILE.ndjson...
Combines NDJSON results (e.g. from --shard runs) into one report. FORMAT: ${FORMATS.join(', ')}.`;

/** Reads NDJSON result files; the best state per (host, port) wins. */
export function readResults(files: string[]): Map<string, PortResult> {
  const best = new Map<string, PortResult>();
  for (const file of files) {
    const text = readInputFile(file, 'merge input').toString('utf8');
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new UsageError(`'${file}' line ${i + 1} is not JSON: merge reads -f ndjson output`);
      }
      const ip = String(o.ip);
      const addr = parseAddress(ip);
      if (addr === null || typeof o.port !== 'number' || typeof o.state !== 'string') {
        throw new UsageError(`'${file}' line ${i + 1} is not a portscan result`);
      }
      const r: PortResult = {
        ip,
        family: familyOf(addr),
        port: o.port,
        state: o.state as PortState,
        reason: String(o.reason ?? ''),
        rttMs: Number(o.rtt_ms ?? 0),
        tries: Number(o.tries ?? 1),
        service: String(o.service ?? ''),
      };
      const key = `${ip} ${r.port}`;
      const old = best.get(key);
      if (!old || (RANK[r.state] ?? 0) > (RANK[old.state] ?? 0)) best.set(key, r);
    });
  }
  return best;
}

export async function mergeMain(argv: string[]): Promise<number> {
  const t0 = performance.now();
  let format: FormatName = 'table';
  let output: string | undefined;
  let full = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-f' || a === '--format') format = argv[++i] as FormatName;
    else if (a === '-o' || a === '--output') output = argv[++i];
    else if (a === '--full') full = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    } else files.push(a);
  }
  try {
    if (!(FORMATS as readonly string[]).includes(format))
      throw new UsageError(`option '--format' expects one of ${FORMATS.join(', ')}, got '${format}'`);
    if (files.length === 0) throw new UsageError('merge needs at least one NDJSON file');
    const results = [...readResults(files).values()];
    const hosts = new RangeList();
    const ports = new Set<number>();
    for (const r of results) {
      const a = parseAddress(r.ip) as bigint;
      hosts.add(a, a);
      ports.add(r.port);
    }
    const plan = {
      hosts,
      ports: Uint16Array.from([...ports].sort((x, y) => x - y)),
      total: BigInt(results.length),
      resolutions: [],
    };
    const session = new OutputSession(format, full, output, () => undefined);
    session.begin(plan, 'merged', false);
    let open = 0;
    for (const r of results) {
      if (r.state === 'open') open++;
      if (session.wantsStates) session.state(r.ip, r.port, r.state);
      if (full || r.state === 'open') session.result(r);
    }
    // The NDJSON records carry no scan times: the elapsed time is the merge's own.
    const summary: ReportSummary = {
      mode: 'merged',
      plan,
      counters: { sent: results.length, done: results.length, open },
      aborted: false,
      elapsedMs: performance.now() - t0,
    };
    session.end(summary);
    if (session.writeError) throw session.writeError;
    return EXIT.ok;
  } catch (err) {
    process.stderr.write(`portscan merge: ${(err as Error).message}\n${err instanceof UsageError ? `${USAGE}\n` : ''}`);
    return err instanceof UsageError ? EXIT.usage : EXIT.failure;
  }
}
