// SPDX-License-Identifier: MIT
// listen-overflow.test.ts: connect mode must not report open ports as filtered when a listener's
// accept queue overflows (issue 10, finding #13). Linux drops a SYN without a word while the
// queue is full, so a lost first try looks exactly like a filter; only an answer to a retry
// tells them apart. The target is built in a private network namespace: its loopback redirects
// every TCP port to one listener (nftables) with a tiny backlog that accepts one connection
// every few milliseconds, so the queue overflows whatever the machine's load. Every port is
// open there. Needs root, nftables and python3; skipped with the reason otherwise.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';

import { BIN } from '../helpers/cli';

// Its own namespace per run: runs in other worktrees at the same time must not share it.
const NS = `pcong-${process.pid}`;
const PORTS = 1000;
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const why =
  process.getuid?.() !== 0 ? 'needs root' : !has('nft') ? 'needs nftables' : !has('python3') ? 'needs python3' : null;
const describeRoot = why ? (name: string, fn: () => void) => describe.skip(`${name} (skipped: ${why})`, fn) : describe;

// Backlog 4 (a queue of 5), one accept every 2 ms: a burst of connections overflows it at once.
const SLOW_LISTENER = [
  'import socket, time',
  's = socket.socket()',
  's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
  "s.bind(('127.0.0.1', 7777))",
  's.listen(4)',
  "print('ready', flush=True)",
  'while True:',
  '    c, _ = s.accept()',
  '    c.close()',
  '    time.sleep(0.002)',
].join('\n');

describeRoot('a listener whose accept queue overflows', () => {
  let listener: ChildProcess;
  beforeAll(async () => {
    spawnSync('ip', ['netns', 'del', NS]);
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    execFileSync('ip', ['netns', 'exec', NS, 'nft', '-f', '-'], {
      input:
        'table ip overflow {\n  chain out {\n    type nat hook output priority -100;\n' +
        '    tcp dport != 7777 redirect to :7777\n  }\n}\n',
    });
    listener = spawn('ip', ['netns', 'exec', NS, 'python3', '-c', SLOW_LISTENER], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise<void>((resolve, reject) => {
      listener.stdout?.once('data', () => resolve());
      listener.once('exit', (code) => reject(new Error(`the listener exited (${code})`)));
    });
  });
  afterAll(() => {
    listener?.kill();
    spawnSync('ip', ['netns', 'del', NS]);
  });

  test(`connect mode finds all ${PORTS} open ports and says it slowed down`, () => {
    const r = spawnSync(
      'ip',
      [
        'netns',
        'exec',
        NS,
        process.execPath,
        BIN,
        '--mode',
        'connect',
        '--tarpit-limit',
        '0',
        '-p',
        `1-${PORTS}`,
      ].concat(['-f', 'list', '127.0.0.1']),
      { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 120_000 },
    );
    expect(r.status).toBe(0);
    const found = r.stdout.trim().split('\n').filter(Boolean);
    expect(found).toHaveLength(PORTS);
    expect(r.stderr).toMatch(/congestion: window cut \d+ times?/);
  });
});
