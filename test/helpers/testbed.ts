// SPDX-License-Identifier: MIT
// testbed.ts: jest helpers around ../shared/testbed/testbed, the sealed scan range (two network
// namespaces, no route anywhere else). Scans run through `testbed run`, so they cannot leak;
// ground truth comes from `testbed verify`. Needs root, nftables and the shared folder: without
// them the testbed suites are skipped with a message saying what is missing. Which testbed: the
// one named by TESTBED_PREFIX (as the testbed command itself reads it), "ptb" when unset, unless
// a test names its own.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { TestbedTruth, TestbedVerdict } from '../../bench/lib/testbed-report';

export const ROOT = resolve(__dirname, '..', '..');
export const TESTBED = resolve(ROOT, '..', 'shared', 'testbed', 'testbed');
export const CLI = join(ROOT, 'bin', 'portscan.js');
/** The testbed the suites use unless they name one: TESTBED_PREFIX's, else "ptb". */
export const PREFIX = process.env.TESTBED_PREFIX ?? 'ptb';

/** Why the testbed cannot be used here, or null when it can. */
export function testbedMissing(): string | null {
  if (!existsSync(TESTBED)) return `no testbed at ${TESTBED}`;
  if (process.getuid?.() !== 0) return 'the testbed needs root';
  const nft = spawnSync('sh', ['-c', 'command -v nft']);
  if (nft.status !== 0) return 'the testbed needs nftables (apt-get install nftables)';
  return null;
}

/** describe() when the testbed is usable, else a skipped describe that says why. */
export const describeTestbed = (name: string, fn: () => void): void => {
  const why = testbedMissing();
  if (why) describe.skip(`${name} (skipped: ${why})`, fn);
  else describe(name, fn);
};

function env(prefix: string): NodeJS.ProcessEnv {
  return { ...process.env, TESTBED_PREFIX: prefix };
}

/** Is the testbed with this prefix up? */
export function isUp(prefix = PREFIX): boolean {
  const out = spawnSync(TESTBED, ['status'], { env: env(prefix), encoding: 'utf8' });
  return out.status === 0 && !/: down/.test(out.stdout);
}

/** Brings a testbed up (rebuilds it), e.g. with ['--variant', '3']. */
export function up(prefix = PREFIX, args: string[] = []): void {
  execFileSync(TESTBED, ['up', ...args], { env: env(prefix), stdio: 'pipe' });
}

export function down(prefix: string): void {
  spawnSync(TESTBED, ['down'], { env: env(prefix), stdio: 'pipe' });
}

/** Runs the portscan CLI inside the testbed's scanner namespace. */
export function runScan(args: string[], prefix = PREFIX): { status: number | null; stdout: string; stderr: string } {
  const out = spawnSync(TESTBED, ['run', process.execPath, CLI, ...args], {
    env: env(prefix),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

/** Scores an NDJSON results file against the testbed's truth (the report's type: bench/lib/testbed-report.ts). */
export function verify(
  hosts: string,
  ports: string,
  file: string,
  opts: { strictClosed?: boolean; prefix?: string } = {},
): { status: number | null; verdict: TestbedVerdict } {
  const args = ['verify', hosts, ports, ...(opts.strictClosed ? ['--strict-closed'] : [])];
  const out = spawnSync(TESTBED, args, {
    env: env(opts.prefix ?? PREFIX),
    input: readFileSync(file),
    encoding: 'utf8',
  });
  const line = out.stdout
    .trim()
    .split('\n')
    .find((l) => l.startsWith('{'));
  if (!line) throw new Error(`testbed verify printed no verdict: ${out.stdout}${out.stderr}`);
  return { status: out.status, verdict: JSON.parse(line) as TestbedVerdict };
}

export interface Model {
  variant: number;
  ports: number[];
  silent: [number, number];
  needle: number;
}

/** The listener ports, silent range and needle of the variant in force. */
export function model(prefix = PREFIX): Model {
  return JSON.parse(execFileSync(TESTBED, ['model'], { env: env(prefix), encoding: 'utf8' })) as Model;
}

/** The expected summary and open (host, port) pairs of HOSTS x PORTS. */
export function truth(
  hosts: string,
  ports: string,
  prefix = PREFIX,
): { counts: TestbedTruth; open: [string, number][] } {
  const lines = execFileSync(TESTBED, ['truth', hosts, ports], { env: env(prefix), encoding: 'utf8' })
    .trim()
    .split('\n');
  const counts = JSON.parse(lines[0] as string) as TestbedTruth;
  const open = lines.slice(1).map((l) => {
    const [ip, port] = l.split(' ');
    return [ip as string, Number(port)] as [string, number];
  });
  return { counts, open };
}
