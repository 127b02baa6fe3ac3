// SPDX-License-Identifier: MIT
// full-disk.test.ts (root-safety #10): a disk that fills up under the checkpoint or the output
// ends the scan cleanly: exit 1, one line saying why, no stack trace, no uncaught N-API callback
// exception (DEP0168), no temporary left behind; the output ends on a whole record and a JSON
// output is a closed array; with several outputs on the full disk, each ends whole and closed.
// The full disk is a small tmpfs this test mounts (root), filled up. Scans are of 127.0.0.1 only.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

import { runCli } from '../helpers/cli';
import { describeRoot, scratchDir } from './root';

/** Fills the filesystem holding `dir` (a tmpfs) to the last byte. */
function fill(dir: string): void {
  const block = Buffer.alloc(4096, 0x61);
  for (let i = 0; ; i++) {
    try {
      writeFileSync(`${dir}/fill-${i}`, block);
    } catch {
      return;
    }
  }
}

function clean(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(stderr).not.toMatch(/DEP0168|Uncaught|uncaught/);
  expect(stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
}

describeRoot('hostile files: a full disk', () => {
  let tmp: ReturnType<typeof scratchDir>;
  let mnt: string;
  beforeEach(() => {
    tmp = scratchDir('fulldisk');
    mnt = tmp.path('mnt');
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]);
  });
  afterEach(() => {
    execFileSync('umount', [mnt]);
    tmp.remove();
  });

  it.each(['connect', 'syn'])('under the checkpoint (%s mode): exit 1, one clear line, no .tmp left', (mode) => {
    fill(mnt);
    rmSync(`${mnt}/fill-0`); // room for the first checkpoint only: a later one finds the disk full
    const before = readdirSync(mnt).sort();
    const args = ['127.0.0.1', '-p', '1-3000', '--rate', '1000', '-m', mode, '-q', '-f', 'list'];
    const r = runCli([...args, '-o', tmp.path('out.list'), '--checkpoint', `${mnt}/cp`]);
    clean(r.stderr);
    expect(r.stderr).toMatch(/cannot write checkpoint .*\/cp.*ENOSPC/);
    expect(r.status).toBe(1);
    expect(readdirSync(mnt).sort()).toEqual([...before, 'cp'].sort());
    expect(JSON.parse(readFileSync(`${mnt}/cp`, 'utf8'))).toHaveProperty('position'); // the last good one
  });

  it.each(['ndjson', 'csv', 'list'])('under -o as %s: the output ends on a whole record', (format) => {
    const out = `${mnt}/out`;
    const r = runCli(['127.0.0.1', '-p', '1-65535', '--full', '-m', 'connect', '-q', '-f', format, '-o', out]);
    clean(r.stderr);
    expect(r.stderr).toMatch(/cannot write output file .*ENOSPC/);
    expect(r.status).toBe(1);
    const text = readFileSync(out, 'utf8');
    expect(text.length).toBeGreaterThan(1000);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    const last = lines.at(-1) ?? '';
    if (format === 'ndjson') expect(JSON.parse(last)).toHaveProperty('port');
    else
      expect(last.split(format === 'csv' ? ',' : ' ').length).toBe(
        (lines[1] ?? '').split(format === 'csv' ? ',' : ' ').length,
      );
  });

  it('under -o as json: a closed array', () => {
    const out = `${mnt}/out.json`;
    const r = runCli(['127.0.0.1', '-p', '1-65535', '--full', '-m', 'connect', '-q', '-f', 'json', '-o', out]);
    clean(r.stderr);
    expect(r.stderr).toMatch(/cannot write output file .*ENOSPC/);
    expect(r.status).toBe(1);
    const records = JSON.parse(readFileSync(out, 'utf8')) as unknown[];
    expect(records.length).toBeGreaterThan(10);
  });

  it('several outputs on it (masscan JSON and list, nmap XML): each ends whole and closed', () => {
    const args = ['127.0.0.1', '-p', '1-65535', '--full', '-m', 'connect', '-q', '-f', 'masscan-json'];
    const r = runCli([
      ...args,
      '-o',
      `${mnt}/out.json`,
      '--output-list',
      `${mnt}/out.list`,
      '--output-xml',
      `${mnt}/out.xml`,
    ]);
    clean(r.stderr);
    expect(r.stderr).toMatch(/cannot write output file .*ENOSPC/);
    expect(r.status).toBe(1);
    expect((JSON.parse(readFileSync(`${mnt}/out.json`, 'utf8')) as unknown[]).length).toBeGreaterThan(10);
    const list = readFileSync(`${mnt}/out.list`, 'utf8');
    expect(list.startsWith('#masscan\n')).toBe(true);
    expect(list.endsWith('\n# end\n')).toBe(true);
    const xml = readFileSync(`${mnt}/out.xml`, 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(xml.endsWith('</runstats>\n</nmaprun>\n')).toBe(true);
    const lint = spawnSync('sh', ['-c', 'command -v xmllint']).status === 0;
    if (lint) expect(spawnSync('xmllint', ['--noout', `${mnt}/out.xml`], { encoding: 'utf8' }).stderr).toBe('');
  });
});
