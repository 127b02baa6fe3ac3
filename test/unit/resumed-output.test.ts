// SPDX-License-Identifier: MIT
// resumed-output.test.ts: prepareResumedOutput reads the output of a resumed scan in chunks from
// the checkpoint's offset on: the keys of every line past it (lines cut across chunk boundaries
// included, multi-byte text too), none before it, and the half-written last line cut off.
import { readFileSync, statSync, writeFileSync } from 'node:fs';

import { prepareResumedOutput } from '../../lib/cli/checkpoint';
import { scratchDir } from '../hostile/root';

describe('prepareResumedOutput', () => {
  let tmp: ReturnType<typeof scratchDir>;
  beforeEach(() => (tmp = scratchDir('resumed-output')));
  afterEach(() => tmp.remove());

  /** NDJSON lines of varied lengths (and a multi-byte service name), far more than one 64 KiB chunk. */
  function lines(n: number): string[] {
    return Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        ip: `198.18.${i >> 8}.${i & 255}`,
        port: 1 + (i % 65535),
        state: 'open',
        service: 'é'.repeat(i % 7),
      }),
    );
  }

  it.each([0, 1, 2000, 7999])('ndjson: the keys of the lines past line %i, the half line cut', (first) => {
    const all = lines(8000);
    const head = all
      .slice(0, first)
      .map((l) => `${l}\n`)
      .join('');
    const body = `${head}${all
      .slice(first)
      .map((l) => `${l}\n`)
      .join('')}`;
    const path = tmp.path('out.ndjson');
    writeFileSync(path, `${body}{"ip":"198.18.255.1","po`);
    const seen = prepareResumedOutput(path, Buffer.byteLength(head), 'ndjson');
    const want = all.slice(first).map((l) => {
      const o = JSON.parse(l) as { ip: string; port: number };
      return `${o.ip} ${o.port}`;
    });
    expect([...seen].sort()).toEqual(want.sort());
    expect(readFileSync(path, 'utf8')).toBe(body);
  });

  it('csv: the header and lines before the checkpoint are not keys; a file ending in a newline is kept', () => {
    const path = tmp.path('out.csv');
    const head = 'ip,port,state\n198.18.0.1,22,open\n';
    writeFileSync(path, `${head}198.18.0.2,80,open\n198.18.0.3,443,closed\n`);
    const size = statSync(path).size;
    expect([...prepareResumedOutput(path, Buffer.byteLength(head), 'csv')]).toEqual([
      '198.18.0.2 80',
      '198.18.0.3 443',
    ]);
    expect(statSync(path).size).toBe(size);
  });

  it('a file of one half line is cut to nothing; no file at all is nothing to skip', () => {
    const path = tmp.path('out.list');
    writeFileSync(path, '198.18.0.1 2');
    expect(prepareResumedOutput(path, 0, 'list').size).toBe(0);
    expect(statSync(path).size).toBe(0);
    expect(prepareResumedOutput(tmp.path('none'), 0, 'list').size).toBe(0);
    expect(() => prepareResumedOutput(tmp.path('none'), 10, 'list')).toThrow(/says 10 bytes of output/);
  });
});
