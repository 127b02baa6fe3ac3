// The libFuzzer harness of the Stealth-mode packet parser and cookie check (native/fuzz/
// fuzz_parse.cc, built and run by scripts/fuzz.sh): a short run, 20 s on the seed corpus, when
// clang with its libFuzzer runtime is on this machine; a crash, sanitizer report or broken
// invariant fails it. Without clang the run is skipped, and its name says how to enable it
// (scripts/setup.sh installs clang when run as root). `npm run fuzz` runs it for longer.
// No network, no privileges.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const SECONDS = 20;
const CORPUS = join(root, 'native', 'fuzz', 'corpus');
/** Link types the harness picks with the first byte (native/fuzz/fuzz_common.h, kFuzzLinks). */
const SELECTORS = 9;

/** Why libFuzzer cannot be used here, or null when a probe links with -fsanitize=fuzzer. */
function libFuzzerMissing(): string | null {
  const cxx = process.env.FUZZ_CXX ?? 'clang++';
  const dir = mkdtempSync(join(tmpdir(), 'portscan-fuzz-probe-'));
  try {
    const src = join(dir, 'probe.cc');
    writeFileSync(src, 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n');
    const r = spawnSync(cxx, ['-fsanitize=fuzzer,address,undefined', src, '-o', join(dir, 'probe')], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.error !== undefined) return `${cxx} not found`;
    if (r.status !== 0) return `${cxx} cannot link -fsanitize=fuzzer (no libFuzzer runtime)`;
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('fuzz seed corpus (native/fuzz/corpus)', () => {
  it('is small and has frames for every link type the harness picks', () => {
    const files = readdirSync(CORPUS);
    const bytes = files.reduce((n, f) => n + statSync(join(CORPUS, f)).size, 0);
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBeLessThan(200);
    expect(bytes).toBeLessThan(1 << 20);
    const selectors = new Set(files.map((f) => (readFileSync(join(CORPUS, f))[0] ?? 0) % SELECTORS));
    expect([...selectors].sort((a, b) => a - b)).toEqual([...Array(SELECTORS).keys()]);
  });
});

const missing = libFuzzerMissing();
const suite = missing === null ? describe : describe.skip;
const title =
  missing === null
    ? `libFuzzer harness: packet parser and cookie check (scripts/fuzz.sh ${SECONDS})`
    : `libFuzzer harness: skipped because ${missing}; ` +
      'enable it with `apt-get install clang libclang-rt-dev` (scripts/setup.sh does this as root)';

suite(title, () => {
  it(`runs ${SECONDS} s on the seed corpus with no crash, sanitizer report or broken invariant`, () => {
    // Its own output directory, so a concurrent `npm run fuzz` is not disturbed.
    const run = spawnSync('bash', [join(root, 'scripts', 'fuzz.sh'), String(SECONDS)], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, FUZZ_OUT: 'build/fuzz/jest' },
      timeout: (SECONDS + 180) * 1000,
    });
    if (run.error !== undefined) throw run.error;
    const output = `${run.stdout}${run.stderr}`;
    // On failure, show what the script printed (the sanitizer report and the saved input).
    expect({ status: run.status, signal: run.signal, output }).toEqual(
      expect.objectContaining({ status: 0, signal: null }),
    );
    const m = /^fuzz: (\d+) executions in (\d+) s, cov: (\d+), no crash$/m.exec(run.stdout);
    expect(m).not.toBeNull();
    expect(Number(m?.[1])).toBeGreaterThan(10_000);
    expect(Number(m?.[3])).toBeGreaterThan(50);
  });
});
