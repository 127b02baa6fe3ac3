// SPDX-License-Identifier: MIT
// nft.ts: the nftables rulesets of the bench range's target side, generated from data: the
// pattern's drop and reset rules (truth.ts holds the pattern, so what the range does and what the
// truth says cannot drift apart), a counter of every SYN that arrives, and the random drop that
// injects packet loss.
import { PATTERN, type Pattern } from './truth';

/** Counts every SYN (without ACK) that reaches the target side, before any loss is injected. */
const COUNT_RULES =
  'table ip psb_count {\n  counter syns { }\n  chain pre {\n' +
  '    type filter hook prerouting priority -400; policy accept;\n' +
  '    tcp flags & (syn | ack) == syn counter name "syns"\n  }\n}\n';

/** The nftables ruleset of the target side: the pattern's drop and reset rules, and the SYN counter. */
export function patternRules(p: Pattern = PATTERN): string {
  const dotted = (x: number): string => `0.0.${(x >> 8) & 255}.${x & 255}`;
  const lines = p.rules.map((r) => {
    const ports = r.ports[0] === r.ports[1] ? `${r.ports[0]}` : `${r.ports[0]}-${r.ports[1]}`;
    const hosts = r.mask === 0 ? '' : ` ip daddr & ${dotted(r.mask)} ${r.negate ? '!=' : '=='} ${dotted(r.value)}`;
    const verdict = r.action === 'drop' ? 'drop' : 'reject with tcp reset';
    return `    ip daddr ${p.network}${hosts} tcp dport ${ports} ${verdict}`;
  });
  const chain = '  chain input {\n    type filter hook input priority 0; policy accept;\n';
  return `table ip psb_pattern {\n${chain}${lines.join('\n')}\n  }\n}\n${COUNT_RULES}`;
}

/** The counter patternRules() sets up, as `nft list counter` takes it. */
export const SYN_COUNTER = ['ip', 'psb_count', 'syns'];

/** Drops `lossPct` % of TCP and ICMP packets at random, both ways, in the target namespace. */
export function lossRules(lossPct: number): string {
  const drop = `meta l4proto { tcp, icmp } numgen random mod 10000 < ${Math.round(lossPct * 100)} drop`;
  return (
    'table inet psb_shape {\n' +
    `  chain in { type filter hook prerouting priority -300; policy accept; ${drop}; }\n` +
    `  chain out { type filter hook output priority -300; policy accept; ${drop}; }\n}\n`
  );
}

/** The table lossRules() makes, to delete it. */
export const LOSS_TABLE = ['inet', 'psb_shape'];
