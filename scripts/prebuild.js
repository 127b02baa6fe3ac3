#!/usr/bin/env node
// prebuild.js (`npm run prebuild`, and `npm pack` through prepack): builds the addon for Node-API
// (package.json binary.napi_versions) with cmake-js in its own build directory, build/prebuild/,
// without the test targets, and lays it out the way node-gyp-build looks for it:
// prebuilds/<platform>-<arch>/portscan_native.napi.<libc>.node (prebuildify's layout and tags).
// One run builds for the machine it runs on; a release runs it on each platform it ships
// (README "Installing") and gathers the prebuilds/ folders before `npm publish`.
'use strict';
const { spawnSync } = require('node:child_process');
const { copyFileSync, existsSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const out = join('build', 'prebuild');

/** glibc or musl, as node-gyp-build tells them apart (musl: Alpine). */
function libc() {
  if (process.env.LIBC === 'musl' || process.env.LIBC === 'glibc') return process.env.LIBC;
  return existsSync('/etc/alpine-release') ? 'musl' : 'glibc';
}

function main() {
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
  const run = spawnSync(process.execPath, [cmakeJs, 'compile', '--out', out, '--CDPORTSCAN_TESTS=OFF'], {
    cwd: root,
    stdio: ['ignore', 2, 2], // stdout stays clean for `npm pack --json`
  });
  if (run.error) throw run.error;
  if (run.status !== 0) return run.status ?? 1;
  const built = join(root, out, 'Release', 'portscan_native.node');
  const dir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `portscan_native.napi.${libc()}.node`);
  copyFileSync(built, target);
  console.error(`prebuild: ${target.slice(root.length + 1)}`);
  return 0;
}

process.exitCode = main();
