// SPDX-License-Identifier: MIT
// resume-large-plan.test.ts (root-safety #1/#7, follow-up): a checkpoint's plan is resumed as it
// was confirmed. A plan of more than 2^24 addresses started with option 'yes' resumes (the
// checkpoint records the go, and the resume announces the plan's size again); one whose
// checkpoint lacks it is refused unless --yes is given with --resume; a plan made with the
// default exclusions off resumes as recorded (the recorded targets are the plan's addresses:
// nothing is left out of them a second time). Checkpoints come from checkpointBase on a real
// plan and go through a file (writeCheckpoint, readCheckpoint) as the CLI's do; every scan runs
// on the fake binding, stopped before it starts: nothing is sent, and DNS is forbidden.
import { UsageError } from '../../lib/errors';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from '../../lib/cli/checkpoint';
import { checkpointBase } from '../../lib/cli/checkpoint-data';
import { checkResumeArgv, resumedOptions } from '../../lib/cli/resume';
import { runScan } from '../../lib/scan';
import type { ScanOptions } from '../../lib/options';
import { fakeBinding } from '../helpers/fake-binding';
import { forbidDns } from '../helpers/targets';
import { scratchDir } from '../hostile/root';

forbidDns();

/** Runs `o` on the fake binding, stopped at once; the notices, or the error it was refused with. */
async function stopped(o: ScanOptions, onStart?: Parameters<typeof runScan>[1]['onStart']) {
  const { binding } = fakeBinding({ script: () => 'silent' });
  const stop = new AbortController();
  stop.abort();
  const notices: string[] = [];
  const hooks = {
    onResult: () => undefined,
    onNotice: (n: string) => notices.push(n),
    ...(onStart ? { onStart } : {}),
  };
  try {
    await runScan({ ...o, signal: stop.signal }, hooks, { binding });
  } catch (err) {
    return { err: err as Error, notices };
  }
  return { notices };
}

describe('resuming a checkpoint of a large or unexcluded plan', () => {
  let tmp: ReturnType<typeof scratchDir>;
  beforeEach(() => (tmp = scratchDir('resume-large')));
  afterEach(() => tmp.remove());

  /** The checkpoint a CLI run of `o` writes at its start, read back from its file. */
  async function checkpointOf(o: ScanOptions): Promise<Checkpoint> {
    let cp: Checkpoint | undefined;
    const r = await stopped(o, (plan, resolved, range) => {
      const base = checkpointBase(plan, resolved, range, o, { path: tmp.path('out.ndjson'), format: 'ndjson' });
      cp = { ...base, position: range.start.toString(), outputBytes: 0, updated: new Date().toISOString() };
    });
    expect(r.err).toBeUndefined();
    if (!cp) throw new Error('the scan did not start');
    writeCheckpoint(tmp.path('cp'), cp);
    return readCheckpoint(tmp.path('cp'));
  }

  /** Resumes `cp` as main.ts does, with the options given beside --resume. */
  function resume(cp: Checkpoint, given: ScanOptions = {}) {
    const r = resumedOptions(cp, given);
    const options = { ...r.options, resume: { position: BigInt(cp.position), planHash: cp.planHash } };
    return stopped(options).then((s) => ({ ...s, notices: [...r.notices, ...s.notices] }));
  }

  const WHOLE = { targets: '0.0.0.0/0', ports: '80', mode: 'connect' } as const;

  it('a /0 started with yes resumes, announced as large again', async () => {
    const cp = await checkpointOf({ ...WHOLE, yes: true });
    const r = await resume(cp);
    expect(r.err).toBeUndefined();
    expect(r.notices.some((n) => /^large plan: \d+ addresses x 1 ports/.test(n))).toBe(true);
  });

  it('a /0 started with a rate resumes', async () => {
    const r = await resume(await checkpointOf({ ...WHOLE, ratePps: 1000 }));
    expect(r.err).toBeUndefined();
  });

  it('a /0 started with yes and no default exclusions resumes as recorded', async () => {
    const r = await resume(await checkpointOf({ ...WHOLE, yes: true, defaultExcludes: false }));
    expect(r.err).toBeUndefined();
  });

  it('a small plan made with no default exclusions resumes as recorded', async () => {
    // 192.0.0.0-192.0.3.0 contains 192.0.0.0/24 and 192.0.2.0/24, left out by default.
    const r = await resume(
      await checkpointOf({ targets: '192.0.0.0-192.0.3.0', ports: '80', mode: 'connect', defaultExcludes: false }),
    );
    expect(r.err).toBeUndefined();
  });

  it('a checkpoint of a large plan without the go is refused, and resumes with --yes given (said)', async () => {
    const cp = await checkpointOf({ ...WHOLE, yes: true });
    const { yes: _yes, ...rest } = cp.options as Record<string, unknown>;
    const unconfirmed = { ...cp, options: rest } as Checkpoint;
    const refused = await resume(unconfirmed);
    expect(refused.err).toBeInstanceOf(UsageError);
    expect(refused.err?.message).toMatch(/^the plan is large: /);
    const r = await resume(unconfirmed, { yes: true });
    expect(r.err).toBeUndefined();
    expect(r.notices).toContain("resuming with --yes (the checkpoint's run did not have it)");
  });

  it('--yes may be given with --resume', () => {
    expect(() => checkResumeArgv(['--resume', 'cp', '-o', 'out', '--yes'])).not.toThrow();
    expect(() => checkResumeArgv(['--resume', 'cp', '--no-default-excludes'])).toThrow(/cannot be given with --resume/);
  });
});
