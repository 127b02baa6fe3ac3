// SPDX-License-Identifier: MIT
// package.ts: what the package tests need to install portscan's tarball as a user would, with no
// network: a PATH with node, npm, npx and sh only (no compiler, cmake or make), and a fresh
// project whose package-lock.json pins the runtime dependencies to the repo's own lock entries,
// with each tarball's registry address, so `npm install --offline` finds every tarball in the npm
// cache that the repo's `npm ci` filled. (An unlocked install would read the registry's version
// lists in the abbreviated form, which `npm ci` does not cache; and this machine's npm config
// leaves the tarball addresses out of lock files: omit-lockfile-registry-resolved.)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

interface LockEntry {
  version?: string;
  resolved?: string;
  dev?: boolean;
  devOptional?: boolean;
  [key: string]: unknown;
}

/** The path of `tool` on the current PATH (resolved through symlinks). */
function which(tool: string): string {
  const r = spawnSync('sh', ['-c', `readlink -f "$(command -v ${tool})"`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  if (r.status !== 0 || path === '') throw new Error(`${tool} not found on PATH`);
  return path;
}

/** A folder of symlinks to node, npm, npx and sh: a PATH on which no compiler can be found. */
export function toolFreePath(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const tool of ['node', 'npm', 'npx', 'sh']) symlinkSync(which(tool), join(dir, tool));
  return dir;
}

/** Whether `tool` can be found on `path` (as a shell would look it up). */
export function onPath(tool: string, path: string): boolean {
  return spawnSync(join(path, 'sh'), ['-c', `command -v ${tool}`], { env: { PATH: path } }).status === 0;
}

/** The registry npm is set to use, ending in a slash. */
function npmRegistry(): string {
  const r = spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' });
  const url = r.stdout.trim();
  if (r.status !== 0 || !/^https?:\/\//.test(url)) throw new Error('npm config get registry failed');
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * A fresh project in `dir` that depends on the tarball (copied in beside it) and a package-lock.json
 * holding the tarball and the repo lock's runtime entries (neither dev nor devOptional), that
 * allows portscan's install script (scripts/install.js) to run. Returns
 * the tarball's spec as `npm install` takes it.
 */
export function freshProject(dir: string, tarball: string): string {
  mkdirSync(dir, { recursive: true });
  const file = basename(tarball);
  copyFileSync(tarball, join(dir, file));
  const spec = `file:${file}`;
  const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
    engines: Record<string, string>;
    bin: Record<string, string>;
  };
  const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  // npm 11.19 and later run a dependency's install script only when the project allows it (a
  // tarball is named by its file: address, as `npm install-scripts approve portscan` writes it).
  const manifest = {
    name: 'portscan-user',
    version: '1.0.0',
    private: true,
    dependencies: { portscan: spec },
    allowScripts: { portscan: true, [`file:${join(dir, file)}`]: true },
  };
  const packages: Record<string, unknown> = {
    '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies },
    'node_modules/portscan': {
      version: ours.version,
      resolved: spec,
      hasInstallScript: true,
      license: 'MIT',
      dependencies: ours.dependencies,
      bin: ours.bin,
      engines: ours.engines,
    },
  };
  const registry = npmRegistry();
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (path === '' || entry.dev === true || entry.devOptional === true || entry.version === undefined) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const resolved = `${registry}${name}/-/${basename(name)}-${entry.version}.tgz`;
    packages[path] = { ...entry, resolved: entry.resolved ?? resolved };
  }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const lockHead = { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true };
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify({ ...lockHead, packages }, null, 2)}\n`);
  return `./${file}`;
}
