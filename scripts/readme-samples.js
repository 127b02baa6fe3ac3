// SPDX-License-Identifier: MIT
// readme-samples.js (`npm run readme:samples`): regenerates the sample outputs in README.md.
// A sample is a fenced block right after a marker line `<!-- sample: portscan ARGS -->`; the
// block becomes `$ portscan ARGS` followed by what that command prints: its stdout, and its
// stderr too (in the order written) when ARGS ends with `2>&1`. The commands run bin/portscan.js
// (dist/ must be built) against listeners this script opens on 127.0.0.5 only, ports 1024, 1080,
// 6666 and 8080, with DNS blocked; a sample may name no other target, no file and no output.
// Before the listeners open, each command is run once to check that nothing else answers on its
// ports at 127.0.0.5 (a listener on 0.0.0.0 would), so a stray listener is named, not sampled.
// `--readme FILE` reads another file, `--out FILE` writes the result elsewhere (the README test
// does both); by default README.md is rewritten in place.
'use strict';
const { spawn } = require('node:child_process');
const { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'portscan.js');
const NO_DNS = join(ROOT, 'test', 'helpers', 'no-dns.js');

/** The samples' one target; nothing else on this machine binds it. */
const FIXTURE_ADDRESS = '127.0.0.5';
/** Ports listening on FIXTURE_ADDRESS while the samples run: two of the Standard list, two not. */
const FIXTURE_PORTS = [1024, 1080, 6666, 8080];

const MARKER = /^<!-- sample: (portscan .+?) -->\n```[^\n]*\n[\s\S]*?^```$/gm;
/** Options that take no value (every other option takes the next token, or `=VALUE`). */
const FLAGS = new Set(['--full', '-q', '--quiet', '-v', '--verbose', '--adaptive', '--open', '--reason']);
/** Options that name another target, a file or an output: not in a sample. */
const FORBIDDEN =
  /^(-i|-o|-e|--(input-file|exclude-file|output|output-[a-z]+|resume|checkpoint|start-ip|end-ip|interface))(=|$)/;

/** Splits a command line into words: white space separates, '...' and "..." quote. */
function words(command) {
  const out = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let m;
  while ((m = re.exec(command)) !== null) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** The portscan arguments of a sample's command; throws unless it targets FIXTURE_ADDRESS only. */
function sampleArgs(command) {
  const all = words(command);
  const merged = all.at(-1) === '2>&1';
  const args = all.slice(1, merged ? -1 : undefined);
  const targets = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (FORBIDDEN.test(a)) throw new Error(`sample '${command}': option ${a} is not allowed in a sample`);
    if (!a.startsWith('-') || a === '-') targets.push(a);
    else if (a !== '-p-' && !a.includes('=') && !FLAGS.has(a)) i++;
  }
  if (targets.length === 0 || targets.some((t) => t !== FIXTURE_ADDRESS))
    throw new Error(`sample '${command}': its targets must be ${FIXTURE_ADDRESS} only, got ${targets.join(' ')}`);
  return { args, merged };
}

/** Runs bin/portscan.js ARGS; resolves to its exit status and output (stderr appended if merged). */
function run(args, merged) {
  const dir = mkdtempSync(join(tmpdir(), 'readme-samples-'));
  const outPath = join(dir, 'out');
  const errPath = join(dir, 'err');
  const out = openSync(outPath, 'w');
  const err = merged ? out : openSync(errPath, 'w');
  const env = { ...process.env, NODE_OPTIONS: `--require ${NO_DNS}`, NO_COLOR: '1' };
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', out, err] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      closeSync(out);
      if (!merged) closeSync(err);
      const stdout = readFileSync(outPath, 'utf8');
      const stderr = merged ? '' : readFileSync(errPath, 'utf8');
      rmSync(dir, { recursive: true, force: true });
      resolve({ status, stdout, stderr });
    });
  });
}

/** Fails when something already answers at FIXTURE_ADDRESS on a port this sample scans. */
async function checkNoStrayListener(command, args) {
  const r = await run([...args, '--format', 'list', '--quiet'], false);
  if (r.status !== 0) return; // a usage-error sample: nothing is scanned
  const open = r.stdout.split('\n').filter((l) => l.endsWith(' open'));
  if (open.length > 0) {
    const ports = open.map((l) => l.split(' ')[1]).join(', ');
    throw new Error(
      `sample '${command}': ${FIXTURE_ADDRESS} answers on port ${ports} before the sample's listeners ` +
        'start: another process listens there (on 0.0.0.0 or this address); stop it, or the sample would show it',
    );
  }
}

function listen(port) {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', (e) =>
      reject(new Error(`cannot listen on ${FIXTURE_ADDRESS}:${port} (${e.code}): is another process using it?`)),
    );
    server.listen(port, FIXTURE_ADDRESS, () => resolve(server));
  });
}

/** The README text with every sample block regenerated. */
async function regenerate(text) {
  const samples = [...text.matchAll(MARKER)].map((m) => ({ command: m[1], ...sampleArgs(m[1]) }));
  if (samples.length === 0) throw new Error('no sample markers found');
  for (const s of samples) await checkNoStrayListener(s.command, s.args);
  const servers = [];
  const outputs = new Map();
  try {
    for (const port of FIXTURE_PORTS) servers.push(await listen(port));
    for (const s of samples) {
      const r = await run(s.args, s.merged);
      if (r.status !== 0 && !s.merged)
        throw new Error(`sample '${s.command}' exited with ${r.status} (add 2>&1 to show why):\n${r.stderr}`);
      outputs.set(s.command, `$ ${s.command}\n${r.stdout.trimEnd()}`);
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
  return text.replace(MARKER, (_block, command) => {
    return `<!-- sample: ${command} -->\n\`\`\`\n${outputs.get(command)}\n\`\`\``;
  });
}

async function main(argv) {
  const option = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const readme = option('--readme') ?? join(ROOT, 'README.md');
  const out = option('--out') ?? readme;
  writeFileSync(out, await regenerate(readFileSync(readme, 'utf8')));
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`readme-samples: ${err.message}\n`);
  process.exitCode = 1;
});
