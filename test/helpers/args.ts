// SPDX-License-Identifier: MIT
// args.ts: the scan command's argument parsing as the unit tests call it: the options a command
// line becomes, and the message of the usage error one is refused with.
import { UsageError } from '../../lib/errors';
import { parseArgs, toOptions } from '../../lib/cli/scan-args';
import type { ScanOptions } from '../../lib/options';

export async function options(argv: string[]): Promise<ScanOptions> {
  return toOptions(await parseArgs(argv));
}

/** The message `argv` is refused with (a UsageError); fails the test when it is accepted. */
export async function refusal(argv: string[]): Promise<string> {
  try {
    await options(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}
