// SPDX-License-Identifier: MIT
// html.ts: the bench report as one self-contained HTML page (no script, no external resource):
// the summary table, the charts (svg.ts), every step, what each column means, the machine and the
// tools' versions, the workloads and the pattern, and every command that was run.
import { esc, fmtNum, fmtRate, lossCell, lossesOf, STEP_HEADER, stepRow } from './format';
import { ran, summarise, type BenchReport } from './report';
import { renderLossSvg, renderRateSvg } from './svg';

const STYLE = [
  '<style>body{font-family:sans-serif;margin:24px;max-width:1100px;color:#222}' +
    'table{border-collapse:collapse;margin:8px 0 16px}',
  'td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:right}th{background:#f0f0f0}' +
    'td:first-child,td:nth-child(2){text-align:left}',
  'pre{background:#f6f6f6;padding:8px;font-size:12px;white-space:pre-wrap;word-break:break-all}' +
    'h2{margin-top:28px}</style></head><body>',
];

const ABOUT_RANGE =
  'Every scan ran inside a sealed pair of network namespaces (no route but to 198.18.0.0/16) against a target ' +
  'side with a known pattern of open, closed and silent ports; each result is scored against that pattern.';

const ABOUT_COLUMNS =
  'asked/s: the rate each scanner was asked for (portscan --rate, nmap --min-rate and --max-rate, masscan ' +
  '--rate, zmap -r). achieved/s: SYNs the target side received (first tries and retries; in connect mode also ' +
  "the kernel's SYN retransmits), counted by nftables, divided by the time packets were arriving (20 ms slots); " +
  "the chart's x axis. recall: open ports found / open ports there, rounded down. false: ports reported open " +
  'that are not. wall s: process start to exit (zmap: the sum of its per-port runs, each with a 1 s cooldown; ' +
  'masscan: with its 1 s wait). CPU: user + system time of the scanner process (GNU time, 10 ms resolution) ' +
  'per probe of the workload, and per answered probe (open or closed there), process start included. ' +
  'Filled dots: exact steps; open dots: steps that missed open ports, reported false ones, or failed.';

function table(header: string[], rows: string[][]): string {
  const th = header.map((h) => `<th>${esc(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table><tr>${th}</tr>${trs}</table>`;
}

function summaryTable(rep: BenchReport, losses: number[]): string {
  return table(
    [
      'mode',
      'scanner',
      'highest exact rate, achieved/s',
      '(asked/s)',
      'first asked rate not exact',
      'top speed achieved/s',
      'CPU us/probe (median)',
      'CPU us/answered probe (median)',
      ...losses.map((l) => `recall at ${l}% loss`),
    ],
    summarise(rep.steps).map((r) => [
      r.mode,
      r.scanner,
      r.maxExactAchieved === null ? 'none' : fmtRate(r.maxExactAchieved),
      r.maxExactAsked === null ? '-' : fmtRate(r.maxExactAsked),
      r.firstLossAsked === null ? '-' : fmtRate(r.firstLossAsked),
      r.topAchieved === null ? '-' : fmtRate(r.topAchieved),
      fmtNum(r.cpuUsPerProbe, 2),
      fmtNum(r.cpuUsPerAnswered, 2),
      ...losses.map((l) => lossCell(r.lossRecall, l)),
    ]),
  );
}

function machineTable(rep: BenchReport): string {
  const m = rep.machine;
  return table(
    ['item', 'value'],
    [
      ['CPU', m.cpu],
      ['cores', String(m.cores)],
      ['kernel', `Linux ${m.kernel}`],
      ['Node', m.node],
      ['load average at start (1 min)', m.load.toFixed(2)],
      ...rep.scanners.map((s) => [`${s.name} (${s.mode})`, `${s.version}; ${s.retries}`]),
    ],
  );
}

function workloadTable(rep: BenchReport): string {
  return table(
    ['mode', 'hosts', 'ports', 'probes', 'open', 'closed', 'silent'],
    rep.workloads.map((w) => [
      w.mode,
      w.hosts,
      w.ports,
      fmtRate(w.probes),
      String(w.open),
      String(w.closed),
      String(w.filtered),
    ]),
  );
}

/** Each distinct scan command that ran, marked with its phase outside the sweep. */
function commandsOf(rep: BenchReport): string[] {
  const byKey = new Map(
    rep.steps
      .filter(ran)
      .map((s) => [
        `${s.scanner} ${s.mode} ${s.rate} ${s.command}`,
        `${s.phase === 'sweep' ? '' : `[${s.phase}] `}${s.command}`,
      ]),
  );
  return [...byKey.values()];
}

export function renderHtml(rep: BenchReport): string {
  const losses = lossesOf(rep.steps);
  const timed = `ip netns exec ${esc(rep.scanNamespace)} /usr/bin/time -f '%e %U %S %M' -o TIME ...`;
  return `${[
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>portscan bench ${esc(rep.date)}</title>`,
    ...STYLE,
    '<h1>portscan bench</h1>',
    `<p>${esc(rep.date)}, ${rep.durationS.toFixed(0)} s. ${ABOUT_RANGE}</p>`,
    '<h2>Summary</h2>',
    summaryTable(rep, losses),
    renderRateSvg(rep.steps),
    losses.length ? renderLossSvg(rep.steps) : '',
    rep.unavailable.length ? `<p><b>Not measured:</b> ${rep.unavailable.map(esc).join('; ')}</p>` : '',
    '<h2>Every step</h2>',
    table(STEP_HEADER, rep.steps.map(stepRow)),
    `<p>${ABOUT_COLUMNS}</p>`,
    rep.notes.map((n) => `<p>${esc(n)}</p>`).join('\n'),
    '<h2>Machine and tools</h2>',
    machineTable(rep),
    '<h2>Workloads and pattern</h2>',
    workloadTable(rep),
    `<pre>${rep.pattern.map(esc).join('\n')}</pre>`,
    '<h2>Commands</h2>',
    `<p>Each scan, run inside the scanner namespace (<code>${timed}</code>):</p>`,
    `<pre>${commandsOf(rep).map(esc).join('\n')}</pre>`,
    '<p>The range (built before, removed after):</p>',
    `<pre>${rep.rangeCommands.map(esc).join('\n')}</pre>`,
    '</body></html>',
  ].join('\n')}\n`;
}
