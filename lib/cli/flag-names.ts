// SPDX-License-Identifier: MIT
// flag-names.ts: the library names its options as ScanOptions does ("option 'ratePps'"); the
// command line says the flag the user typed ("option '--rate'"). This is the one table between
// the two, applied to a message at the CLI's edge (exit.ts usageFailure).

/** ScanOptions field -> the scan command's flag. Fields without a flag (targets) are left as they are. */
const FLAGS: Readonly<Record<string, string>> = {
  ports: 'ports',
  mode: 'mode',
  tasks: 'tasks',
  timeoutMs: 'timeout',
  minTimeoutMs: 'min-timeout',
  retries: 'retries',
  maxMiss: 'max-miss',
  ratePps: 'rate',
  full: 'full',
  waitMs: 'wait',
  sourcePort: 'source-port',
  sourceIp: 'source-ip',
  device: 'interface',
  sendPath: 'send',
  routerMac: 'router-mac',
  seed: 'seed',
  shard: 'shard',
  adaptive: 'adaptive',
  tarpitLimit: 'tarpit-limit',
  startIp: 'start-ip',
  endIp: 'end-ip',
  inputFiles: 'input-file',
  exclude: 'exclude',
  excludeFiles: 'exclude-file',
  yes: 'yes',
  defaultExcludes: 'default-excludes',
};

/** A library message in the CLI's terms: "option 'ratePps'" becomes "option '--rate'". */
export function withFlagNames(message: string): string {
  return message
    .replace(/set option 'defaultExcludes' to false/g, "give option '--no-default-excludes'")
    .replace(/\b(options? |and )'([A-Za-z]+)'/g, (whole, lead: string, name: string) => {
      const flag = FLAGS[name];
      return flag === undefined ? whole : `${lead}'--${flag}'`;
    });
}
