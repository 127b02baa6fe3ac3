// SPDX-License-Identifier: MIT
// svg.ts: the bench report's charts, as inline SVG: recall against probe rate for every scanner
// and mode (one chart per mode; also what `--report FILE.svg` writes), and recall against injected
// loss. Recall is drawn on a "nines" scale so that one missed port in 60,000 shows; a line and a
// dot per step that ran, filled when the step was exact; one colour per scanner, SYN mode dashed.
import { esc, fmtRate, fmtRecall } from './format';
import { ran } from './report';
import type { StepResult } from './step';

/** One colour per scanner in every chart; connect mode drawn solid, SYN mode dashed. */
const COLORS: Record<string, string> = { portscan: '#1f77b4', nmap: '#d62728', masscan: '#ff7f0e', zmap: '#9467bd' };
const colorOf = (s: StepResult): string => COLORS[s.scanner] ?? '#2ca02c';
const dashOf = (s: StepResult): string => (s.mode === 'syn' ? ' stroke-dasharray="7 4"' : '');

interface Series {
  name: string;
  points: { x: number; s: StepResult }[];
}

/** What one chart shows. */
interface ChartSpec {
  title: string;
  xLabel: string;
  series: Series[];
  logX: boolean;
  xTicks: number[];
  xFmt: (x: number) => string;
}

/** Recall on a "nines" scale: 0.9 -> 1, 0.99 -> 2, ... up to 5; every port found sits above, at TOP. */
const MAX_NINES = 5;
const TOP = MAX_NINES + 1;
const nines = (r: number): number => (r >= 1 ? TOP : Math.min(MAX_NINES, -Math.log10(1 - Math.max(0, r))));

/** A chart's width and height, and its margins (left, right, top, bottom), pixels. */
const [W, H] = [860, 400];
const [L, R, T, B] = [70, 190, 40, 56];

/** Where a chart puts x and a nines value, and the lowest nines value it shows. */
interface Frame {
  px: (x: number) => number;
  py: (n: number) => number;
  y0: number;
}

function frameOf(c: ChartSpec): Frame {
  const all = c.series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x).concat(c.xTicks);
  const tx = (x: number): number => (c.logX ? Math.log10(Math.max(x, 1)) : x);
  const x0 = Math.min(...xs.map(tx));
  const x1 = Math.max(...xs.map(tx));
  const pad = (x1 - x0 || 1) * 0.05;
  const y0 = Math.max(0, Math.min(MAX_NINES - 1, Math.floor(Math.min(TOP, ...all.map((p) => nines(p.s.recall))))));
  return {
    px: (x) => L + ((tx(x) - (x0 - pad)) / (x1 - x0 + 2 * pad)) * (W - L - R),
    py: (n) => T + 8 + ((TOP - n) / (TOP - y0)) * (H - T - B - 8),
    y0,
  };
}

/** The plot area, the recall grid and labels, the x ticks and the axis labels. */
function axes(c: ChartSpec, f: Frame): string[] {
  const { px, py } = f;
  const out = [`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="#fafafa" stroke="#999"/>`];
  for (let k = f.y0; k <= MAX_NINES; k++) {
    const label = k === 0 ? '0' : (1 - 10 ** -k).toFixed(k);
    out.push(
      `<line x1="${L}" x2="${W - R}" y1="${py(k)}" y2="${py(k)}" stroke="#e3e3e3"/>` +
        `<text x="${L - 6}" y="${py(k) + 4}" text-anchor="end">${label}</text>`,
    );
  }
  out.push(
    `<line x1="${L}" x2="${W - R}" y1="${py(TOP)}" y2="${py(TOP)}" stroke="#bbb" stroke-dasharray="4 3"/>` +
      `<text x="${L - 6}" y="${py(TOP) + 4}" text-anchor="end" font-weight="bold">1</text>`,
  );
  for (const x of c.xTicks)
    out.push(
      `<line x1="${px(x)}" x2="${px(x)}" y1="${T}" y2="${H - B}" stroke="#e3e3e3"/>` +
        `<text x="${px(x)}" y="${H - B + 16}" text-anchor="middle">${esc(c.xFmt(x))}</text>`,
    );
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 16}" text-anchor="middle">${esc(c.xLabel)}</text>`);
  out.push(
    `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">` +
      'recall: open ports found / there (nines scale)</text>',
  );
  return out;
}

/** One step's dot, with its numbers as a tooltip. */
function dot(name: string, p: Series['points'][number], cx: number, cy: number, color: string): string {
  const s = p.s;
  const tip =
    `${name}, asked ${fmtRate(s.rate)}/s, achieved ${fmtRate(s.achievedPps)}/s` +
    `${s.lossPct ? `, loss ${s.lossPct}%` : ''}: recall ${fmtRecall(s.recall)} (${s.foundOpen}/${s.expectedOpen}), ` +
    `${s.falseOpen} false open${s.error ? `; ${s.error}` : ''}`;
  return (
    `<circle class="pt" data-series="${esc(name)}" data-rate="${s.rate}" data-achieved="${s.achievedPps}" ` +
    `data-loss="${s.lossPct}" data-recall="${s.recall}" cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="5" ` +
    `fill="${s.exact ? color : '#fff'}" stroke="${color}" stroke-width="2"><title>${esc(tip)}</title></circle>`
  );
}

/** Series number i: its line, its dots and its legend entry. */
function seriesMarks(s: Series, i: number, f: Frame): string[] {
  const first = s.points[0]?.s;
  const color = first ? colorOf(first) : '#555';
  const dash = first ? dashOf(first) : '';
  // Lines that all found every port would hide each other on the top line: each sits a little lower.
  const y = (r: number): number => f.py(nines(r)) + (r >= 1 ? i * 3 : 0);
  const pts = [...s.points].sort((a, b) => a.s.rate - b.s.rate || a.x - b.x);
  const out: string[] = [];
  if (pts.length > 1) {
    const points = pts.map((p) => `${f.px(p.x).toFixed(1)},${y(p.s.recall).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${color}"${dash} stroke-width="2" points="${points}"/>`);
  }
  for (const p of pts) out.push(dot(s.name, p, f.px(p.x), y(p.s.recall), color));
  const ly = T + 10 + i * 20;
  out.push(
    `<line x1="${W - R + 10}" x2="${W - R + 42}" y1="${ly}" y2="${ly}" stroke="${color}"${dash} stroke-width="2"/>` +
      `<circle cx="${W - R + 26}" cy="${ly}" r="4" fill="${color}"/>` +
      `<text x="${W - R + 44}" y="${ly + 4}">${esc(s.name)}</text>`,
  );
  return out;
}

/** One chart, drawn at (0, top) of an enclosing SVG: axes, a line and a dot per step, a legend. */
function chart(top: number, c: ChartSpec): string {
  const f = frameOf(c);
  const ly = T + 20 + c.series.length * 20;
  return [
    `<svg x="0" y="${top}" width="${W}" height="${H}">`,
    `<text x="${L}" y="22" font-size="15" font-weight="bold">${esc(c.title)}</text>`,
    ...axes(c, f),
    ...c.series.flatMap((s, i) => seriesMarks(s, i, f)),
    `<circle cx="${W - R + 26}" cy="${ly}" r="4" fill="#fff" stroke="#555" stroke-width="2"/>` +
      `<text x="${W - R + 44}" y="${ly + 4}">not exact (missed or</text>` +
      `<text x="${W - R + 44}" y="${ly + 18}">false opens, or failed)</text>`,
    '</svg>',
  ].join('\n');
}

/** Charts stacked in one SVG. */
function svgOf(charts: ((top: number) => string)[]): string {
  const height = H * charts.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 860 ${height}" width="860" height="${height}" ` +
      'font-family="sans-serif" font-size="12">',
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

/** 1, 2 and 5 times the powers of ten from a bit below `lo` to a bit above `hi`. */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let d = 10 ** Math.floor(Math.log10(lo)); d <= hi * 10; d *= 10)
    for (const m of [1, 2, 5]) if (d * m >= lo / 1.5 && d * m <= hi * 1.5) ticks.push(d * m);
  return ticks;
}

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
      return chart(top, {
        title: `${mode} mode: recall against probe rate`,
        xLabel: 'probes per second achieved, measured at the target (log scale)',
        series,
        logX: true,
        xTicks: logTicks(lo, hi),
        xFmt: fmtK,
      });
    }),
  );
}

export function renderLossSvg(steps: StepResult[]): string {
  const series = seriesOf(steps, 'loss', (s) => s.lossPct);
  const losses = [...new Set(series.flatMap((s) => s.points.map((p) => p.s.lossPct)))].sort((a, b) => a - b);
  return svgOf([
    (top) =>
      chart(top, {
        title: 'Recall under injected packet loss (each way), default retries',
        xLabel: 'packet loss, % each way',
        series,
        logX: false,
        xTicks: losses.length ? losses : [0],
        xFmt: (x) => `${x}%`,
      }),
  ]);
}
