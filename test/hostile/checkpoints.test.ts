// SPDX-License-Identifier: MIT
// checkpoints.test.ts (root-safety #1): a checkpoint is data, never a command line. A crafted
// checkpoint cannot choose the output file (nor any option), a position beyond the plan or an
// output offset out of range is refused, and only the safe options (--rate, --wait, -q, -v) may
// be given with --resume, applied with a line saying so; the output resumed must be a regular
// file, read only past the checkpoint and up to a cap. Scans are of 127.0.0.1 only.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';

import { closedPort, runCli } from '../helpers/cli';
import { MAX_INPUT_BYTES } from '../../lib/safe-fs';
import { describeRoot, scratchDir } from './root';

type Json = Record<string, unknown>;

describeRoot('hostile files: crafted checkpoints', () => {
  let tmp: ReturnType<typeof scratchDir>;
  let out: string;
  let cp: string;
  let port: number;
  const read = (): Json => JSON.parse(readFileSync(cp, 'utf8')) as Json;
  const edit = (change: Json): void => writeFileSync(cp, JSON.stringify({ ...read(), ...change }));
  const resume = (...more: string[]): ReturnType<typeof runCli> =>
    runCli(['--resume', cp, '-o', out, '-f', 'ndjson', ...more]);

  beforeAll(async () => {
    port = await closedPort();
  });
  beforeEach(() => {
    tmp = scratchDir('checkpoints');
    out = tmp.path('out.ndjson');
    cp = tmp.path('scan.checkpoint');
    const r = runCli(
      ['127.0.0.1', '-p', `${port - 20}-${port + 19}`, '-m', 'connect', '--full', '-q'].concat([
        '-f',
        'ndjson',
        '-o',
        out,
        '--checkpoint',
        cp,
      ]),
    );
    expect(r.status).toBe(0);
    edit({ position: '0', outputBytes: 0 }); // as if killed at once: the resume scans it all again
  });
  afterEach(() => tmp.remove());

  it('an edited checkpoint naming another output file is refused; that file is untouched', () => {
    const victim = tmp.path('victim');
    writeFileSync(victim, 'precious\nlines\n');
    edit({ output: victim });
    const r = resume();
    expect(r.stderr).toMatch(/output is '.*victim': resume with -o naming it/);
    expect(r.status).toBe(2);
    expect(readFileSync(victim, 'utf8')).toBe('precious\nlines\n');
  });

  it('--resume CP --rate 20 applies the rate and says so', () => {
    const before = statSync(out).size;
    const r = resume('--rate', '20');
    expect(r.stderr).toMatch(/resuming with --rate 20/);
    // 40 probes at 20 a second take about 2 s (a lower bound: a busy machine only makes it slower).
    expect(Number(/40 probed \(40 planned\) in ([\d.]+) s/.exec(r.stderr)?.[1])).toBeGreaterThanOrEqual(1.5);
    expect(r.status).toBe(0);
    expect(statSync(out).size).toBe(before); // every result was there: none written twice
  });

  it('other options and targets given with --resume are refused, naming them', () => {
    expect(resume('-p', '80').stderr).toMatch(/option '-p' cannot be given with --resume/);
    expect(resume('--full').stderr).toMatch(/option '--full' cannot be given with --resume/);
    expect(resume('127.0.0.2').stderr).toMatch(/targets cannot be given with --resume/);
    expect(resume('-p', '80').status).toBe(2);
  });

  it('a position beyond the plan is refused', () => {
    edit({ position: '1000' });
    const r = resume();
    expect(r.stderr).toMatch(/bad or unknown field 'position'/);
    expect(r.status).toBe(2);
  });

  it.each([-100, 1e30, 1.5, '12'])('outputBytes %p is refused', (bytes) => {
    edit({ outputBytes: bytes });
    const r = resume();
    expect(r.stderr).toMatch(/outputBytes/);
    expect(r.status).toBe(2);
  });

  it.each(['\x1b]0;pwned\x07\x1b[2J', 'yaml'])('a format that portscan does not write (%p) is refused', (format) => {
    edit({ format });
    const r = resume('-q');
    expect(r.stderr).toMatch(/bad or unknown field 'format'/);
    // eslint-disable-next-line no-control-regex
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(r.status).toBe(2);
  });

  it.each([['scan-me.invalid'], ['127.0.0.1/8'], ['127.0.0.1', '::1-127.0.0.2']])(
    'plan.targets other than addresses and address ranges (%p) are refused, never resolved',
    (...targets) => {
      edit({ plan: { ...(read().plan as Json), targets } });
      const r = resume('-q'); // (runCli fails the test on any DNS lookup)
      expect(r.stderr).toMatch(/bad or unknown field 'plan\.targets'/);
      expect(r.status).toBe(2);
    },
  );

  it('outputBytes beyond the output file is refused', () => {
    edit({ outputBytes: statSync(out).size + 1 });
    expect(resume().stderr).toMatch(/bytes of output/);
  });

  it('unknown keys and a changed plan are refused', () => {
    edit({ argv: ['127.0.0.1'] });
    expect(resume().stderr).toMatch(/unknown field 'argv'/);
    edit({ argv: undefined, plan: { ...(read().plan as Json), ports: String(port) } });
    const r = resume();
    expect(r.stderr).toMatch(/checkpoint does not match this scan/);
    expect(r.status).toBe(2);
  });

  // root-safety #8 (follow-up): a resume reads only the output past the checkpoint, in chunks, up
  // to a cap, and only from a regular file reached without a symbolic link (the output directory
  // may be shared): a fifo, a device or a link planted at the output path is refused, unread.
  it('a fifo at the output path is refused at once, never read', () => {
    rmSync(out);
    execFileSync('mkfifo', [out]);
    const r = resume('-q');
    expect(r.signal).toBeNull();
    expect(r.stderr).toMatch(/out\.ndjson': not a regular file/);
    expect(r.status).toBe(2);
  });

  it('a symbolic link at the output path is refused; the file it names is untouched', () => {
    const victim = tmp.path('victim');
    writeFileSync(victim, 'precious\nno newline at the end');
    rmSync(out);
    symlinkSync(victim, out);
    const r = resume('-q');
    expect(r.stderr).toMatch(/out\.ndjson' is a symbolic link/);
    expect(r.status).toBe(2);
    expect(readFileSync(victim, 'utf8')).toBe('precious\nno newline at the end');
  });

  it('more than the cap past the checkpoint is refused before it is read (sparse)', () => {
    truncateSync(out, MAX_INPUT_BYTES + 1);
    const r = resume('-q');
    expect(r.stderr).toMatch(new RegExp(`out\\.ndjson' holds ${MAX_INPUT_BYTES + 1} bytes past the checkpoint`));
    expect(r.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
    expect(r.status).toBe(2);
    expect(statSync(out).size).toBe(MAX_INPUT_BYTES + 1);
  });
});
