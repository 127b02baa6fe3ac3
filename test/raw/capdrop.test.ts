// SPDX-License-Identifier: MIT
// capdrop.test.ts: without root, Stealth mode runs on a dedicated copy of node given
// cap_net_raw (the README's way, never setcap on the system's node). Once its sockets and capture
// are open, the JS thread and the engine's threads must hold no capability (/proc/PID/task/*/
// status, getpcaps), and the scan must still find the listener this test opens. Node's own
// helper threads keep theirs (capabilities are per-thread): the README says so, and this test
// asserts nothing about them. Needs root (to make the copy and run it as nobody), setcap,
// setpriv, CAP_NET_RAW and libpcap; skipped with the reason otherwise. Only 127.0.0.1 is scanned.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';

import { loadBinding } from '../../lib/native/binding';
import { synUnavailable } from '../../lib/scanner/privileges';
import { scratchDir } from '../hostile/root';
import { countingServer, startCli, type CountingServer } from '../helpers/cli';
import { noCapabilities, watchTasks, type TaskStatus } from '../helpers/threads';

const missing = ['setcap', 'setpriv', 'getpcaps'].find((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0);
const why = process.getuid?.() !== 0 ? 'needs root' : missing ? `needs ${missing}` : synUnavailable(loadBinding());
const describeRoot = why ? (name: string, fn: () => void) => describe.skip(`${name} (skipped: ${why})`, fn) : describe;

const NOBODY = '65534';

/** The main (JS) thread and the engine's own threads (named portscan:*). */
const ours = (pid: number) => (t: TaskStatus) => t.tid === String(pid) || t.comm.startsWith('portscan:');

describeRoot('not root, CAP_NET_RAW on a dedicated node: the scan sheds it', () => {
  let server: CountingServer;
  let port = 0;
  const scratch = scratchDir('capdrop');
  const node = scratch.path('bin/node');
  beforeAll(async () => {
    chmodSync(scratch.dir, 0o711);
    mkdirSync(scratch.path('bin'), { mode: 0o755 });
    copyFileSync(process.execPath, node);
    chmodSync(node, 0o755);
    execFileSync('setcap', ['cap_net_raw+ep', node]);
    mkdirSync(scratch.path('out'));
    chmodSync(scratch.path('out'), 0o1777);
    server = await countingServer();
    port = server.port;
  });
  afterAll(async () => {
    scratch.remove();
    await server.close();
  });

  test('syn mode as nobody: the JS and engine threads hold no capability while it scans', async () => {
    const out = scratch.path('out/syn.txt');
    const args = ['-q', '--mode', 'syn', '--rate', '200', '--retries', '0', '-p', `1-999,${port}`];
    const runner = ['setpriv', '--reuid', NOBODY, '--regid', NOBODY, '--clear-groups', node];
    const { child, done } = startCli([...args, '-f', 'list', '-o', out, '127.0.0.1'], {}, runner);
    const pid = child.pid as number;
    let exited = false;
    const result = done.finally(() => (exited = true));
    // Until the engine's threads are up (a receive thread and a transmit thread) and none of ours
    // holds any capability; `mine`: our threads as last seen with the engine's among them.
    let mine: TaskStatus[] = [];
    const seen = await watchTasks(
      pid,
      () => exited,
      (tasks) => {
        const now = tasks.filter(ours(pid));
        const names = now.map((t) => t.comm);
        if (!names.includes('portscan:syn-rx') || !names.includes('portscan:syn-tx')) return false;
        mine = now;
        return now.every(noCapabilities);
      },
    );
    const r = await result;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(mine.map((t) => t.comm)).toEqual(expect.arrayContaining(['portscan:syn-rx', 'portscan:syn-tx']));
    expect(mine.filter((t) => !noCapabilities(t))).toEqual([]);
    expect(seen.tasks.every((t) => t.uid === `${NOBODY}\t${NOBODY}\t${NOBODY}\t${NOBODY}`)).toBe(true);
    expect(seen.pcaps).toMatch(/^\d+: =$|^Capabilities for `\d+': =$/); // getpcaps reads the main thread
    expect(readFileSync(out, 'utf8')).toContain(`127.0.0.1 ${port} open\n`);
  }, 60000);
});
