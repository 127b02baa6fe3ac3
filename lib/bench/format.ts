// SPDX-License-Identifier: MIT
// format.ts: how the bench report writes its numbers and rows, the same in the terminal and on the
// page: rates with thousands separators, recall rounded down (1 only when every open port was
// found), a plain text table, one step as a row, and HTML escaping.
import type { StepResult } from './step';

export const fmtRate = (x: number): string => Math.round(x).toLocaleString('en-US');
/** Recall, rounded down: 1 only when every open port was found. */
export const fmtRecall = (x: number): string => (x >= 1 ? '1' : (Math.floor(x * 1e5 + 1e-6) / 1e5).toFixed(5));
export const fmtNum = (x: number | null, digits: number): string => (x === null ? '-' : x.toFixed(digits));

export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A plain text table; columns in `right` are right-aligned. */
export function textTable(header: string[], rows: string[][], right: number[]): string {
  const width = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((x, c) => (right.includes(c) ? x.padStart(width[c] ?? 0) : x.padEnd(width[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(width.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function stepRow(s: StepResult): string[] {
  const shaping = s.phase === 'sweep' ? '' : s.phase === 'loss' ? `loss ${s.lossPct}%` : `delay ${s.delayMs} ms`;
  if (s.skipped) return [s.mode, s.scanner, fmtRate(s.rate), '', shaping, 'skipped', '', '', '', '', '', s.skipped];
  return [
    s.mode,
    s.scanner,
    fmtRate(s.rate),
    fmtRate(s.achievedPps),
    shaping,
    fmtRecall(s.recall),
    `${s.foundOpen}/${s.expectedOpen}`,
    String(s.falseOpen),
    s.wallS.toFixed(2),
    fmtNum(s.cpuUsPerProbe, 2),
    fmtNum(s.cpuUsPerAnswered, 2),
    s.error ?? (s.exact ? 'exact' : s.falseOpen ? 'false opens' : 'lost ports'),
  ];
}

export const STEP_HEADER = [
  'mode',
  'scanner',
  'asked/s',
  'achieved/s',
  'shaping',
  'recall',
  'found/open',
  'false',
  'wall s',
  'CPU us/probe',
  'CPU us/answered',
  'result',
];

/** The loss percentages the steps were measured at, in order. */
export function lossesOf(steps: StepResult[]): number[] {
  return [...new Set(steps.filter((s) => s.phase === 'loss').map((s) => s.lossPct))].sort((a, b) => a - b);
}

/** Recall at `lossPct` in a summary's lossRecall, or '-'. */
export function lossCell(lossRecall: Record<string, number>, lossPct: number): string {
  const r = lossRecall[String(lossPct)];
  return r === undefined ? '-' : fmtRecall(r);
}
