// SPDX-License-Identifier: MIT
// nmap-services.ts: nmap's TCP service names and port frequencies, read from the nmap-services
// file where nmap is installed. That file is nmap's data, under the Nmap Public Source License,
// so portscan does not ship it or a ranking derived from it: `--top-ports` and nmap's service
// names need nmap (Debian: `apt-get install nmap-common`, or nmap itself) on the machine.
//
// Read from fixed paths only (never one from the environment or a file), as a regular file of
// bounded size (readInputFile: no devices, no fifos, capped), parsed line by line; a line that is
// not "name<TAB>port/proto<TAB>frequency" is skipped, so a damaged file gives fewer entries, not
// an error or a crash. Loaded once, on first use.
//
// nmap's `--top-ports N` takes the N TCP entries with the highest frequency; among equal
// frequencies, the file's order (checked against nmap 7.93's own <scaninfo services> for N = 10,
// 100, 1000 and 5000: test/unit/nmap-services.test.ts compares with a live nmap where one is
// installed).
import { readInputFile } from '../safe-fs';

/** Where nmap keeps its data, in the order looked at (Debian's first). */
export const NMAP_SERVICES_PATHS: readonly string[] = Object.freeze([
  '/usr/share/nmap/nmap-services',
  '/usr/local/share/nmap/nmap-services',
]);

/** nmap-services is about 1 MB; anything far larger is not it. */
const MAX_BYTES = 16 * 1024 * 1024;

export interface NmapServices {
  /** The file read. */
  path: string;
  /** nmap's name for a TCP port, or '' when it has none. */
  nameOf(port: number): string;
  /** The `n` most frequently open TCP ports, by nmap's ranking, in ascending port order. */
  topPorts(n: number): number[];
  /** How many TCP ports the file ranks (the largest useful `n`). */
  tcpCount: number;
}

interface Entry {
  port: number;
  frequency: number;
}

/** Parses the text of an nmap-services file (exported for tests). */
export function parseNmapServices(text: string, path = '(text)'): NmapServices {
  const names = new Array<string>(65536).fill('');
  const ranked: Entry[] = [];
  const seen = new Uint8Array(65536);
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split('\t');
    const m = /^(\d{1,5})\/tcp$/.exec(f[1] ?? '');
    if (!m) continue;
    const port = Number(m[1]);
    const frequency = Number(f[2]);
    const name = f[0] ?? '';
    if (port > 65535 || !Number.isFinite(frequency) || seen[port]) continue; // the first entry for a port is nmap's
    seen[port] = 1;
    // A name is shown in outputs: only printable name characters (nmap's own: "X11:1", "http-proxy").
    if (/^[\w.+/:-]{1,64}$/.test(name)) names[port] = name;
    ranked.push({ port, frequency });
  }
  // Stable: equal frequencies keep the file's order, as nmap's ranking does.
  const order = ranked.map((e, i) => ({ ...e, i })).sort((a, b) => b.frequency - a.frequency || a.i - b.i);
  return {
    path,
    tcpCount: order.length,
    nameOf: (port) => names[port] ?? '',
    topPorts: (n) =>
      order
        .slice(0, Math.max(0, n))
        .map((e) => e.port)
        .sort((a, b) => a - b),
  };
}

let loaded: NmapServices | null | undefined;

/** nmap's services, from the first of NMAP_SERVICES_PATHS that reads; null when none does. */
export function nmapServices(paths: readonly string[] = NMAP_SERVICES_PATHS): NmapServices | null {
  if (paths === NMAP_SERVICES_PATHS && loaded !== undefined) return loaded;
  let found: NmapServices | null = null;
  for (const path of paths) {
    try {
      found = parseNmapServices(readInputFile(path, 'nmap services file', MAX_BYTES).toString('latin1'), path);
      break;
    } catch {
      // missing or unreadable: try the next
    }
  }
  if (paths === NMAP_SERVICES_PATHS) loaded = found;
  return found;
}

/** What to say when nmap-services is needed and missing. */
export const NMAP_SERVICES_MISSING =
  "nmap's port ranking (nmap-services) is not installed: apt-get install nmap-common " +
  `(looked in ${NMAP_SERVICES_PATHS.join(', ')})`;
