// SPDX-License-Identifier: MIT
// parse.bench.ts: the parsers that run before a scan: parsePortList on every port and on the
// seed's lists, parseTargets on a large mixed target string and on nmap octet ranges (each
// followed by the RangeList merge a plan does). Pure string work, no traffic: the target text
// holds numeric addresses only, so no hostname is ever looked up.
// Baseline recorded on: AMD EPYC (2 cores, shared VM), Linux 6.18, Node v20.20.2.
import { parsePortList, STANDARD_PORTS } from '../../lib/plan/port-list';
import { parseTargets } from '../../lib/plan/targets';
import { BenchSuite, runIfMain, sink } from '../lib/harness';

const SEED_STANDARD = STANDARD_PORTS.join(', ');
const SEED_EXAMPLE = '21, 22, 25, 80-88, 1000-1024, 6666';

/** About 2000 tokens of every numeric form, separated by spaces and commas. */
function mixedTargets(): string {
  const parts: string[] = [];
  for (let i = 0; i < 250; i++) {
    const a = i & 255;
    const b = (i * 7) & 255;
    parts.push(`198.18.${a}.${b}`);
    parts.push(`198.19.${a}.1-198.19.${a}.${10 + (i % 200)}`);
    parts.push(`198.18.${(a + 64) & 255}.0/${24 + (i % 8)}`);
    parts.push(`198.18.${a}-${Math.min(255, a + 2)}.1-20`);
    parts.push(`2001:2::${(i * 13).toString(16)}`);
    parts.push(`2001:2::${(0x1000 + i).toString(16)}-2001:2::${(0x1000 + i + 40).toString(16)}`);
    parts.push(`2001:2:0:${i.toString(16)}::/120`);
    parts.push(`::ffff:198.18.${a}.${b}`);
  }
  return parts.map((p, i) => (i === 0 ? p : i % 3 === 0 ? `, ${p}` : ` ${p}`)).join('');
}
const MIXED = mixedTargets();
const MIXED_TOKENS = MIXED.split(/[\s,]+/).length;
const REF_TOKENS = `plain loop: split + Number over the mixed string (${MIXED_TOKENS} tokens)`;

/** A plain loop: split on commas and dashes, Number() each bound, mark the ports seen. */
function referencePorts(text: string): number {
  const seen = new Uint8Array(65536);
  let n = 0;
  for (const item of text.split(',')) {
    const dash = item.indexOf('-');
    const lo = Number(dash < 0 ? item : item.slice(0, dash));
    const hi = dash < 0 ? lo : Number(item.slice(dash + 1));
    for (let p = lo; p <= hi; p++) n += seen[p] ? 0 : (seen[p] = 1);
  }
  return n;
}

/** A plain loop over the mixed string: split tokens, split dotted quads, Number() each octet. */
function referenceTokens(text: string): number {
  let acc = 0;
  for (const token of text.split(/[\s,]+/)) {
    for (const part of token.split('.')) acc = (acc + Number(part)) | 0;
  }
  return acc;
}

/** A plain loop: 256 bigint intervals made, then sorted, as an octet pattern of 256 yields. */
function referenceIntervals(): number {
  const out: { start: bigint; end: bigint }[] = [];
  for (let i = 255; i >= 0; i--) {
    const start = 0xffffc6120000n + BigInt(i * 256 + 1);
    out.push({ start, end: start + 253n });
  }
  out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return out.length;
}
const REF_INTERVALS = 'plain loop: 256 bigint intervals made and sorted';

export const bench = new BenchSuite('parse')
  .reference('plain loop: split + Number over "1-65535"', () => {
    sink.n += referencePorts('1-65535');
  })
  .add('parsePortList("1-65535")', () => {
    sink.value = parsePortList('1-65535');
  })
  .add('parsePortList(seed Standard list, 32 ports)', () => {
    sink.value = parsePortList(SEED_STANDARD);
  })
  .add(`parsePortList("${SEED_EXAMPLE}")`, () => {
    sink.value = parsePortList(SEED_EXAMPLE);
  })
  .reference(REF_TOKENS, () => {
    sink.n += referenceTokens(MIXED);
  })
  .add(
    `parseTargets(mixed, ${MIXED_TOKENS} tokens) + merge`,
    () => {
      const spec = parseTargets(MIXED);
      sink.value = spec.ranges.count();
    },
    { ref: REF_TOKENS, perOp: MIXED_TOKENS, unit: 'tokens' },
  )
  .reference(REF_INTERVALS, () => {
    sink.n += referenceIntervals();
  })
  .add(
    'parseTargets("198.18.0-255.1-254") + merge (256 intervals)',
    () => {
      sink.value = parseTargets('198.18.0-255.1-254').ranges.count();
    },
    { ref: REF_INTERVALS },
  )
  .add(
    'parseTargets("198.18-19.0-127.1-10") + merge (256 intervals)',
    () => {
      sink.value = parseTargets('198.18-19.0-127.1-10').ranges.count();
    },
    { ref: REF_INTERVALS },
  )
  .add(
    'parseTargets("198.18.*.*") + merge (1 interval)',
    () => {
      sink.value = parseTargets('198.18.*.*').ranges.count();
    },
    { ref: REF_INTERVALS },
  );

{
  const spec = parseTargets(MIXED);
  bench.note(
    `mixed target string: ${MIXED.length} chars, ${MIXED_TOKENS} tokens -> ` +
      `${spec.ranges.intervals().length} intervals, ${spec.ranges.count()} addresses`,
  );
  bench.note(`seed Standard list: "${SEED_STANDARD.slice(0, 40)}..." -> ${parsePortList(SEED_STANDARD).length} ports`);
}

runIfMain(module, bench);
