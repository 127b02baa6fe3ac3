// SPDX-License-Identifier: MIT
// records.bench.ts: the two sides of the native boundary in JS. TargetPacker.push packing a
// chunk of 4096 probes (the scanner's largest submit), and ResultBatch reading every field of
// 4096 result records built in memory (the engine's largest batch). Each is compared with a
// plain DataView loop over the same layout that uses numbers instead of bigint addresses.
// Baseline recorded on: AMD EPYC (2 cores, shared VM), Linux 6.18, Node v20.20.2.
import { constants } from 'node:os';

import { parseAddress, V4_BASE } from '../../lib/plan/ip';
import { Kind, RESULT, ResultBatch, TARGET, TargetPacker } from '../../lib/native/records';
import { BenchSuite, runIfMain, sink } from '../lib/harness';

const N = 4096;
const E = constants.errno;

const v4Base = parseAddress('198.18.0.0') as bigint;
const v6Base = parseAddress('2001:2::') as bigint;
const v4Addrs: bigint[] = [];
const v6Addrs: bigint[] = [];
const v4Numbers = new Uint32Array(N);
const portsOf = new Uint16Array(N);
for (let i = 0; i < N; i++) {
  v4Addrs.push(v4Base + BigInt(i >> 4));
  v6Addrs.push(v6Base + BigInt(i >> 4));
  v4Numbers[i] = Number(v4Base - V4_BASE) + (i >> 4);
  portsOf[i] = 1 + (i & 15) * 4000;
}

const packer = new TargetPacker(N);
const refTargets = new Uint8Array(N * TARGET.size);
const refTargetView = new DataView(refTargets.buffer);

/** 4096 results: mostly refused, some open, some timed out, a few errors; either family. */
function buildRecords(family: 4 | 6): Uint8Array {
  const bytes = new Uint8Array(N * RESULT.size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < N; i++) {
    const o = i * RESULT.size;
    if (family === 4) view.setUint32(o + RESULT.addr_n, v4Numbers[i] as number, false);
    else {
      const a = v6Addrs[i] as bigint;
      view.setBigUint64(o + RESULT.addr_n, a >> 64n, false);
      view.setBigUint64(o + RESULT.addr_n + 8, a & 0xffffffffffffffffn, false);
    }
    const r = i % 100;
    const kind = r < 90 ? Kind.Refused : r < 93 ? Kind.Connected : r < 98 ? Kind.Timeout : Kind.Error;
    view.setUint16(o + RESULT.port_h, portsOf[i] as number, true);
    view.setUint8(o + RESULT.family, family);
    view.setUint8(o + RESULT.kind, kind);
    const err = kind === Kind.Refused ? E.ECONNREFUSED : kind === Kind.Error ? E.EHOSTUNREACH : 0;
    view.setInt32(o + RESULT.err, err, true);
    view.setUint32(o + RESULT.rtt_us, 100 + (i % 900), true);
    view.setUint8(o + RESULT.attempt, kind === Kind.Timeout ? i % 3 : 0);
  }
  return bytes;
}
const v4Records = buildRecords(4);
const v6Records = buildRecords(6);

function packAll(addrs: bigint[]): void {
  packer.reset();
  for (let i = 0; i < N; i++) packer.push(addrs[i] as bigint, portsOf[i] as number, 0, 1000);
  sink.value = packer.bytes;
}

function decodeAll(bytes: Uint8Array): void {
  const batch = new ResultBatch(bytes, N);
  let acc = 0;
  let last = 0n;
  for (let i = 0; i < batch.count; i++) {
    last = batch.address(i);
    acc += batch.port(i) + batch.family(i) + batch.kind(i) + batch.err(i) + batch.rttUs(i) + batch.attempt(i);
  }
  sink.n += acc;
  sink.value = last;
}

const REF_PACK = 'plain loop: DataView pack, number addresses';
const REF_DECODE = 'plain loop: DataView decode, number addresses';

export const bench = new BenchSuite('records')
  .reference(
    REF_PACK,
    () => {
      for (let i = 0; i < N; i++) {
        const o = i * TARGET.size;
        refTargets.fill(0, o, o + 16);
        refTargetView.setUint32(o + TARGET.addr_n, v4Numbers[i] as number, false);
        refTargetView.setUint16(o + TARGET.port_h, portsOf[i] as number, true);
        refTargetView.setUint8(o + TARGET.family, 4);
        refTargetView.setUint8(o + TARGET.attempt, 0);
        refTargetView.setUint32(o + TARGET.timeout_ms, 1000, true);
      }
      sink.value = refTargets;
    },
    { perOp: N, unit: 'targets' },
  )
  .add(`TargetPacker.push x ${N}, IPv4`, () => packAll(v4Addrs), { perOp: N, unit: 'targets', ref: REF_PACK })
  .add(`TargetPacker.push x ${N}, IPv6`, () => packAll(v6Addrs), { perOp: N, unit: 'targets', ref: REF_PACK })
  .reference(
    REF_DECODE,
    () => {
      const view = new DataView(v4Records.buffer, v4Records.byteOffset, v4Records.byteLength);
      let acc = 0;
      let last = 0;
      for (let i = 0; i < N; i++) {
        const o = i * RESULT.size;
        last = view.getUint32(o + RESULT.addr_n, false);
        acc +=
          view.getUint16(o + RESULT.port_h, true) +
          view.getUint8(o + RESULT.family) +
          view.getUint8(o + RESULT.kind) +
          view.getInt32(o + RESULT.err, true) +
          view.getUint32(o + RESULT.rtt_us, true) +
          view.getUint8(o + RESULT.attempt);
      }
      sink.n += acc;
      sink.value = last;
    },
    { perOp: N, unit: 'records' },
  )
  .add(`ResultBatch decode x ${N}, IPv4 (every field)`, () => decodeAll(v4Records), {
    perOp: N,
    unit: 'records',
    ref: REF_DECODE,
  })
  .add(`ResultBatch decode x ${N}, IPv6 (every field)`, () => decodeAll(v6Records), {
    perOp: N,
    unit: 'records',
    ref: REF_DECODE,
  })
  .note('records: 90% refused, 3% connected, 5% timeout, 2% error; 16 ports per address');

runIfMain(module, bench);
