// SPDX-License-Identifier: MIT
// nmap.ts: what this project knows about nmap, for `portscan bench --peers` and the dev benchmark
// bench:nmap alike: its connect-scan command line and a reader of its XML output (-oX). Quirks
// handled here: nmap always gets -n (no DNS lookup, ever: the benchmark ranges have no names and
// a lookup could leave the sealed namespace) and -Pn (no host discovery: every target is scanned,
// as the other scanners do). Ports nmap does not list one by one are summed up in
// <extraports state=... count=...> elements; the reader returns those counts with each host.
// Block by block: a host's block starts at "<host " or "<host>" (not "<hosthint>" or "<hosts>").

/** What nmap -sT is asked to do. */
export interface NmapConnectJob {
  /** Port list as nmap takes it: "1-65535", "22,80". */
  ports: string;
  /** Target hosts: an address or a CIDR block. */
  hosts: string;
  /** Where -oX writes. */
  out: string;
  /** Timing template, e.g. 4 for -T4 (nmap's default, -T3, when absent). */
  timing?: number;
  /** Probes per second, given as both --min-rate and --max-rate (nmap's adaptive rate when absent). */
  ratePps?: number;
}

/** The nmap connect-scan command line, program name first. */
export function nmapConnectArgv(job: NmapConnectJob): string[] {
  const timing = job.timing === undefined ? [] : [`-T${job.timing}`];
  const rate = job.ratePps === undefined ? [] : ['--min-rate', String(job.ratePps), '--max-rate', String(job.ratePps)];
  return ['nmap', '-sT', ...timing, '-n', '-Pn', '-p', job.ports, ...rate, '-oX', job.out, job.hosts];
}

/** One <host> of nmap's XML: its address, the ports it listed, and the ports it only counted. */
export interface NmapHost {
  /** The IPv4 address (undefined when the block has none). */
  ip: string | undefined;
  /** Listed TCP ports with their state ("open", "closed", "filtered", "open|filtered", ...); with -sV, the service. */
  ports: ({ port: number; state: string } & NmapService)[];
  /** <extraports>: ports not listed, counted per state. */
  extra: { state: string; count: number }[];
}

export interface NmapXml {
  /** Whether the file is complete (nmap writes <finished> last). */
  finished: boolean;
  /** nmap's own elapsed time, seconds, from <finished elapsed=...>. */
  elapsedS: number | undefined;
  hosts: NmapHost[];
}

/** A port's <service> element (-sV): its name ("tunnel/name" when tunnelled: "ssl/http") and how it was decided. */
export interface NmapService {
  service?: string;
  /** "probed" (an answer matched) or "table" (the port number). */
  method?: string;
}

function serviceOf(port: string): NmapService {
  const tag = /<service [^>]*>/.exec(port)?.[0];
  if (!tag) return {};
  const attr = (name: string): string | undefined => new RegExp(` ${name}="([^"]*)"`).exec(tag)?.[1];
  const name = attr('name') ?? 'unknown';
  const tunnel = attr('tunnel');
  const method = attr('method');
  return { service: tunnel ? `${tunnel}/${name}` : name, ...(method ? { method } : {}) };
}

/** Reads nmap's -oX output. */
export function readNmapXml(text: string): NmapXml {
  const hosts: NmapHost[] = [];
  for (const block of text.split(/<host(?=[\s>])/).slice(1)) {
    const ip = /<address addr="([\d.]+)" addrtype="ipv4"/.exec(block)?.[1];
    const ports = [
      ...block.matchAll(/<port protocol="tcp" portid="(\d+)">\s*<state state="([^"]+)"[^]*?<\/port>/g),
    ].map((m) => ({ port: Number(m[1]), state: m[2] as string, ...serviceOf(m[0]) }));
    const extra = [...block.matchAll(/<extraports state="([^"]+)" count="(\d+)"/g)].map((m) => ({
      state: m[1] as string,
      count: Number(m[2]),
    }));
    hosts.push({ ip, ports, extra });
  }
  const elapsed = /<finished [^>]*elapsed="([\d.]+)"/.exec(text)?.[1];
  return {
    finished: /<finished\b/.test(text),
    elapsedS: elapsed === undefined ? undefined : Number(elapsed),
    hosts,
  };
}
