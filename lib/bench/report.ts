// SPDX-License-Identifier: MIT
// report.ts: turns a bench's results into what people and machines read. It owns the BenchReport
// record (everything a run measured, plus the machine, tool versions, workloads, pattern and the
// exact commands), the summary drawn from it (per scanner and mode: the highest rate with exact
// results, the first rate that lost ports, recall at each loss), the terminal table, the JSON,
// and the self-contained HTML page with inline SVG charts: recall against probe rate for every
// scanner and mode, and recall against injected loss. Every number shown comes from the steps
// passed in; nothing is computed from anything else, so a test can feed known steps and find them.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release } from 'node:os';

import type { Mode, StepResult } from './sweep';

export interface MachineInfo {
  cpu: string;
  cores: number;
  kernel: string;
  node: string;
  /** 1-minute load average when the bench started (other work on the machine skews results). */
  load: number;
}

export interface ScannerInfo {
  name: string;
  mode: Mode;
  version: string;
  retries: string;
}

export interface BenchReport {
  date: string;
  durationS: number;
  machine: MachineInfo;
  scanners: ScannerInfo[];
  workloads: {
    mode: Mode;
    hosts: string;
    ports: string;
    probes: number;
    open: number;
    closed: number;
    filtered: number;
  }[];
  pattern: string[];
  /** Commands that built and shaped the range, in order. */
  rangeCommands: string[];
  /** The scanner namespace the scans ran in. */
  scanNamespace: string;
  steps: StepResult[];
  unavailable: string[];
  notes: string[];
}

export interface SummaryRow {
  scanner: string;
  mode: Mode;
  /** The exact swept step with the highest achieved rate: that rate, and the rate asked for (null: none was exact). */
  maxExactAsked: number | null;
  maxExactAchieved: number | null;
  /** The lowest swept rate asked for that lost a port or reported a false open (null: none). */
  firstLossAsked: number | null;
  highestAsked: number | null;
  /** The highest probe rate achieved in any swept step: the scanner's top speed here. */
  topAchieved: number | null;
  /** Recall per loss percentage, at the loss phase's rate. */
  lossRecall: Record<string, number>;
  /** Median over the swept steps. */
  cpuUsPerProbe: number | null;
}

export function machineInfo(): MachineInfo {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  return { cpu, cores: availableParallelism(), kernel: release(), node: process.version, load: loadavg()[0] ?? 0 };
}

const ran = (s: StepResult): boolean => !s.skipped;

export function summarise(steps: StepResult[]): SummaryRow[] {
  const keys: string[] = [];
  for (const s of steps) if (!keys.includes(`${s.scanner}\t${s.mode}`)) keys.push(`${s.scanner}\t${s.mode}`);
  return keys.map((key) => {
    const [scanner, mode] = key.split('\t') as [string, Mode];
    const mine = steps.filter((s) => s.scanner === scanner && s.mode === mode && ran(s));
    const sw = mine.filter((s) => s.phase === 'sweep');
    // The exact step that went fastest (asking for more than a scanner can do adds nothing).
    const exact = sw.filter((s) => s.exact).sort((x, y) => x.achievedPps - y.achievedPps || x.rate - y.rate);
    const best = exact[exact.length - 1];
    const lost = sw.filter((s) => !s.exact).map((s) => s.rate);
    const lossRecall: Record<string, number> = {};
    for (const s of mine.filter((x) => x.phase === 'loss')) lossRecall[String(s.lossPct)] = s.recall;
    const cpu = sw
      .map((s) => s.cpuUsPerProbe)
      .filter((x): x is number => x !== null)
      .sort((x, y) => x - y);
    return {
      scanner,
      mode,
      maxExactAsked: best ? best.rate : null,
      maxExactAchieved: best ? best.achievedPps : null,
      firstLossAsked: lost.length ? Math.min(...lost) : null,
      highestAsked: sw.length ? Math.max(...sw.map((s) => s.rate)) : null,
      topAchieved: sw.length ? Math.max(...sw.map((s) => s.achievedPps)) : null,
      lossRecall,
      cpuUsPerProbe: cpu.length ? (cpu[cpu.length >> 1] ?? null) : null,
    };
  });
}

export const fmtRate = (x: number): string => Math.round(x).toLocaleString('en-US');
/** Recall, rounded down: 1 only when every open port was found. */
export const fmtRecall = (x: number): string => (x >= 1 ? '1' : (Math.floor(x * 1e5 + 1e-6) / 1e5).toFixed(5));
const fmtNum = (x: number | null, digits: number): string => (x === null ? '-' : x.toFixed(digits));

function textTable(header: string[], rows: string[][], right: number[]): string {
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
  if (s.skipped) return [s.mode, s.scanner, fmtRate(s.rate), '', shaping, 'skipped', '', '', '', '', s.skipped];
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
    s.error ?? (s.exact ? 'exact' : s.falseOpen ? 'false opens' : 'lost ports'),
  ];
}

const STEP_HEADER = [
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
  'result',
];

function summaryLine(r: SummaryRow): string {
  const exact =
    r.maxExactAsked === null
      ? 'no rate tried was exact'
      : `exact up to ${fmtRate(r.maxExactAchieved ?? 0)} probes/s achieved (asked ${fmtRate(r.maxExactAsked)}/s${r.maxExactAsked === r.highestAsked ? ', the highest tried' : ''})`;
  const loss = r.firstLossAsked === null ? '' : `; not exact at ${fmtRate(r.firstLossAsked)}/s asked`;
  return `${r.mode} ${r.scanner}: ${exact}${loss}; top speed ${fmtRate(r.topAchieved ?? 0)} probes/s`;
}

/** The terminal report. */
export function renderText(rep: BenchReport): string {
  const m = rep.machine;
  const rows = rep.steps.filter((s) => s.phase !== 'loss' || s.lossPct !== 0).map(stepRow);
  const sum = summarise(rep.steps);
  const losses = [...new Set(rep.steps.filter((s) => s.phase === 'loss').map((s) => s.lossPct))].sort((a, b) => a - b);
  const lossRows = sum
    .filter((r) => Object.keys(r.lossRecall).length)
    .map((r) => [
      r.mode,
      r.scanner,
      ...losses.map((l) =>
        r.lossRecall[String(l)] === undefined ? '-' : fmtRecall(r.lossRecall[String(l)] as number),
      ),
    ]);
  return [
    `portscan bench, ${rep.date} (${rep.durationS.toFixed(0)} s): ${m.cpu}, ${m.cores} cores, Linux ${m.kernel}, Node ${m.node}, load ${m.load.toFixed(2)} at start`,
    ...rep.workloads.map(
      (w) =>
        `  ${w.mode}: ${w.hosts} x ports ${w.ports} = ${fmtRate(w.probes)} probes (${w.open} open, ${w.closed} closed, ${w.filtered} silent)`,
    ),
    '',
    textTable(STEP_HEADER, rows, [2, 3, 5, 6, 7, 8, 9]),
    '',
    ...sum.map(summaryLine),
    ...(lossRows.length
      ? [
          '',
          `recall under loss (at the loss phase's rate, default retries):`,
          textTable(
            ['mode', 'scanner', ...losses.map((l) => `${l}% loss`)],
            lossRows,
            losses.map((_, i) => i + 2),
          ),
        ]
      : []),
    ...rep.unavailable.map((u) => `not measured: ${u}`),
    ...rep.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

export function renderJson(rep: BenchReport): string {
  return `${JSON.stringify({ ...rep, summary: summarise(rep.steps) }, null, 2)}\n`;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** One colour per scanner in every chart; connect mode drawn solid, SYN mode dashed. */
const COLORS: Record<string, string> = { portscan: '#1f77b4', nmap: '#d62728', masscan: '#ff7f0e', zmap: '#9467bd' };
const colorOf = (s: StepResult): string => COLORS[s.scanner] ?? '#2ca02c';
const dashOf = (s: StepResult): string => (s.mode === 'syn' ? ' stroke-dasharray="7 4"' : '');

interface Series {
  name: string;
  points: { x: number; s: StepResult }[];
}

/** Recall on a "nines" scale: 0.9 -> 1, 0.99 -> 2, ... up to 5; every port found sits above, at TOP. */
const MAX_NINES = 5;
const TOP = MAX_NINES + 1;
const nines = (r: number): number => (r >= 1 ? TOP : Math.min(MAX_NINES, -Math.log10(1 - Math.max(0, r))));

/**
 * One chart, drawn at (0, top) of an enclosing SVG: recall (y, nines scale, so that one missed
 * port in 60,000 shows) against x, a line and a dot per step, a legend.
 */
function chart(
  top: number,
  title: string,
  xLabel: string,
  series: Series[],
  logX: boolean,
  xTicks: number[],
  xFmt: (x: number) => string,
): string {
  const W = 860;
  const H = 400;
  const L = 70;
  const R = 190;
  const T = 40;
  const B = 56;
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x).concat(xTicks);
  const tx = (x: number): number => (logX ? Math.log10(Math.max(x, 1)) : x);
  const x0 = Math.min(...xs.map(tx));
  const x1 = Math.max(...xs.map(tx));
  const pad = (x1 - x0 || 1) * 0.05;
  const y0 = Math.max(0, Math.min(MAX_NINES - 1, Math.floor(Math.min(TOP, ...all.map((p) => nines(p.s.recall))))));
  const px = (x: number): number => L + ((tx(x) - (x0 - pad)) / (x1 - x0 + 2 * pad)) * (W - L - R);
  const py = (n: number): number => T + 8 + ((TOP - n) / (TOP - y0)) * (H - T - B - 8);
  const out: string[] = [`<svg x="0" y="${top}" width="${W}" height="${H}">`];
  out.push(`<text x="${L}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`);
  out.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="#fafafa" stroke="#999"/>`);
  for (let k = y0; k <= MAX_NINES; k++) {
    const label = k === 0 ? '0' : (1 - 10 ** -k).toFixed(k);
    out.push(
      `<line x1="${L}" x2="${W - R}" y1="${py(k)}" y2="${py(k)}" stroke="#e3e3e3"/><text x="${L - 6}" y="${py(k) + 4}" text-anchor="end">${label}</text>`,
    );
  }
  out.push(
    `<line x1="${L}" x2="${W - R}" y1="${py(TOP)}" y2="${py(TOP)}" stroke="#bbb" stroke-dasharray="4 3"/><text x="${L - 6}" y="${py(TOP) + 4}" text-anchor="end" font-weight="bold">1</text>`,
  );
  for (const x of xTicks)
    out.push(
      `<line x1="${px(x)}" x2="${px(x)}" y1="${T}" y2="${H - B}" stroke="#e3e3e3"/><text x="${px(x)}" y="${H - B + 16}" text-anchor="middle">${esc(xFmt(x))}</text>`,
    );
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 16}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(
    `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">recall: open ports found / there (nines scale)</text>`,
  );
  series.forEach((s, i) => {
    const first = s.points[0]?.s;
    const color = first ? colorOf(first) : '#555';
    const dash = first ? dashOf(first) : '';
    // Lines that all found every port would hide each other on the top line: each sits a little lower.
    const y = (r: number): number => py(nines(r)) + (r >= 1 ? i * 3 : 0);
    const pts = [...s.points].sort((a, b) => a.s.rate - b.s.rate || a.x - b.x);
    if (pts.length > 1)
      out.push(
        `<polyline fill="none" stroke="${color}"${dash} stroke-width="2" points="${pts.map((p) => `${px(p.x).toFixed(1)},${y(p.s.recall).toFixed(1)}`).join(' ')}"/>`,
      );
    for (const p of pts) {
      const tip = `${s.name}, asked ${fmtRate(p.s.rate)}/s, achieved ${fmtRate(p.s.achievedPps)}/s${p.s.lossPct ? `, loss ${p.s.lossPct}%` : ''}: recall ${fmtRecall(p.s.recall)} (${p.s.foundOpen}/${p.s.expectedOpen}), ${p.s.falseOpen} false open${p.s.error ? `; ${p.s.error}` : ''}`;
      out.push(
        `<circle class="pt" data-series="${esc(s.name)}" data-rate="${p.s.rate}" data-achieved="${p.s.achievedPps}" data-loss="${p.s.lossPct}" data-recall="${p.s.recall}" cx="${px(p.x).toFixed(1)}" cy="${y(p.s.recall).toFixed(1)}" r="5" fill="${p.s.exact ? color : '#fff'}" stroke="${color}" stroke-width="2"><title>${esc(tip)}</title></circle>`,
      );
    }
    const ly = T + 10 + i * 20;
    out.push(
      `<line x1="${W - R + 10}" x2="${W - R + 42}" y1="${ly}" y2="${ly}" stroke="${color}"${dash} stroke-width="2"/><circle cx="${W - R + 26}" cy="${ly}" r="4" fill="${color}"/><text x="${W - R + 44}" y="${ly + 4}">${esc(s.name)}</text>`,
    );
  });
  const ly = T + 20 + series.length * 20;
  out.push(
    `<circle cx="${W - R + 26}" cy="${ly}" r="4" fill="#fff" stroke="#555" stroke-width="2"/><text x="${W - R + 44}" y="${ly + 4}">not exact (missed or</text><text x="${W - R + 44}" y="${ly + 18}">false opens, or failed)</text>`,
  );
  out.push('</svg>');
  return out.join('\n');
}

/** Charts stacked in one SVG. */
function svgOf(charts: ((top: number) => string)[]): string {
  const H = 400;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 860 ${H * charts.length}" width="860" height="${H * charts.length}" font-family="sans-serif" font-size="12">`,
    ...charts.map((c, i) => c(i * H)),
    '</svg>',
  ].join('\n');
}

function seriesOf(steps: StepResult[], phase: 'sweep' | 'loss', x: (s: StepResult) => number): Series[] {
  const map = new Map<string, Series>();
  for (const s of steps.filter((st) => st.phase === phase && ran(st))) {
    const name = `${s.scanner} (${s.mode})`;
    if (!map.has(name)) map.set(name, { name, points: [] });
    map.get(name)?.points.push({ x: x(s), s });
  }
  return [...map.values()];
}

const fmtK = (x: number): string => (x >= 1e6 ? `${x / 1e6}M` : x >= 1e3 ? `${x / 1e3}k` : String(x));

/** The rate charts, one per mode, in one SVG (also what `--report FILE.svg` writes). */
export function renderRateSvg(steps: StepResult[]): string {
  const modes = [...new Set(steps.filter((s) => s.phase === 'sweep' && ran(s)).map((s) => s.mode))];
  return svgOf(
    modes.map((mode) => (top: number) => {
      const series = seriesOf(
        steps.filter((s) => s.mode === mode),
        'sweep',
        (s) => Math.max(1, s.achievedPps),
      );
      const xs = series.flatMap((s) => s.points.map((p) => p.x));
      const lo = xs.length ? Math.min(...xs) : 1e3;
      const hi = xs.length ? Math.max(...xs) : 1e4;
      const ticks: number[] = [];
      for (let d = 10 ** Math.floor(Math.log10(lo)); d <= hi * 10; d *= 10)
        for (const m of [1, 2, 5]) if (d * m >= lo / 1.5 && d * m <= hi * 1.5) ticks.push(d * m);
      return chart(
        top,
        `${mode} mode: recall against probe rate`,
        'probes per second achieved, measured at the target (log scale)',
        series,
        true,
        ticks,
        fmtK,
      );
    }),
  );
}

export function renderLossSvg(steps: StepResult[]): string {
  const series = seriesOf(steps, 'loss', (s) => s.lossPct);
  const losses = [...new Set(series.flatMap((s) => s.points.map((p) => p.s.lossPct)))].sort((a, b) => a - b);
  return svgOf([
    (top) =>
      chart(
        top,
        'Recall under injected packet loss (each way), default retries',
        'packet loss, % each way',
        series,
        false,
        losses.length ? losses : [0],
        (x) => `${x}%`,
      ),
  ]);
}

export function renderHtml(rep: BenchReport): string {
  const m = rep.machine;
  const sum = summarise(rep.steps);
  const table = (header: string[], rows: string[][]): string =>
    `<table><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
  const losses = [...new Set(rep.steps.filter((s) => s.phase === 'loss').map((s) => s.lossPct))].sort((a, b) => a - b);
  const commands = [
    ...new Map(
      rep.steps
        .filter(ran)
        .map((s) => [
          `${s.scanner} ${s.mode} ${s.rate} ${s.command}`,
          `${s.phase === 'sweep' ? '' : `[${s.phase}] `}${s.command}`,
        ]),
    ).values(),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>portscan bench ${esc(rep.date)}</title>
<style>body{font-family:sans-serif;margin:24px;max-width:1100px;color:#222}table{border-collapse:collapse;margin:8px 0 16px}
td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:right}th{background:#f0f0f0}td:first-child,td:nth-child(2){text-align:left}
pre{background:#f6f6f6;padding:8px;font-size:12px;white-space:pre-wrap;word-break:break-all}h2{margin-top:28px}</style></head><body>
<h1>portscan bench</h1>
<p>${esc(rep.date)}, ${rep.durationS.toFixed(0)} s. Every scan ran inside a sealed pair of network namespaces (no route but to 198.18.0.0/16) against a target side with a known pattern of open, closed and silent ports; each result is scored against that pattern.</p>
<h2>Summary</h2>
${table(
  [
    'mode',
    'scanner',
    'highest exact rate, achieved/s',
    '(asked/s)',
    'first asked rate not exact',
    'top speed achieved/s',
    'CPU us/probe (median)',
    ...losses.map((l) => `recall at ${l}% loss`),
  ],
  sum.map((r) => [
    r.mode,
    r.scanner,
    r.maxExactAchieved === null ? 'none' : fmtRate(r.maxExactAchieved),
    r.maxExactAsked === null ? '-' : fmtRate(r.maxExactAsked),
    r.firstLossAsked === null ? '-' : fmtRate(r.firstLossAsked),
    r.topAchieved === null ? '-' : fmtRate(r.topAchieved),
    fmtNum(r.cpuUsPerProbe, 2),
    ...losses.map((l) => (r.lossRecall[String(l)] === undefined ? '-' : fmtRecall(r.lossRecall[String(l)] as number))),
  ]),
)}
${renderRateSvg(rep.steps)}
${losses.length ? renderLossSvg(rep.steps) : ''}
${rep.unavailable.length ? `<p><b>Not measured:</b> ${rep.unavailable.map(esc).join('; ')}</p>` : ''}
<h2>Every step</h2>
${table(STEP_HEADER, rep.steps.map(stepRow))}
<p>asked/s: the rate each scanner was asked for (portscan --rate, nmap --min-rate and --max-rate, masscan --rate, zmap -r). achieved/s: SYNs the target side received (first tries and retries; in connect mode also the kernel's SYN retransmits), counted by nftables, divided by the time packets were arriving (20 ms slots); the chart's x axis. recall: open ports found / open ports there, rounded down. false: ports reported open that are not. wall s: process start to exit (zmap: the sum of its per-port runs, each with a 1 s cooldown; masscan: with its 1 s wait). CPU: user + system time of the scanner process (GNU time, 10 ms resolution) per probe of the workload, process start included. Filled dots: exact steps; open dots: steps that missed open ports, reported false ones, or failed.</p>
${rep.notes.map((n) => `<p>${esc(n)}</p>`).join('\n')}
<h2>Machine and tools</h2>
${table(['item', 'value'], [['CPU', m.cpu], ['cores', String(m.cores)], ['kernel', `Linux ${m.kernel}`], ['Node', m.node], ['load average at start (1 min)', m.load.toFixed(2)], ...rep.scanners.map((s) => [`${s.name} (${s.mode})`, `${s.version}; ${s.retries}`])])}
<h2>Workloads and pattern</h2>
${table(
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
)}
<pre>${rep.pattern.map(esc).join('\n')}</pre>
<h2>Commands</h2>
<p>Each scan, run inside the scanner namespace (<code>ip netns exec ${esc(rep.scanNamespace)} /usr/bin/time -f '%e %U %S %M' -o TIME ...</code>):</p>
<pre>${commands.map(esc).join('\n')}</pre>
<p>The range (built before, removed after):</p>
<pre>${rep.rangeCommands.map(esc).join('\n')}</pre>
</body></html>
`;
}
