// SPDX-License-Identifier: MIT
// report.test.ts: the bench report shows the numbers of the runs, and only those. Feeds report.ts
// a known set of step results and checks that the JSON carries them unchanged, that the summary
// is drawn from them (highest exact rate, first rate that lost ports, recall per loss), that the
// HTML shows each number, and that the SVG has one point per step that ran, at that step's
// recall. Also the pattern and the scorer the steps are made from. No root needed.
import { renderHtml } from '../../lib/bench/html';
import { patternRules } from '../../lib/bench/nft';
import { peerRatios, summarise, type BenchReport } from '../../lib/bench/report';
import type { StepResult } from '../../lib/bench/step';
import { renderRateSvg } from '../../lib/bench/svg';
import { renderJson, renderText } from '../../lib/bench/text';
import { expected, hostIndex, score, stateOf } from '../../lib/bench/truth';

function step(p: Partial<StepResult> & Pick<StepResult, 'scanner' | 'mode' | 'rate'>): StepResult {
  return {
    phase: 'sweep',
    lossPct: 0,
    delayMs: 0,
    probes: 1000,
    expectedOpen: 500,
    foundOpen: 500,
    falseOpen: 0,
    recall: 1,
    exact: true,
    achievedPps: p.rate * 0.9,
    syns: 1000,
    wallS: 1.25,
    cpuS: 0.5,
    cpuUsPerProbe: 500,
    cpuUsPerAnswered: 833.33,
    packetsIn: 1500,
    peakPps: p.rate,
    command: `scan ${p.scanner} ${p.rate}`,
    ...p,
  };
}

const STEPS: StepResult[] = [
  step({ scanner: 'portscan', mode: 'syn', rate: 25000, achievedPps: 24871.4, cpuUsPerProbe: 12.34 }),
  step({ scanner: 'portscan', mode: 'syn', rate: 50000, achievedPps: 49113.2, cpuUsPerProbe: 11.11 }),
  step({
    scanner: 'portscan',
    mode: 'syn',
    rate: 100000,
    achievedPps: 87654.3,
    foundOpen: 499,
    recall: 0.998,
    exact: false,
    cpuUsPerProbe: 10.5,
  }),
  step({
    scanner: 'masscan',
    mode: 'syn',
    rate: 25000,
    achievedPps: 23456.7,
    foundOpen: 367,
    recall: 0.734,
    exact: false,
    cpuUsPerProbe: 14.91,
  }),
  step({
    scanner: 'masscan',
    mode: 'syn',
    rate: 50000,
    achievedPps: 40432.1,
    foundOpen: 350,
    recall: 0.7,
    exact: false,
    error: 'stopped: time limit',
  }),
  step({
    scanner: 'nmap',
    mode: 'connect',
    rate: 5000,
    achievedPps: 4999.4,
    expectedOpen: 67,
    foundOpen: 67,
    cpuUsPerProbe: 185,
  }),
  step({ scanner: 'nmap', mode: 'connect', rate: 160000, skipped: 'time limit of the bench reached' }),
  step({ scanner: 'portscan', mode: 'syn', rate: 50000, phase: 'loss', lossPct: 0, achievedPps: 49113.2 }),
  step({
    scanner: 'portscan',
    mode: 'syn',
    rate: 50000,
    phase: 'loss',
    lossPct: 5,
    achievedPps: 48000,
    foundOpen: 497,
    recall: 0.994,
    exact: false,
  }),
  step({
    scanner: 'masscan',
    mode: 'syn',
    rate: 50000,
    phase: 'loss',
    lossPct: 5,
    achievedPps: 38013,
    foundOpen: 291,
    recall: 0.58192,
    exact: false,
  }),
];

const REPORT: BenchReport = {
  date: '2026-11-25T16:00:00.000Z',
  durationS: 123.4,
  machine: { cpu: 'Test CPU 9000', cores: 2, kernel: '6.1.0-test', node: 'v20.0.0', load: 1.5 },
  scanners: [
    { name: 'portscan', mode: 'syn', version: 'portscan 0.1.0', retries: '--retries 2' },
    { name: 'masscan', mode: 'syn', version: 'Masscan version 1.3.2', retries: '--retries 0' },
  ],
  workloads: [
    { mode: 'syn', hosts: '198.18.0.0/18', ports: '22,80', probes: 32768, open: 500, closed: 100, filtered: 50 },
  ],
  pattern: ['pattern line one'],
  rangeCommands: ['ip netns add psb-scan'],
  scanNamespace: 'psb-scan',
  steps: STEPS,
  unavailable: ['delay 20 ms: unavailable: no netem'],
  notes: ['a note'],
};

describe('the bench report', () => {
  test('the summary comes from the steps', () => {
    const sum = summarise(STEPS);
    const ps = sum.find((r) => r.scanner === 'portscan' && r.mode === 'syn');
    expect(ps).toMatchObject({
      maxExactAsked: 50000,
      maxExactAchieved: 49113.2,
      firstLossAsked: 100000,
      highestAsked: 100000,
      topAchieved: 87654.3,
      cpuUsPerProbe: 11.11,
    });
    expect(ps?.lossRecall).toEqual({ '0': 1, '5': 0.994 });
    const ms = sum.find((r) => r.scanner === 'masscan');
    expect(ms).toMatchObject({ maxExactAsked: null, maxExactAchieved: null, firstLossAsked: 25000 });
    // The fastest exact step counts, not the one that asked for most.
    const fast = summarise([
      step({ scanner: 'zmap', mode: 'syn', rate: 200000, achievedPps: 65000 }),
      step({ scanner: 'zmap', mode: 'syn', rate: 400000, achievedPps: 57000 }),
    ]);
    expect(fast[0]).toMatchObject({
      maxExactAsked: 200000,
      maxExactAchieved: 65000,
      highestAsked: 400000,
      topAchieved: 65000,
    });
    // A skipped step counts for nothing.
    expect(sum.find((r) => r.scanner === 'nmap')).toMatchObject({ maxExactAsked: 5000, highestAsked: 5000 });
  });

  test('CPU per answered probe is a median of the sweep, and portscan is set against each peer of its mode', () => {
    const sum = summarise([
      ...STEPS,
      step({ scanner: 'portscan', mode: 'syn', rate: 200000, phase: 'loss', lossPct: 5, cpuUsPerAnswered: 1 }),
    ]);
    expect(sum.find((r) => r.scanner === 'portscan')?.cpuUsPerAnswered).toBe(833.33);
    // portscan's CPU median is 11.11 us/probe (of 10.5, 11.11, 12.34); masscan's 500 (of 14.91, 500).
    const ratios = peerRatios(sum);
    expect(ratios).toHaveLength(1);
    expect(ratios[0]?.peer).toBe('masscan');
    expect(ratios[0]?.topSpeed).toBeCloseTo(87654.3 / 40432.1, 9);
    expect(ratios[0]?.cpuPerProbe).toBeCloseTo(11.11 / 500, 9);
    const text = renderText(REPORT);
    expect(text).toContain('syn portscan/masscan: top speed 2.17x, CPU per probe 0.02x');
    expect(text).toContain('CPU 11.11 us/probe, 833.33 us/answered probe (medians)');
    const j = JSON.parse(renderJson(REPORT)) as { ratios: unknown[] };
    expect(j.ratios).toEqual(JSON.parse(JSON.stringify(ratios)));
    expect(renderHtml(REPORT)).toContain('833.33');
  });

  test('the JSON carries every step unchanged, and the summary', () => {
    const j = JSON.parse(renderJson(REPORT)) as BenchReport & { summary: unknown[] };
    expect(j.steps).toEqual(STEPS);
    expect(j.machine).toEqual(REPORT.machine);
    expect(j.summary).toEqual(JSON.parse(JSON.stringify(summarise(STEPS))));
  });

  test('the HTML shows the numbers of the runs', () => {
    const html = renderHtml(REPORT);
    for (const text of [
      '24,871',
      '49,113',
      '87,654',
      '23,457',
      '40,432',
      '4,999',
      '0.73400',
      '0.99800',
      '0.58192',
      '367/500',
      '499/500',
      '291/500',
      '12.34',
      '14.91',
      '185.00',
      'stopped: time limit',
      'time limit of the bench reached',
      'Test CPU 9000',
      '6.1.0-test',
      'v20.0.0',
      'Masscan version 1.3.2',
      'scan masscan 25000',
      'ip netns add psb-scan',
      'no netem',
      'a note',
    ]) {
      expect(html).toContain(text);
    }
    // Self-contained: no script, no external resource.
    expect(html).not.toMatch(/<script|<link|src=|href="http/);
    const text = renderText(REPORT);
    for (const t of ['24,871', '0.73400', '367/500', 'exact up to 49,113 probes/s achieved (asked 50,000/s)'])
      expect(text).toContain(t);
  });

  test('the SVG has one point per step that ran, at its recall', () => {
    const html = renderHtml(REPORT);
    const point = new RegExp(
      '<circle class="pt" data-series="([^"]+)" data-rate="(\\d+)" data-achieved="([\\d.]+)" ' +
        'data-loss="([\\d.]+)" data-recall="([\\d.]+)"',
      'g',
    );
    const points = [...html.matchAll(point)];
    const ran = STEPS.filter((s) => !s.skipped);
    expect(points).toHaveLength(ran.length);
    const got = points.map((m) => `${m[1]} ${m[2]} ${m[4]} ${m[5]}`).sort();
    const want = ran.map((s) => `${s.scanner} (${s.mode}) ${s.rate} ${s.lossPct} ${s.recall}`).sort();
    expect(got).toEqual(want);
    // The chart alone (--report FILE.svg): the sweep's points.
    const svg = renderRateSvg(STEPS);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<circle class="pt"/g)).toHaveLength(ran.filter((s) => s.phase === 'sweep').length);
  });
});

describe('truth and readers', () => {
  test('the pattern, host by host', () => {
    expect(hostIndex('198.18.1.10')).toBe(0x10a);
    expect(hostIndex('198.19.0.1')).toBe(-1);
    expect(stateOf(0x10a, 80)).toBe('open');
    expect(stateOf(0x10a, 3389)).toBe('open');
    expect(stateOf(0x10b, 3389)).toBe('closed');
    expect(stateOf(0x10a, 22)).toBe('filtered');
    expect(stateOf(0x100, 22)).toBe('open');
    expect(stateOf(2, 443)).toBe('closed');
    expect(stateOf(5, 8080)).toBe('filtered');
    expect(stateOf(7, 9150)).toBe('filtered');
    expect(stateOf(7, 5001)).toBe('closed');
    expect(stateOf(7, 5002)).toBe('open');
    expect(stateOf(-1, 80)).toBe('filtered');
    // Every rule becomes an nftables rule keyed on the same bits.
    const rules = patternRules();
    expect(rules).toContain('tcp dport 22 drop');
    expect(rules).toContain('ip daddr & 0.0.0.15 != 0.0.0.0 tcp dport 22 drop');
    expect(rules).toContain('ip daddr & 0.0.0.3 == 0.0.0.2 tcp dport 443 reject with tcp reset');
    expect(rules).toContain('tcp dport 9100-9199 drop');
  });

  test('score counts found, missed and false opens', () => {
    const want = expected('198.18.1.8/30', '80,443');
    expect(want.open.size).toBe(7); // 443 closed on .10 (h & 3 == 2)
    const open = new Set([...want.open].slice(1));
    open.add('198.18.1.10 443');
    const s = score(want, { open, other: new Map([['198.18.1.10 81', 'filtered']]) });
    expect(s).toMatchObject({
      expectedOpen: 7,
      foundOpen: 6,
      missedOpen: 1,
      falseOpen: 1,
      wrongState: 1,
      exact: false,
    });
    expect(s.recall).toBeCloseTo(6 / 7, 10);
  });
});
