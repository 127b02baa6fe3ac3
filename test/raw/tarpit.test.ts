// SPDX-License-Identifier: MIT
// tarpit.test.ts: a host that answers SYN-ACK on every port is flagged once instead of flooding
// the output. The tarpit is built in a private network namespace: its loopback redirects every
// TCP port to one listener (nftables), so 127.0.0.1 there "has" every port open. Both modes.
// Needs root and nftables; skipped with the reason otherwise.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';

import { BIN } from '../helpers/cli';

// Its own namespace per run: runs in other worktrees at the same time must not share it.
const NS = `ptarpit-${process.pid}`;
const why =
  process.getuid?.() !== 0
    ? 'needs root'
    : spawnSync('sh', ['-c', 'command -v nft']).status !== 0
      ? 'needs nftables'
      : null;
const describeRoot = why ? (name: string, fn: () => void) => describe.skip(`${name} (skipped: ${why})`, fn) : describe;

function inNs(cmd: string[], input?: string): string {
  return execFileSync('ip', ['netns', 'exec', NS, ...cmd], {
    encoding: 'utf8',
    ...(input ? { input } : {}),
    maxBuffer: 1 << 26,
  });
}

describeRoot('tarpit hosts', () => {
  let listener: ChildProcess;
  beforeAll(async () => {
    spawnSync('ip', ['netns', 'del', NS]);
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    inNs(
      ['nft', '-f', '-'],
      'table ip tarpit {\n  chain out {\n    type nat hook output priority -100;\n' +
        '    tcp dport != 7777 redirect to :7777\n  }\n}\n',
    );
    listener = spawn(
      'ip',
      [
        'netns',
        'exec',
        NS,
        process.execPath,
        '-e',
        "require('net').createServer((s) => s.destroy()).listen(7777, '127.0.0.1')",
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 50; i++) {
      if (/:7777\b/.test(inNs(['ss', '-ltn']))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(() => {
    listener.kill();
    spawnSync('ip', ['netns', 'del', NS]);
  });

  test.each(['connect', 'syn'])('%s mode: one tarpit record, not 3000 open ports', (mode) => {
    const out = inNs([process.execPath, BIN, '-q', '--mode', mode, '-p', '1-3000', '-f', 'ndjson', '127.0.0.1']);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const tarpit = lines.filter((l) => l.tarpit === true);
    expect(tarpit).toEqual([{ ip: '127.0.0.1', tarpit: true, open_ports: 3000, answered_ports: 3000 }]);
    const listed = lines.filter((l) => l.state === 'open');
    expect(listed.length).toBeLessThan(200); // counted, not listed, past the limit
  });

  test('--tarpit-limit 0 lists every port', () => {
    const out = inNs([
      process.execPath,
      BIN,
      '-q',
      '--mode',
      'connect',
      '--tarpit-limit',
      '0',
      '-p',
      '1-3000',
      '-f',
      'list',
      '127.0.0.1',
    ]);
    expect(out.trim().split('\n')).toHaveLength(3000);
  });
});
