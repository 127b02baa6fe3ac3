// SPDX-License-Identifier: MIT
// version.ts: whether nmap, masscan and zmap are installed, and which version each is, as its
// `--version` says it ("Nmap version 7.93", "Masscan version 1.3.2", "zmap 2.1.1"; masscan prints
// to stderr, so both streams are read).
import { spawnSync } from 'node:child_process';

const VERSION_PATTERNS = {
  nmap: /Nmap version \S+/,
  masscan: /Masscan version \S+/,
  zmap: /zmap \S+/,
} as const;

export type PeerTool = keyof typeof VERSION_PATTERNS;

export const PEER_TOOLS: readonly PeerTool[] = ['nmap', 'masscan', 'zmap'];

/** Is `cmd` on the PATH? */
export function installed(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The tool's version line, or null when it cannot be run or says no version. */
export function peerVersion(tool: PeerTool): string | null {
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8', timeout: 10000 });
  if (r.error) return null;
  return VERSION_PATTERNS[tool].exec(`${r.stdout ?? ''}\n${r.stderr ?? ''}`)?.[0]?.trim() ?? null;
}
