// SPDX-License-Identifier: MIT
// merge.ts: `portscan merge FILE...`: combines the NDJSON outputs of shards (or of a scan and
// its resume) into one report in any output form, the per-host table included. Each (host,
// port) counts once; if two files disagree, open wins over closed, closed over filtered. Tarpit
// records are kept. Reading and validating the records: merge-records.ts.
import type { ReportSummary } from '../scanner/result';
import { UsageError } from '../errors';
import { EXIT, shownMessage } from './exit';
import { escapeText } from '../safe-fs';
import { parseAddress } from '../plan/ip';
import { FORMATS, type FormatName } from '../output/formats';
import { OutputSession } from '../output/session';
import { defaultRunInfo } from '../output/nmap-common';
import { RangeList } from '../plan/range-list';
import { readRecords } from './merge-records';

const USAGE = `Usage: portscan merge [-f FORMAT] [-o FILE] [--full] [--open] FILE.ndjson...
Combines NDJSON results (e.g. from --shard runs) into one report. FORMAT: ${FORMATS.join(', ')}.`;

export async function mergeMain(argv: string[]): Promise<number> {
  const t0 = performance.now();
  let format: FormatName = 'table';
  let output: string | undefined;
  let full = false;
  let openOnly = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-f' || a === '--format') format = argv[++i] as FormatName;
    else if (a === '-o' || a === '--output') output = argv[++i];
    else if (a === '--full') full = true;
    else if (a === '--open') openOnly = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    } else files.push(a);
  }
  try {
    if (!(FORMATS as readonly string[]).includes(format))
      throw new UsageError(
        `option '--format' expects one of ${FORMATS.join(', ')}, got '${escapeText(String(format), 40)}'`,
      );
    if (files.length === 0) throw new UsageError('merge needs at least one NDJSON file');
    const records = readRecords(files);
    const results = [...records.results.values()];
    const tarpits = [...records.tarpits.values()];
    const hosts = new RangeList();
    const ports = new Set<number>();
    for (const r of [...results, ...tarpits]) {
      const a = parseAddress(r.ip) as bigint;
      hosts.add(a, a);
      if ('port' in r) ports.add(r.port);
    }
    const plan = {
      hosts,
      ports: Uint16Array.from([...ports].sort((x, y) => x - y)),
      total: BigInt(results.length),
      resolutions: [],
    };
    const run = { ...defaultRunInfo(), args: ['portscan', 'merge', ...argv].join(' '), openOnly };
    const session = new OutputSession([{ format, path: output }], full, () => undefined, undefined, run);
    session.begin(plan, 'merged', false);
    let open = 0;
    for (const r of results) {
      if (r.state === 'open') open++;
      if (session.wantsStates) session.state(r.ip, r.port, r.state, r.reason);
      if (full || r.state === 'open') session.result(r);
    }
    // The NDJSON records carry no scan times: the elapsed time is the merge's own.
    const summary: ReportSummary = {
      mode: 'merged',
      plan,
      counters: { sent: results.length, done: results.length, open },
      aborted: false,
      elapsedMs: performance.now() - t0,
      ...(tarpits.length > 0 ? { tarpits } : {}),
    };
    session.end(summary);
    if (session.writeError) throw session.writeError;
    return EXIT.ok;
  } catch (err) {
    const msg = shownMessage((err as Error).message);
    process.stderr.write(`portscan merge: ${msg}\n${err instanceof UsageError ? `${USAGE}\n` : ''}`);
    return err instanceof UsageError ? EXIT.usage : EXIT.failure;
  }
}
