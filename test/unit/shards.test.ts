// SPDX-License-Identifier: MIT
// shards.test.ts: the shard arithmetic and the Kubernetes mapping. N shards cover a plan's
// positions exactly once, for plans that do and do not divide evenly; the Indexed Job manifest
// maps completion index i to --shard i+1/N with N equal to its completions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { shardRange } from '../../lib/plan/plan';

describe('shardRange', () => {
  it.each([
    [10n, 3],
    [327680n, 4],
    [1n, 3],
    [4294901760n, 7],
  ])('%s probes in %i shards: disjoint and complete', (total, n) => {
    let next = 0n;
    for (let k = 1; k <= n; k++) {
      const { start, end } = shardRange(total, k, n);
      expect(start).toBe(next);
      expect(end).toBeGreaterThanOrEqual(start);
      next = end;
    }
    expect(next).toBe(total);
  });
});

describe('deploy/portscan-shards.yaml', () => {
  const text = readFileSync(join(__dirname, '..', '..', 'deploy', 'portscan-shards.yaml'), 'utf8');
  it('is an Indexed Job whose completions equal SHARDS and parallelism', () => {
    expect(text).toMatch(/completionMode: Indexed/);
    const completions = /completions: (\d+)/.exec(text)?.[1];
    const parallelism = /parallelism: (\d+)/.exec(text)?.[1];
    const shards = /name: SHARDS\s+value: "(\d+)"/.exec(text)?.[1];
    expect(completions).toBeDefined();
    expect(shards).toBe(completions);
    expect(parallelism).toBe(completions);
  });
  it('maps JOB_COMPLETION_INDEX i to --shard i+1/N with one seed for all', () => {
    expect(text).toMatch(/K=\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)/);
    // SYN mode: every pod the same --seed (connect mode's order is fixed and refuses one).
    expect(text).toMatch(/if \[ "\$MODE" = syn \]; then set -- --seed "\$SEED"; else set --; fi/);
    expect(text).toMatch(/"\$@" --shard "\$K\/\$SHARDS"/);
  });
});
