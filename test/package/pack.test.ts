// SPDX-License-Identifier: MIT
// pack.test.ts: the package as a user gets it. `npm pack` (prepack builds the prebuilt binary,
// prepare the TypeScript) holds what a user runs and no tests or fuzz corpus; installed from the
// tarball into a fresh project with `--offline`, on a PATH with no compiler, cmake or make, it
// compiles nothing and `npx portscan --mode connect 127.0.0.1` prints the table (loopback only);
// `--build-from-source` builds the addon with cmake-js and works too. Install times are printed.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freshProject, onPath, ROOT, toolFreePath } from '../helpers/package';

interface PackedFile {
  path: string;
  size: number;
}
interface Packed {
  filename: string;
  unpackedSize: number;
  files: PackedFile[];
}

// A 0700 folder (mkdtemp's), as /root is: run as root, the CLI drops to nobody once its sockets are
// open, after which it must need nothing more from the installed package.
const dir = mkdtempSync(join(tmpdir(), 'portscan-pack-'));
const MINUTE = 60_000;
// The project allows portscan's install script (freshProject), so scripts/install.js runs, and it
// must compile nothing when the prebuild loads.
const INSTALL_FLAGS = ['--offline', '--no-audit', '--no-fund'];

/** npm's environment: no npm_* variables of the jest run (`npm test` sets many), the same cache. */
function npmEnv(path: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { HOME: process.env.HOME, PATH: path, TMPDIR: tmpdir() };
  if (process.env.npm_config_cache !== undefined) env.npm_config_cache = process.env.npm_config_cache;
  return env;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 15 * MINUTE, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}

function failure(r: Pick<SpawnSyncReturns<string>, 'status' | 'stdout' | 'stderr'>): string {
  return `exit ${String(r.status)}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`;
}

let packed: Packed;
let listener: Server;
let openPort = 0;

beforeAll(async () => {
  const r = run('npm', ['pack', '--json', '--pack-destination', dir], ROOT, { ...process.env });
  expect(r.status).toBe(0);
  packed = (JSON.parse(r.stdout) as Packed[])[0] as Packed;
  listener = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  openPort = (listener.address() as { port: number }).port;
}, 20 * MINUTE);

afterAll(() => {
  listener?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs the installed CLI in `project` on 127.0.0.1, the listener's port only. Asynchronous: the
 * listener lives in this process, whose event loop must keep running meanwhile.
 */
function scanLoopback(
  project: string,
  path: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const args = ['--offline', 'portscan', '--mode', 'connect', '-p', String(openPort), '127.0.0.1'];
  return new Promise((resolve, reject) => {
    const child = spawn('npx', args, { cwd: project, env: npmEnv(path), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 3 * MINUTE);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('npm pack', () => {
  it('ships the program, the prebuild, the native sources and LICENSE, and no tests or fuzz files', () => {
    const paths = packed.files.map((f) => f.path);
    for (const needed of [
      'LICENSE',
      'README.md',
      'package.json',
      'bin/portscan.js',
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/lib/cli/main.js',
      'esm/index.mjs',
      'esm/index.d.mts',
      'scripts/install.js',
      'CMakeLists.txt',
      'native/addon.cc',
    ])
      expect(paths).toContain(needed);
    const platform = `${process.platform}-${process.arch}`;
    expect(paths).toContain(`prebuilds/${platform}/portscan_native.napi.glibc.node`);
    const unwantedPath = new RegExp(
      [
        '^(test|bench|lib|\\.ci)/', // tests, benchmarks, TypeScript sources, CI
        '(^|/)(fuzz|corpus)/', // fuzz corpora
        '^native/test/|\\.test\\.|pkt_test', // the ASan packet test
        '\\.map$|\\.ts$(?<!\\.d\\.ts)|tsconfig|setup\\.sh', // source maps, build-only files
      ].join('|'),
    );
    const unwanted = paths.filter((p) => unwantedPath.test(p));
    expect(unwanted).toEqual([]);
    const binary = packed.files.filter((f) => f.path.startsWith('prebuilds/')).reduce((n, f) => n + f.size, 0);
    console.log(
      `npm pack: ${packed.files.length} files, ${packed.unpackedSize} B unpacked, ` +
        `${packed.unpackedSize - binary} B without the ${binary} B prebuilt binary`,
    );
  });
});

describe('installing the tarball', () => {
  it('offline, no compiler, cmake or make on PATH: compiles nothing, and the CLI prints the table', async () => {
    const path = toolFreePath(join(dir, 'bin'));
    for (const tool of ['cc', 'gcc', 'g++', 'c++', 'clang', 'cmake', 'make', 'ninja'])
      expect(onPath(tool, path)).toBe(false);
    const project = join(dir, 'user');
    const spec = freshProject(project, join(dir, packed.filename));
    const t0 = performance.now();
    const r = run('npm', ['install', ...INSTALL_FLAGS, spec], project, npmEnv(path));
    const seconds = (performance.now() - t0) / 1000;
    expect(failure(r)).toMatch(/^exit 0\n/);
    console.log(`npm install --offline of the tarball, no compiler on PATH: ${seconds.toFixed(1)} s`);
    const installed = join(project, 'node_modules', 'portscan');
    expect(r.stderr).not.toMatch(/install-scripts\s+portscan@/); // its install script ran...
    expect(existsSync(join(installed, 'build'))).toBe(false); // ...and compiled nothing
    const scan = await scanLoopback(project, path);
    expect(failure(scan)).toMatch(/^exit 0\n/);
    expect(scan.stdout).toMatch(/^IP\s+Open ports\s+Closed\s+Silent$/m);
    expect(scan.stdout).toMatch(new RegExp(`^127\\.0\\.0\\.1\\s+${openPort}\\s+0\\s+0$`, 'm'));
  });

  it('--build-from-source builds the addon with cmake-js (not the packet test) and it works', async () => {
    const path = process.env.PATH ?? '';
    const project = join(dir, 'from-source');
    const spec = freshProject(project, join(dir, packed.filename));
    const t0 = performance.now();
    const r = run('npm', ['install', ...INSTALL_FLAGS, spec, '--build-from-source'], project, npmEnv(path));
    const seconds = (performance.now() - t0) / 1000;
    expect(failure(r)).toMatch(/^exit 0\n/);
    console.log(`npm install --offline --build-from-source of the tarball: ${seconds.toFixed(1)} s`);
    const build = join(project, 'node_modules', 'portscan', 'build');
    expect(readdirSync(join(build, 'Release'))).toContain('portscan_native.node');
    expect(existsSync(join(build, 'portscan_pkt_test'))).toBe(false);
    const scan = await scanLoopback(project, path);
    expect(failure(scan)).toMatch(/^exit 0\n/);
    expect(scan.stdout).toMatch(new RegExp(`^127\\.0\\.0\\.1\\s+${openPort}\\s+0\\s+0$`, 'm'));
  });
});
