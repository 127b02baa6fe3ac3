// SPDX-License-Identifier: MIT
// shard-job.test.ts: deploy/portscan-shards.yaml as a cluster would run it, without a cluster.
// The manifest is a batch/v1 Indexed Job of the Containerfile's image (a structural check:
// `kubectl create --dry-run=client` needs an API server for discovery, which this machine has
// not); its pod script, run here once per completion index with JOB_COMPLETION_INDEX set
// (connect mode, loopback targets 127.0.0.1-4 only), covers the plan exactly once, with one pod
// killed with SIGKILL after its first checkpoint and rerun with the same index, resuming.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ROOT } from '../helpers/package';

const manifest = readFileSync(join(ROOT, 'deploy', 'portscan-shards.yaml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'portscan-job-'));
const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];

/** The pod's shell script: the block under `args: - |`, its indentation removed. */
function podScript(): string {
  const lines = manifest.split('\n');
  const start = lines.findIndex((l) => /^\s+- \|$/.test(l)) + 1;
  const indent = /^\s*/.exec(lines[start] ?? '')?.[0].length ?? 0;
  const body: string[] = [];
  for (const line of lines.slice(start)) {
    if (line.trim() !== '' && (/^\s*/.exec(line)?.[0].length ?? 0) < indent) break;
    body.push(line.slice(indent));
  }
  return body.join('\n');
}

/** The value the manifest gives the container's environment variable `name`. */
function envValue(name: string): string | undefined {
  return new RegExp(`- name: ${name}\\s+value: "?([^"\\n#]*?)"?\\s*(#.*)?$`, 'm').exec(manifest)?.[1];
}

interface Pod {
  done: Promise<number | null>;
  pid: number;
}

/** Runs the pod script as pod `index` would, with `portscan` on PATH and the results in `dir`. */
function runPod(index: number, env: Record<string, string>): Pod {
  const child = spawn('/bin/sh', ['-c', podScript()], {
    env: { PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`, JOB_COMPLETION_INDEX: String(index), ...env },
    stdio: 'ignore',
    detached: true,
  });
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { done, pid: child.pid as number };
}

function keysOf(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const o = JSON.parse(l) as { ip: string; port: number; state: string };
      return `${o.ip} ${o.port} ${o.state}`;
    });
}

let listeners: Server[] = [];
let open: number[] = [];

beforeAll(async () => {
  listeners = [0, 1].map(() => createServer((s) => s.destroy()));
  await Promise.all(listeners.map((l) => new Promise<void>((resolve) => l.listen(0, '127.0.0.1', resolve))));
  open = listeners.map((l) => (l.address() as { port: number }).port);
  // A PATH entry holding `portscan`, as the image's PATH does.
  mkdirSync(join(dir, 'bin'));
  const wrapper = join(dir, 'bin', 'portscan');
  writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin', 'portscan.js')}" "$@"\n`);
  chmodSync(wrapper, 0o755);
});

afterAll(() => {
  for (const l of listeners) l.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deploy/portscan-shards.yaml', () => {
  it('is a batch/v1 Indexed Job running the Containerfile image, completions = parallelism = SHARDS', () => {
    expect(manifest).toMatch(/^apiVersion: batch\/v1$/m);
    expect(manifest).toMatch(/^kind: Job$/m);
    expect(manifest).toMatch(/^ {2}completionMode: Indexed$/m);
    expect(manifest).toMatch(/^ {6}restartPolicy: Never$/m);
    const completions = /^ {2}completions: (\d+)$/m.exec(manifest)?.[1];
    expect(/^ {2}parallelism: (\d+)$/m.exec(manifest)?.[1]).toBe(completions);
    expect(envValue('SHARDS')).toBe(completions);
    const image = /^\s+image: (\S+)/m.exec(manifest)?.[1];
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(image).toBe(`portscan:${version}`);
    expect(readFileSync(join(ROOT, 'Containerfile'), 'utf8')).toMatch(/ENTRYPOINT \["portscan"\]/);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`-t ${image}`);
  });

  it('its pod script, run once per index (one pod killed and rerun), covers the plan exactly once', async () => {
    const shards = 3;
    const ports = `1-1000,${open.join(',')}`;
    const env = (rate: number): Record<string, string> => ({
      SHARDS: String(shards),
      SEED: envValue('SEED') ?? '1',
      MODE: 'connect',
      RATE: String(rate),
      PORTS: ports,
      TARGETS: '127.0.0.1-4',
      RESULTS: dir,
    });
    // Pod index 1 scans slowly, is killed 300 ms after its first checkpoint, and is rerun.
    const slow = runPod(1, env(300));
    const checkpoint = join(dir, 'shard-2.ndjson.checkpoint');
    let slowExited = false;
    void slow.done.then(() => (slowExited = true));
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (slowExited) {
          clearInterval(poll);
          reject(new Error('the slow pod exited before its first checkpoint (see its script)'));
          return;
        }
        if (!existsSync(checkpoint)) return;
        clearInterval(poll);
        setTimeout(() => {
          process.kill(-slow.pid, 'SIGKILL');
          resolve();
        }, 300);
      }, 10);
    });
    expect(await slow.done).toBeNull(); // killed, not finished
    const partial = keysOf(join(dir, 'shard-2.ndjson')).length;
    const codes = await Promise.all([0, 1, 2].map((i) => runPod(i, env(5000)).done));
    expect(codes).toEqual([0, 0, 0]);

    const perShard = [1, 2, 3].map((k) => keysOf(join(dir, `shard-${k}.ndjson`)));
    const all = perShard.flat();
    const probes = all.map((k) => k.split(' ').slice(0, 2).join(' '));
    expect(new Set(probes).size).toBe(probes.length); // no (host, port) twice
    expect(probes.length).toBe(HOSTS.length * (1000 + open.length)); // and none missing
    for (const port of open) expect(all).toContain(`127.0.0.1 ${port} open`);
    expect(perShard[1]?.length ?? 0).toBeGreaterThan(partial); // the rerun went on from there
  });
});
