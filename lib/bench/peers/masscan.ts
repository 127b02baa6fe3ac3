// SPDX-License-Identifier: MIT
// masscan.ts: what this project knows about masscan, for `portscan bench --peers` and the dev
// benchmark bench:syn alike: its command line, a reader of its list output (-oL), a reader of its
// status line, and the way it is made to exit. Quirks handled here:
// - Inside a network namespace masscan cannot find its interface or gateway by itself: it is given
//   --interface and --router-ip.
// - masscan 1.3.2 does not exit after its --wait: its receive thread sits in a blocking pcap read
//   until a packet arrives (it force-exits 10 s later, and not always then), and SIGINT does not
//   help either (in trials, SIGINTs after the wait left it running for minutes, printing "threads
//   not exiting"). So MasscanWatch reads the status line that masscan rewrites (with \r) on stderr;
//   once it says the wait is over ("100.00% done, waiting 0-secs" after a countdown: the scan is
//   finished and the receive-done flag set in that same step), the caller is told to make one
//   packet arrive on the scanner side ('wake'), again every second up to WAKEUPS times, and only
//   then to send SIGINT, twice, a second apart. masscan exits within a few hundred milliseconds of
//   the first packet. How the packet is made is the caller's: the bench range's listener sends a
//   datagram, the testbed makes a TCP connection.
// - Its status line gives its own send rate ("rate: 99.65-kpps, 42.00% done"): MasscanWatch keeps
//   every status line seen while sending, and the time the line first said 100%.

/** What masscan is asked to do. */
export interface MasscanJob {
  /** Port list: "22,80,443". */
  ports: string;
  hosts: string;
  ratePps: number;
  /** The scanner side's interface and the gateway's address (masscan finds neither in a namespace). */
  iface: string;
  routerIp: string;
  /** --wait: seconds to wait for late replies after the last probe. */
  waitS: number;
  /** Where -oL writes. */
  out: string;
}

/** Wake-up packets before SIGINT is tried, one a second; then SIGINT, twice, a second apart. */
const WAKEUPS = 5;
const SIGINTS = 2;
const ACTION_GAP_S = 1;

/** The masscan command line, program name first. */
export function masscanArgv(job: MasscanJob): string[] {
  return [
    ...['masscan', `-p${job.ports}`, job.hosts, '--rate', String(job.ratePps)],
    ...['--interface', job.iface, '--router-ip', job.routerIp],
    ...['--wait', String(job.waitS), '-oL', job.out],
  ];
}

/** masscan -oL ("open tcp 22 198.18.0.1 1700000000"): "ip port" of each open line, repeats kept. */
export function readMasscanList(text: string): string[] {
  const open: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^open tcp (\d+) (\S+)(\s|$)/.exec(line.trim());
    if (m) open.push(`${m[2]} ${m[1]}`);
  }
  return open;
}

/** One status line read while masscan was sending. */
export interface MasscanStatus {
  /** Seconds since masscan started. */
  atS: number;
  kpps: number;
  pct: number;
}

/** Reads masscan's status line as it comes and says what to do to end masscan once its wait is over. */
export class MasscanWatch {
  /** Status lines before the first at 100%. */
  readonly sending: MasscanStatus[] = [];
  /** When the status line first showed 100% (seconds since start). */
  sendEndS: number | null = null;
  /** When the status line showed the wait over (or, should it be unreadable, --wait + 2 s after the send end). */
  waitOverS: number | null = null;
  wakeups = 0;
  sigints = 0;
  private partial = '';
  private sawCountdown = false;
  private lastActionS = 0;

  constructor(private readonly waitS: number) {}

  /** Reads the next piece of masscan's stderr, received `nowS` seconds after it started. */
  feed(chunk: string, nowS: number): void {
    const text = this.partial + chunk;
    const cut = Math.max(text.lastIndexOf('\r'), text.lastIndexOf('\n'));
    this.partial = text.slice(cut + 1);
    if (this.waitOverS !== null || cut < 0) return;
    for (const line of text.slice(0, cut).split(/[\r\n]+/)) this.readLine(line, nowS);
  }

  private readLine(line: string, nowS: number): void {
    const r = /rate:\s*([\d.]+)-kpps,\s*([\d.]+)% done/.exec(line);
    if (!r) return;
    const kpps = Number(r[1]);
    const pct = Number(r[2]);
    if (this.sendEndS === null && pct >= 100) this.sendEndS = nowS;
    if (this.sendEndS === null) this.sending.push({ atS: nowS, kpps, pct });
    const w = /waiting (-?\d+)-secs/.exec(line);
    if (this.sendEndS === null || !w) return;
    if (Number(w[1]) > 0) this.sawCountdown = true;
    else if (this.sawCountdown) this.waitOverS ??= nowS;
  }

  /** What to do now (call it often, e.g. every 50 ms, while masscan runs): 'wake', 'interrupt' or null. */
  next(nowS: number): 'wake' | 'interrupt' | null {
    if (this.waitOverS === null && this.sendEndS !== null && nowS > this.sendEndS + this.waitS + 2)
      this.waitOverS = nowS;
    if (this.waitOverS === null) return null;
    const since = nowS - this.waitOverS;
    const due = since - this.lastActionS >= ACTION_GAP_S;
    if (this.wakeups === 0 || (this.wakeups < WAKEUPS && due)) {
      this.wakeups++;
      this.lastActionS = since;
      return 'wake';
    }
    if (this.wakeups >= WAKEUPS && this.sigints < SIGINTS && due) {
      this.sigints++;
      this.lastActionS = since;
      return 'interrupt';
    }
    return null;
  }

  /** How the run ended, in words, for the record. */
  endedBy(timedOut: boolean): string {
    if (timedOut) return 'SIGKILL (timeout)';
    if (this.waitOverS === null) return 'itself';
    return this.sigints > 0 ? 'SIGINT' : 'wake-up packet';
  }

  /** masscan's own send rate, probes/s: the mean of the status line's rates while sending (null: none). */
  ownPps(): number | null {
    const rates = this.sending.filter((x) => x.kpps > 0);
    return rates.length ? (rates.reduce((a, x) => a + x.kpps, 0) / rates.length) * 1000 : null;
  }

  /** The rate its progress implies between the first and the last status line before 100%. */
  progressPps(probes: number): number | null {
    const first = this.sending[0];
    const last = this.sending[this.sending.length - 1];
    return first && last && last.atS > first.atS
      ? (((last.pct - first.pct) / 100) * probes) / (last.atS - first.atS)
      : null;
  }
}
