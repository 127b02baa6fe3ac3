// SPDX-License-Identifier: MIT
// privdrop.test.ts: a root scan gives up root once its sockets, capture and files are open
// (issue 10, finding #5). While a slow scan of loopback runs, every thread of the process must
// show the user it dropped to and no capability (/proc/PID/task/*/status, getpcaps), and the
// scan must still find the listener this test opens. Also: connect mode, the checkpoint rule
// (stay root, in one line, when the user cannot write the checkpoint's directory; drop and
// keep a resumable checkpoint when it can), and an unknown --user. Needs root, CAP_NET_RAW and
// libpcap; skipped with the reason otherwise. Only 127.0.0.1 is scanned.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';

import { loadBinding } from '../../lib/native/binding';
import { synUnavailable } from '../../lib/scanner/privileges';
import { scratchDir } from '../hostile/root';
import { countingServer, runCli, startCli, type CliResult, type CountingServer } from '../helpers/cli';
import { noCapabilities, watchTasks, type TaskStatus } from '../helpers/threads';

const why = process.getuid?.() !== 0 ? 'needs root' : synUnavailable(loadBinding());
const describeRoot = why ? (name: string, fn: () => void) => describe.skip(`${name} (skipped: ${why})`, fn) : describe;

const NOBODY = 65534;
/** Long enough to sample on a loaded machine: 1000 probes at 200 per second, about 5 s. */
const SLOW = ['--rate', '200', '--retries', '0'];

const droppedTo =
  (id: number) =>
  (t: TaskStatus): boolean =>
    t.uid === `${id}\t${id}\t${id}\t${id}` && t.gid === `${id}\t${id}\t${id}\t${id}` && noCapabilities(t);

/** Polls the running scan until every one of its threads has dropped to uid/gid `id` (or it exits). */
const watchDrop = (pid: number, exited: () => boolean, id: number) =>
  watchTasks(pid, exited, (tasks) => tasks.every(droppedTo(id)));

/** Runs a slow scan, watching its privileges while it runs. */
async function scanWatched(args: string[], env: NodeJS.ProcessEnv = {}, id = NOBODY) {
  const { child, done } = startCli(args, env);
  let exited = false;
  const result = done.finally(() => (exited = true));
  const seen = await watchDrop(child.pid as number, () => exited, id);
  return { ...seen, result: await result };
}

function expectDropped(seen: { tasks: TaskStatus[]; pcaps: string; result: CliResult }, id = NOBODY): void {
  expect(seen.result.stderr).toBe('');
  expect(seen.tasks.length).toBeGreaterThan(1); // the engine's threads and Node's are all there
  expect(seen.tasks.filter((t) => !droppedTo(id)(t))).toEqual([]);
  expect(seen.pcaps).toMatch(/^\d+: =$|^Capabilities for `\d+': =$/); // no capability at all
  expect(seen.result.status).toBe(0);
}

describeRoot('a root scan drops its privileges', () => {
  let server: CountingServer;
  let port = 0;
  const scratch = scratchDir('privdrop');
  const ports = (): string => `1-999,${port}`;
  beforeAll(async () => {
    chmodSync(scratch.dir, 0o711); // nobody may pass through (not list): each test sets its own directory's mode
    server = await countingServer();
    port = server.port;
  });
  afterAll(async () => {
    scratch.remove();
    await server.close();
  });

  const openPorts = (out: string): number[] =>
    readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l.endsWith(' open'))
      .map((l) => Number(l.split(' ')[1]));

  /** A slow scan of `mode` with `extra` arguments: every thread dropped, the listener found open. */
  async function dropsAndFinds(mode: 'syn' | 'connect', extra: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
    const out = scratch.path(`${mode}-${extra.join('-') || 'sudo'}.txt`);
    const args = ['-q', '--mode', mode, ...SLOW, '-p', ports(), '-f', 'list', '-o', out, ...extra, '127.0.0.1'];
    expectDropped(await scanWatched(args, env));
    expect(openPorts(out)).toContain(port);
  }

  test('syn mode, --user nobody: every thread is nobody with no capability while it scans', async () => {
    await dropsAndFinds('syn', ['--user', 'nobody']);
  }, 60000);

  test('syn mode run by sudo: drops to SUDO_UID/SUDO_GID', async () => {
    await dropsAndFinds('syn', [], { SUDO_UID: String(NOBODY), SUDO_GID: String(NOBODY), SUDO_USER: 'nobody' });
  }, 60000);

  test('connect mode drops too (--user by uid)', async () => {
    await dropsAndFinds('connect', ['--user', String(NOBODY)]);
  }, 60000);

  test('-v says which user the scan dropped to', () => {
    const r = runCli(['-v', '--mode', 'syn', '-p', ports(), '-f', 'list', '--user', 'nobody', '127.0.0.1']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      `portscan: dropped root: scanning as nobody (uid ${NOBODY}, gid ${NOBODY}) from here on\n`,
    );
    expect(r.stdout).toContain(`127.0.0.1 ${port} open\n`);
  });

  test('--user root keeps root, and -v says so', () => {
    const r = runCli(['-v', '--mode', 'syn', '-p', ports(), '-f', 'list', '--user', 'root', '127.0.0.1']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('portscan: keeping root for the whole scan (--user root)\n');
    expect(r.stderr).not.toContain('dropped root');
    expect(r.stdout).toContain(`127.0.0.1 ${port} open\n`);
  });

  test('a checkpoint in a directory nobody cannot write: stays root, says so in one line even with -q', () => {
    const dir = scratch.path('root-only');
    execFileSync('mkdir', ['-m', '0700', dir]);
    const cp = `${dir}/scan.checkpoint`;
    const r = runCli([
      '-q',
      '--mode',
      'syn',
      '-p',
      ports(),
      '-f',
      'list',
      '--checkpoint',
      cp,
      '--user',
      'nobody',
      '127.0.0.1',
    ]);
    expect(r.stderr).toBe(
      `portscan: staying root: 'nobody' cannot write ${dir}, where the checkpoint goes; ` +
        'use --user USER or a checkpoint directory that user can write\n',
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`127.0.0.1 ${port} open\n`);
    expect(statSync(cp).uid).toBe(0);
  });

  test('a checkpoint in a sticky directory nobody can write: drops, and the checkpoint resumes', async () => {
    const dir = scratch.path('sticky');
    execFileSync('mkdir', [dir]);
    chmodSync(dir, 0o1777);
    const cp = `${dir}/scan.checkpoint`;
    const out = `${dir}/out.txt`;
    const args = ['-q', '--mode', 'syn', ...SLOW, '-p', ports(), '-f', 'list', '-o', out, '--checkpoint', cp];
    const { child, done } = startCli([...args, '--user', 'nobody', '127.0.0.1']);
    let exited = false;
    const result = done.finally(() => (exited = true));
    const seen = await watchDrop(child.pid as number, () => exited, NOBODY);
    expect(seen.tasks.filter((t) => !droppedTo(NOBODY)(t))).toEqual([]);
    // Let the scan write a checkpoint after the drop, then stop it midway (Ctrl-C).
    const first = readFileSync(cp, 'utf8');
    while (!exited && readFileSync(cp, 'utf8') === first) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGINT');
    const stopped = await result;
    expect(stopped.status).toBe(130);
    expect(stopped.stderr).toBe('');
    expect(statSync(cp).uid).toBe(NOBODY);
    const position = BigInt((JSON.parse(readFileSync(cp, 'utf8')) as { position: string }).position);
    expect(position).toBeGreaterThan(0n);
    expect(position).toBeLessThan(1000n);
    const resumed = runCli(['-q', '--resume', cp, '-o', out, '-f', 'list', '--user', 'nobody']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(openPorts(out)).toContain(port);
    expect(existsSync(cp)).toBe(true);
  }, 90000);

  test('an unknown --user is refused before anything is sent', () => {
    const r = runCli(['--mode', 'syn', '-p', ports(), '--user', 'no-such-user-xyz', '127.0.0.1']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("portscan: option '--user': no such user 'no-such-user-xyz'");
    expect(r.stdout).toBe('');
  });
});
