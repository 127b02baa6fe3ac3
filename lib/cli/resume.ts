// SPDX-License-Identifier: MIT
// resume.ts: `portscan --resume CP -o OUT -f FMT`. A checkpoint is data, never a command line:
// the scan resumed is the plan it records (targets as address intervals, ports, mode, seed,
// shard) with the options that shape its results; the output path and format come from the
// user and must be the recorded ones; the options safe to change (--rate, --wait, --user, -q, -v) are
// applied with a line saying so, as is --yes, the go for a large plan whose checkpoint lacks it;
// anything else given with --resume is refused, naming it. The recorded targets are the plan's
// addresses, every exclusion applied: none is applied to them again.
import { resolve } from 'node:path';

import { UsageError } from '../errors';
import type { ScanOptions } from '../options';
import { shownPath } from '../safe-fs';
import type { Checkpoint } from './checkpoint';

/** The options --resume may be given with (each spelling), and whether each takes a value. */
const WITH_RESUME: Record<string, boolean> = {
  '--resume': true,
  '-o': true,
  '--output': true,
  '-f': true,
  '--format': true,
  '--rate': true,
  '--wait': true,
  '--yes': false,
  '-q': false,
  '--quiet': false,
  '-v': false,
  '--verbose': false,
  '--user': true,
};

/** Refuses, naming it, the first argument that --resume may not be given with. */
export function checkResumeArgv(argv: string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const name = arg.startsWith('--') ? (arg.split('=')[0] ?? arg) : arg;
    if (!arg.startsWith('-') || arg === '-') {
      throw new UsageError(
        `targets cannot be given with --resume (the checkpoint's plan is resumed): '${shownPath(arg)}'`,
      );
    }
    const short = /^-[qv]+$/.test(arg);
    if (!(name in WITH_RESUME) && !short) {
      throw new UsageError(
        `option '${shownPath(name)}' cannot be given with --resume: the checkpoint's plan and options are ` +
          'resumed (only -o, -f, --rate, --wait, --user, --yes, -q and -v may be given)',
      );
    }
    if (WITH_RESUME[name] && !arg.includes('=')) i++;
  }
}

/** The output the user asked for must be the one the checkpoint recorded (resolved paths). */
export function checkResumeOutput(cp: Checkpoint, outputPath: string | undefined, format: string): void {
  const recorded = cp.output === null ? 'standard output' : `'${shownPath(cp.output)}'`;
  const given = outputPath === undefined || outputPath === '-' ? null : resolve(outputPath);
  if (given !== cp.output) {
    throw new UsageError(`this checkpoint's output is ${recorded}: resume with -o naming it`);
  }
  if (format !== cp.format)
    throw new UsageError(`this checkpoint's output is written as ${cp.format}: add -f ${cp.format}`);
}

/** The scan a checkpoint records, with the safe changes given on the command line (and what they say). */
export function resumedOptions(cp: Checkpoint, args: ScanOptions): { options: ScanOptions; notices: string[] } {
  const options: ScanOptions = {
    ...cp.options,
    targets: cp.plan.targets,
    ports: cp.plan.ports,
    mode: cp.plan.mode,
    // Excluding special-purpose ranges again would change a plan made without (its hash with it).
    defaultExcludes: false,
  };
  // The order's key is part of a SYN plan; connect mode walks a fixed order and takes no seed.
  if (cp.plan.mode === 'syn') options.seed = BigInt(cp.plan.seed);
  if (cp.plan.shard) options.shard = { ...cp.plan.shard };
  const notices: string[] = [];
  const change = (flag: string, key: 'ratePps' | 'waitMs', value: number | undefined): void => {
    if (value === undefined) return;
    const was = cp.options[key];
    notices.push(`resuming with ${flag} ${value} (the checkpoint's run: ${was === undefined ? 'the default' : was})`);
    options[key] = value;
  };
  change('--rate', 'ratePps', args.ratePps as number | undefined);
  change('--wait', 'waitMs', args.waitMs as number | undefined);
  if (args.yes === true && cp.options.yes !== true) {
    notices.push("resuming with --yes (the checkpoint's run did not have it)");
    options.yes = true;
  }
  return { options, notices };
}
