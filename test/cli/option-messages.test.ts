// SPDX-License-Identifier: MIT
// option-messages.test.ts (root-safety #3, follow-up): a value given on the command line reaches
// a message only as a short, escaped excerpt, whichever option it was given to and whoever
// writes the message (yargs, the CLI, the options, the parsers, the engines): the message is one
// line of bounded length with no raw control byte. The scan command runs in-process on the fake
// binding (test/helpers/fake-binding.ts: nothing can be sent, DNS is forbidden); a few real
// runs of bin/portscan.js check the same through the process's stderr, on loopback only.
import { main } from '../../lib/cli/main';
import { runCli } from '../helpers/cli';
import { forbidDns } from '../helpers/targets';
import type * as FakeBindingModule from '../helpers/fake-binding';

jest.mock('../../lib/native/binding', () => {
  const actual: object = jest.requireActual('../../lib/native/binding');
  const helper: typeof FakeBindingModule = jest.requireActual('../helpers/fake-binding');
  const { binding } = helper.fakeBinding({ script: () => 'silent', syn: { script: () => 'silent' } });
  return { ...actual, loadBinding: () => binding };
});

forbidDns();

/** Terminal escapes: set the window title, clear the screen, ring the bell. */
const ESC = '\x1b]0;pwned\x07\x1b[2J\x9b1m';
/** A 1 MB value (with escapes, so that it is never a hostname). */
const HUGE = `${ESC}${'x'.repeat(1 << 20)}${ESC}`;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** Runs the scan command in-process; what it wrote on stderr, and its exit code. */
async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const log = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await main(argv), stderr };
  } finally {
    spy.mockRestore();
    log.mockRestore();
  }
}

/**
 * One line saying what is wrong (then the hint: merge's is its usage, two lines), short (a path
 * is shown with up to 200 characters), no control byte.
 */
function expectShortClean(what: string, stderr: string): void {
  const lines = stderr.split('\n').filter(Boolean);
  const most = what.startsWith('merge') ? 3 : 2;
  expect({ what, lines: lines.length }).toEqual({ what, lines: lines.length <= most ? lines.length : `<= ${most}` });
  expect({ what, length: (lines[0] ?? '').length < 400 }).toEqual({ what, length: true });
  expect({ what, control: CONTROL.exec(stderr)?.[0] }).toEqual({ what, control: undefined });
}

/** Each option with a bad value V (a target: on loopback only, as the target list is 127.0.0.1). */
const CASES: [string, (v: string) => string[]][] = [
  ['-p', (v) => ['127.0.0.1', '-p', v]],
  ['--mode', (v) => ['127.0.0.1', '--mode', v]],
  ['--rate', (v) => ['127.0.0.1', '--rate', v]],
  ['--tasks', (v) => ['127.0.0.1', '--tasks', v]],
  ['--timeout', (v) => ['127.0.0.1', '--timeout', v]],
  ['--seed', (v) => ['127.0.0.1', '-m', 'syn', '--seed', v]],
  ['--shard', (v) => ['127.0.0.1', '--shard', v]],
  ['-f', (v) => ['127.0.0.1', '-f', v]],
  ['--exclude', (v) => ['127.0.0.1', '--exclude', v]],
  ['a target', (v) => ['-p', '80', v]],
  ['--start-ip', (v) => ['--start-ip', v, '--end-ip', '127.0.0.1']],
  ['--source-ip', (v) => ['127.0.0.1', '-m', 'syn', '--source-ip', v]],
  ['-e', (v) => ['127.0.0.1', '-m', 'syn', '-e', v]],
  ['--send', (v) => ['127.0.0.1', '-m', 'syn', '--send', v]],
  ['--router-mac', (v) => ['127.0.0.1', '-m', 'syn', '--router-mac', v]],
  ['--full=', (v) => ['127.0.0.1', `--full=${v}`]],
  ['an unknown option', (v) => ['127.0.0.1', `--${v}`]],
  ['an option twice', (v) => ['127.0.0.1', '-m', v, '-m', v]],
  ['-i (a path)', (v) => ['-i', `/nonexistent/${v}`]],
  ['--resume (a path)', (v) => ['--resume', `/nonexistent/${v}`]],
  ['-o (a path)', (v) => ['127.0.0.1', '-m', 'connect', '-o', `/nonexistent/${v}/out`]],
  ['--checkpoint (a path)', (v) => ['127.0.0.1', '-m', 'connect', '--checkpoint', `/nonexistent/${v}/cp`]],
  ['-c (a config path)', (v) => ['-c', `/nonexistent/${v}`, '127.0.0.1']],
  ['--top-ports', (v) => ['127.0.0.1', '--top-ports', v]],
  ['-T', (v) => ['127.0.0.1', '-T', v]],
  ['--host-timeout', (v) => ['127.0.0.1', '--host-timeout', v]],
  ['--max-rtt-timeout', (v) => ['127.0.0.1', '--max-rtt-timeout', v]],
  ['-p (a service name)', (v) => ['127.0.0.1', '-p', `T:${v}`]],
  ['merge -f', (v) => ['merge', '-f', v, '/nonexistent']],
  ['bench --modes', (v) => ['bench', '--modes', v]],
  ['bench --loss', (v) => ['bench', '--loss', v]],
];

describe('option values in messages (in-process, fake binding)', () => {
  it.each(CASES)('%s with terminal escapes: escaped', async (what, argv) => {
    const r = await run(argv(ESC));
    expect({ what, code: r.code }).toEqual({ what, code: r.code === 1 ? 1 : 2 });
    expectShortClean(what, r.stderr);
    expect(r.stderr).toContain('\\x1b');
  });

  it.each(CASES)('%s with a 1 MB value: one short line', async (what, argv) => {
    const r = await run(argv(HUGE));
    expect({ what, code: r.code }).toEqual({ what, code: r.code === 1 ? 1 : 2 });
    expectShortClean(what, r.stderr);
  });
});

describe('option values in messages (bin/portscan.js)', () => {
  // One argument holds at most 128 KiB (MAX_ARG_STRLEN): 100 KB values here.
  const BIG = `${ESC}${'y'.repeat(100000)}`;
  it.each([
    ['--rate', ['127.0.0.1', '--rate', BIG]],
    ['-f', ['127.0.0.1', '-f', BIG]],
    ['an unknown option', ['127.0.0.1', `--${BIG}`]],
    ['--shard', ['127.0.0.1', '--shard', BIG]],
  ])('%s: the process writes one short escaped line', (what, args) => {
    const r = runCli(args);
    expect(r.status).toBe(2);
    expectShortClean(what, r.stderr);
  });
});
