// SPDX-License-Identifier: MIT
// shaping.ts: what the bench range does to packets on their way: loss, with an nftables random drop
// in the target namespace, each way (always available); delay, with tc netem on both veth ends
// (where the kernel has it; this one may not, and then delay is reported unavailable); and a link
// rate cap, with tc tbf. Setting a shaping first removes what was in force.
import { LOSS_TABLE, lossRules } from './nft';

export interface Shaping {
  /** Share of packets dropped each way, percent. */
  lossPct?: number;
  /** One-way delay added on each side, ms (needs netem). */
  delayMs?: number;
  /** Link rate cap for tc tbf, e.g. "100mbit". */
  linkRate?: string;
}

/** Per asked-for item: null when it was applied, or why it is unavailable here. */
export interface ShapingResult {
  loss: string | null;
  delay: string | null;
  rate: string | null;
}

/** Runs a command, in namespace `ns` when given (the range's runner). */
export type Sh = (
  args: string[],
  opts?: { ns?: string; input?: string; check?: boolean },
) => { status: number | null; stdout: string; stderr: string };

/** One end of the veth pair: its namespace and device. */
export interface Side {
  ns: string;
  dev: string;
}

/** The first line of a failed command's stderr. */
const firstLine = (stderr: string): string => stderr.trim().split('\n')[0] ?? '';

function clear(sh: Sh, sides: Side[], tgtNs: string): void {
  sh(['nft', 'delete', 'table', ...LOSS_TABLE], { ns: tgtNs, check: false });
  for (const { ns, dev } of sides) sh(['tc', 'qdisc', 'del', 'dev', dev, 'root'], { ns, check: false });
}

/** Adds delay or a rate cap on every side; says why not when tc cannot. */
function addQdiscs(sh: Sh, sides: Side[], s: Shaping, res: ShapingResult): void {
  for (const { ns, dev } of sides) {
    if (s.delayMs) {
      const netem = ['netem', 'limit', '100000', 'delay', `${s.delayMs}ms`];
      const r = sh(['tc', 'qdisc', 'add', 'dev', dev, 'root', ...netem], { ns, check: false });
      if (r.status !== 0) res.delay = `unavailable: this kernel has no netem qdisc (${firstLine(r.stderr)})`;
    }
    if (s.linkRate) {
      const tbf = ['tbf', 'rate', s.linkRate, 'burst', '64kb', 'latency', '50ms'];
      const r = sh(['tc', 'qdisc', 'add', 'dev', dev, 'root', ...tbf], { ns, check: false });
      if (r.status !== 0) res.rate = `unavailable: tc tbf failed (${firstLine(r.stderr)})`;
    }
  }
}

/**
 * Sets the shaping `s` on the range (`sides` are the veth ends, `tgtNs` the target namespace),
 * replacing what was in force. Returns what could not be applied and the shaping in force, in words.
 */
export function applyShaping(
  sh: Sh,
  sides: Side[],
  tgtNs: string,
  s: Shaping,
): { res: ShapingResult; words: string[] } {
  const res: ShapingResult = { loss: null, delay: null, rate: null };
  const words: string[] = [];
  clear(sh, sides, tgtNs);
  const loss = s.lossPct ?? 0;
  if (loss > 0) {
    if (!(loss < 100)) throw new Error(`bench: loss must be below 100%, got ${loss}`);
    // Both directions, in the target namespace: what arrives from the scanner, and what leaves.
    sh(['nft', '-f', '-'], { ns: tgtNs, input: lossRules(loss) });
    words.push(`loss ${loss}% each way`);
  }
  if (s.delayMs && s.linkRate) throw new Error('bench: delay and a link rate cannot be combined');
  addQdiscs(sh, sides, s, res);
  if (s.delayMs) {
    if (res.delay)
      for (const { ns, dev } of sides) sh(['tc', 'qdisc', 'del', 'dev', dev, 'root'], { ns, check: false });
    else words.push(`delay ${s.delayMs} ms each way`);
  }
  if (s.linkRate && !res.rate) words.push(`rate ${s.linkRate}`);
  return { res, words };
}
