// SPDX-License-Identifier: MIT
// resume-shards.test.ts: nothing lost and nothing twice. A SYN scan killed with SIGKILL at
// random moments and resumed from its checkpoint ends with exactly the results of an
// uninterrupted scan, each (host, port) once; N shard processes, merged, cover the plan exactly
// once. Checked against the testbed's ground truth.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CLI, describeTestbed, isUp, runScan, TESTBED, up, verify } from '../helpers/testbed';
import { runCli } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'portscan-resume-'));
const PORTS = '22,80,443,8080,31337';
const HOSTS = '198.18.0.0/17';

function keysOf(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const o = JSON.parse(l) as { ip: string; port: number };
      return `${o.ip} ${o.port}`;
    });
}

/**
 * Starts a scan in the testbed and SIGKILLs the whole process group `afterMs` after its first
 * checkpoint (`cp`) is on disk: before that there is nothing to resume (on a busy machine the
 * first one can take over a second, the plan and the capture coming first).
 */
function killAfter(args: string[], afterMs: number): Promise<void> {
  const cp = args[args.indexOf('--checkpoint') + 1] ?? '';
  return new Promise((resolve) => {
    const child = spawn(TESTBED, ['run', process.execPath, CLI, ...args], { detached: true, stdio: 'ignore' });
    let timer: NodeJS.Timeout | undefined;
    const poll = setInterval(() => {
      if (!existsSync(cp)) return;
      clearInterval(poll);
      timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), afterMs);
    }, 10);
    child.on('exit', () => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve();
    });
  });
}

describeTestbed('resume after kill -9, and shards', () => {
  beforeAll(() => {
    if (!isUp()) up();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Moments after the first checkpoint, drawn at random each run, early and late in a ~4 s scan.
  const moments = [
    300 + Math.floor(Math.random() * 1200),
    1500 + Math.floor(Math.random() * 2000),
    2500 + Math.floor(Math.random() * 1500),
  ];

  test.each(moments)('killed at %i ms, then resumed: exact, each (host, port) once', async (ms) => {
    const out = join(dir, `resume-${ms}.ndjson`);
    const cp = join(dir, `resume-${ms}.checkpoint`);
    const args = [
      '-q',
      '--mode',
      'syn',
      '--rate',
      '40000',
      '-p',
      PORTS,
      '--full',
      '-f',
      'ndjson',
      '-o',
      out,
      '--checkpoint',
      cp,
      HOSTS,
    ];
    await killAfter(args, ms);
    expect(existsSync(cp)).toBe(true);
    // About resuming, not privileges: the checkpoint's directory is root's own (mkdtemp, 0700),
    // so a scan dropping to nobody would stay root and say so; keep root without the line.
    const r = runScan(['--resume', cp, '-o', out, '-f', 'ndjson', '-q', '--user', 'root']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const keys = keysOf(out);
    expect(new Set(keys).size).toBe(keys.length); // no (host, port) twice
    const { status, verdict } = verify(HOSTS, PORTS, out, { strictClosed: true });
    expect(verdict).toMatchObject({ missed_open: 0, false_open: 0, wrong_state: 0, recall: 1 });
    expect(keys.length).toBe(verdict.expected.open + verdict.expected.closed + verdict.expected.filtered);
    expect(status).toBe(0);
  });

  test('connect mode: killed at a random moment, then resumed: exact, each (host, port) once', async () => {
    const ms = 800 + Math.floor(Math.random() * 2500);
    const out = join(dir, `resume-connect-${ms}.ndjson`);
    const cp = join(dir, `resume-connect-${ms}.checkpoint`);
    await killAfter(
      [
        '-q',
        '--mode',
        'connect',
        '--rate',
        '30000',
        '-p',
        PORTS,
        '--full',
        '-f',
        'ndjson',
        '-o',
        out,
        '--checkpoint',
        cp,
        HOSTS,
      ],
      ms,
    );
    expect(existsSync(cp)).toBe(true);
    const r = runScan(['--resume', cp, '-o', out, '-f', 'ndjson', '-q']);
    expect(r.status).toBe(0);
    const keys = keysOf(out);
    expect(new Set(keys).size).toBe(keys.length);
    const { status, verdict } = verify(HOSTS, PORTS, out, { strictClosed: true });
    expect(verdict).toMatchObject({ missed_open: 0, false_open: 0, wrong_state: 0, recall: 1 });
    expect(status).toBe(0);
  });

  test('a checkpoint of another plan is refused', () => {
    const out = join(dir, 'other.ndjson');
    const cp = join(dir, 'other.checkpoint');
    const r = runScan([
      '-q',
      '--mode',
      'syn',
      '-p',
      '22',
      '-f',
      'ndjson',
      '-o',
      out,
      '--checkpoint',
      cp,
      '198.18.0.0/24',
    ]);
    expect(r.status).toBe(0);
    const saved = JSON.parse(readFileSync(cp, 'utf8')) as { plan: { ports: string } };
    saved.plan.ports = '80';
    writeFileSync(cp, JSON.stringify(saved));
    const again = runScan(['--resume', cp, '-o', out, '-f', 'ndjson']);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/checkpoint does not match this scan/);
  });

  test('3 shard processes, merged, cover the plan exactly once', async () => {
    const files = [1, 2, 3].map((k) => join(dir, `shard${k}.ndjson`));
    await Promise.all(
      files.map(
        (file, k) =>
          new Promise<void>((resolve, reject) => {
            const child = spawn(
              TESTBED,
              [
                'run',
                process.execPath,
                CLI,
                '-q',
                '--mode',
                'syn',
                '--rate',
                '40000',
                '--shard',
                `${k + 1}/3`,
                '-p',
                PORTS,
                '--full',
                '-f',
                'ndjson',
                '-o',
                file,
                HOSTS,
              ],
              { stdio: 'ignore' },
            );
            child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`shard ${k + 1} exited ${code}`))));
          }),
      ),
    );
    const all = files.flatMap(keysOf);
    expect(new Set(all).size).toBe(all.length); // disjoint
    const merged = join(dir, 'merged.ndjson');
    const m = runCli(['merge', '-f', 'ndjson', '--full', '-o', merged, ...files]);
    expect(m.status).toBe(0);
    const { status, verdict } = verify(HOSTS, PORTS, merged, { strictClosed: true });
    expect(verdict).toMatchObject({ missed_open: 0, false_open: 0, wrong_state: 0, recall: 1 });
    expect(keysOf(merged)).toHaveLength(all.length);
    expect(status).toBe(0);
  });
});
