// SPDX-License-Identifier: MIT
// text.ts: the bench report for the terminal (the machine, the workloads, every step as a table
// row, a summary line per scanner and mode, portscan's ratios to each peer, recall under loss) and
// as JSON (the report as it is, plus its summary and the ratios).
import { fmtNum, fmtRate, lossCell, lossesOf, STEP_HEADER, stepRow, textTable } from './format';
import { peerRatios, summarise, type BenchReport, type PeerRatio, type SummaryRow } from './report';

function summaryLine(r: SummaryRow): string {
  const highest = r.maxExactAsked === r.highestAsked ? ', the highest tried' : '';
  const exact =
    r.maxExactAsked === null
      ? 'no rate tried was exact'
      : `exact up to ${fmtRate(r.maxExactAchieved ?? 0)} probes/s achieved ` +
        `(asked ${fmtRate(r.maxExactAsked)}/s${highest})`;
  const loss = r.firstLossAsked === null ? '' : `; not exact at ${fmtRate(r.firstLossAsked)}/s asked`;
  const cpu =
    r.cpuUsPerProbe === null
      ? ''
      : `; CPU ${fmtNum(r.cpuUsPerProbe, 2)} us/probe, ${fmtNum(r.cpuUsPerAnswered, 2)} us/answered probe (medians)`;
  return `${r.mode} ${r.scanner}: ${exact}${loss}; top speed ${fmtRate(r.topAchieved ?? 0)} probes/s${cpu}`;
}

const ratioLine = (r: PeerRatio): string =>
  `${r.mode} portscan/${r.peer}: top speed ${fmtNum(r.topSpeed, 2)}x, CPU per probe ${fmtNum(r.cpuPerProbe, 2)}x`;

/** The recall-under-loss table, with the line before it (none when no loss was injected). */
function lossTable(rep: BenchReport, sum: SummaryRow[]): string[] {
  const losses = lossesOf(rep.steps);
  const rows = sum
    .filter((r) => Object.keys(r.lossRecall).length)
    .map((r) => [r.mode, r.scanner, ...losses.map((l) => lossCell(r.lossRecall, l))]);
  if (!rows.length) return [];
  const header = ['mode', 'scanner', ...losses.map((l) => `${l}% loss`)];
  return [
    '',
    `recall under loss (at the loss phase's rate, default retries):`,
    textTable(
      header,
      rows,
      losses.map((_, i) => i + 2),
    ),
  ];
}

/** The terminal report. */
export function renderText(rep: BenchReport): string {
  const m = rep.machine;
  const rows = rep.steps.filter((s) => s.phase !== 'loss' || s.lossPct !== 0).map(stepRow);
  const sum = summarise(rep.steps);
  return [
    `portscan bench, ${rep.date} (${rep.durationS.toFixed(0)} s): ${m.cpu}, ${m.cores} cores, ` +
      `Linux ${m.kernel}, Node ${m.node}, load ${m.load.toFixed(2)} at start`,
    ...rep.workloads.map(
      (w) =>
        `  ${w.mode}: ${w.hosts} x ports ${w.ports} = ${fmtRate(w.probes)} probes ` +
        `(${w.open} open, ${w.closed} closed, ${w.filtered} silent)`,
    ),
    '',
    textTable(STEP_HEADER, rows, [2, 3, 5, 6, 7, 8, 9, 10]),
    '',
    ...sum.map(summaryLine),
    ...peerRatios(sum).map(ratioLine),
    ...lossTable(rep, sum),
    ...rep.unavailable.map((u) => `not measured: ${u}`),
    ...rep.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

export function renderJson(rep: BenchReport): string {
  const summary = summarise(rep.steps);
  return `${JSON.stringify({ ...rep, summary, ratios: peerRatios(summary) }, null, 2)}\n`;
}
