// The pure packet code of Stealth mode (native/pkt_*, native/plan_permute) has its own C++ test
// executable, built with AddressSanitizer and UBSan by the test build only
// (`npm run build:native:test`, which scripts/setup.sh runs: CMakeLists.txt, option PORTSCAN_TESTS,
// target portscan_pkt_test). This runs it and checks it reports no failure:
// checksums, SipHash vectors, SYN templates, cookie round trips, the frame parser on truncated,
// malformed and fuzzed frames, and the permutation. No network, no privileges.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
// CMakeLists.txt puts it in the build directory root; the others cover other generators.
const candidates = [
  'build/portscan_pkt_test',
  'build/Release/portscan_pkt_test',
  'build/Debug/portscan_pkt_test',
].map((p) => join(root, p));

describe('native packet code (portscan_pkt_test)', () => {
  it('passes every check, with no sanitizer report', () => {
    const exe = candidates.find((p) => existsSync(p));
    if (exe === undefined) {
      throw new Error(
        `portscan_pkt_test not found; looked in:\n  ${candidates.join('\n  ')}\n` +
          'build it with `npm run build:native:test` (or scripts/setup.sh; `npm install` does not build it)',
      );
    }
    const run = spawnSync(exe, [], { encoding: 'utf8', timeout: 120_000 });
    const output = `${run.stdout}${run.stderr}`;
    if (run.error !== undefined) throw run.error;
    // On failure, show what the executable printed (FAIL lines, sanitizer reports).
    expect({ status: run.status, signal: run.signal, output }).toEqual(
      expect.objectContaining({ status: 0, signal: null }),
    );
    expect(run.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    expect(run.stdout).toContain('0 failed');
  });
});
