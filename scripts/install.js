#!/usr/bin/env node
// install.js: the package's `install` script. It compiles nothing when an addon that loads is
// already there: a prebuilt binary for this platform in prebuilds/<platform>-<arch>/ (found the
// way node-gyp-build finds it at run time) or a local build in build/. Only when none loads, or
// when asked (`npm install --build-from-source`, or npm_config_build_from_source=true), does it
// build from source with cmake-js (`cmake-js compile --out build`), which needs cmake and g++.
'use strict';
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');

/** The addon node-gyp-build would load here, or null (with why) when none loads. */
function loadableAddon() {
  try {
    const path = require('node-gyp-build').path(root);
    require(path);
    return { path, why: '' };
  } catch (err) {
    return { path: null, why: String(err.message).split('\n')[0] };
  }
}

function buildFromSource(reason) {
  console.error(`portscan: building the native addon from source with cmake-js (${reason})`);
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
  const run = spawnSync(process.execPath, [cmakeJs, 'compile', '--out', 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (run.error) throw run.error;
  if (run.status !== 0) {
    console.error(
      'portscan: the source build failed; it needs cmake, make or ninja, and a C++17 compiler ' +
        '(Debian: apt-get install cmake g++ libpcap-dev)',
    );
  }
  return run.status ?? 1;
}

function main() {
  if (process.env.npm_config_build_from_source === 'true') return buildFromSource('--build-from-source');
  const found = loadableAddon();
  if (found.path !== null) {
    if (process.env.npm_config_loglevel === 'verbose') console.error(`portscan: using ${found.path}`);
    return 0;
  }
  return buildFromSource(`no prebuilt binary loads here: ${found.why}`);
}

process.exitCode = main();
