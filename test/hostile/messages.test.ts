// SPDX-License-Identifier: MIT
// messages.test.ts (root-safety #3): no message quotes more than a short, escaped excerpt of a
// file or a token: a checkpoint or target file holding a secret (/etc/shadow's first line) is not
// echoed, control bytes are escaped, a 10 MB bad token makes a short message. The CLI runs here
// stop at parsing (no target in them is valid: nothing is sent); the rest is parsed in-process.
import { writeFileSync } from 'node:fs';

import { ParseError } from '../../lib/errors';
import { parsePortList } from '../../lib/plan/port-list';
import { parseTargetFile, parseTargets } from '../../lib/plan/targets';
import { runCli } from '../helpers/cli';
import { scratchDir } from './root';

const HASH = 'Xk9sECRETsECRETsECRETsECRETsECRETsECRETsECRETsECRETsECRET0';
const SHADOW = `root:$6$saltsalt$${HASH}:19000:0:99999:7:::\n`;

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('hostile files: messages', () => {
  let tmp: ReturnType<typeof scratchDir>;
  beforeEach(() => (tmp = scratchDir('messages')));
  afterEach(() => tmp.remove());

  it('--resume on a secret file does not print its contents', () => {
    const secret = tmp.path('shadow');
    writeFileSync(secret, SHADOW);
    const r = runCli(['--resume', secret]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/is not a portscan checkpoint/);
    expect(r.stderr).not.toContain('sECRET');
    expect(r.stderr).not.toContain('root:');
  });

  it('-i on a secret file quotes at most a short excerpt of it (never the hash)', () => {
    const secret = tmp.path('shadow');
    writeFileSync(secret, SHADOW);
    const r = runCli(['-i', secret, '-p', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/line 1 of /);
    expect(r.stderr).not.toContain('sECRET');
    const e = thrown(() => parseTargetFile(secret));
    expect(e).toBeInstanceOf(ParseError);
    expect(e.message).not.toContain('sECRET');
  });

  it('control bytes in bad input are escaped', () => {
    const evil = tmp.path('evil.txt');
    writeFileSync(evil, '127.0.0.1 \x1b]0;pwned\x07\x1b[2J\n');
    const e = thrown(() => parseTargetFile(evil));
    // eslint-disable-next-line no-control-regex
    expect(e.message).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(e.message).toContain('\\x1b');
    // eslint-disable-next-line no-control-regex
    expect(thrown(() => parsePortList('80,\x1b[31m')).message).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it('a 10 MB bad token gives a message of bounded length', () => {
    const token = 'a'.repeat(10 * 1024 * 1024) + '!';
    expect(thrown(() => parseTargets(`127.0.0.1 ${token}`)).message.length).toBeLessThan(300);
    expect(thrown(() => parsePortList(`80,${token}`)).message.length).toBeLessThan(300);
    const file = tmp.path('big.txt');
    writeFileSync(file, `127.0.0.1\n${token}\n`);
    expect(thrown(() => parseTargetFile(file)).message.length).toBeLessThan(300);
  });
});
