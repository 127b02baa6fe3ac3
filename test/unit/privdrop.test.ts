// SPDX-License-Identifier: MIT
// privdrop.test.ts: whom a root scan drops to (lib/cli/privdrop.ts chooseDropUser): --user by
// name or uid, root kept only when asked, the sudo user only from whole positive ids and a real
// uid of 0, nobody otherwise. The users come from a fake lookup: nothing here changes ids.
import { chooseDropUser, type DropUser } from '../../lib/cli/privdrop';
import { UsageError } from '../../lib/errors';

const USERS: DropUser[] = [
  { name: 'root', uid: 0, gid: 0 },
  { name: 'alice', uid: 1000, gid: 1000 },
  { name: 'nobody', uid: 65534, gid: 65534 },
];
const lookup = (key: string | number): DropUser | null =>
  USERS.find((u) => (typeof key === 'number' ? u.uid === key : u.name === key)) ?? null;
const NOBODY = { name: 'nobody', uid: 65534, gid: 65534 };

describe('chooseDropUser', () => {
  test('--user by name or uid; root or 0 keep root', () => {
    expect(chooseDropUser('alice', {}, lookup, 0)).toEqual({ name: 'alice', uid: 1000, gid: 1000 });
    expect(chooseDropUser('1000', {}, lookup, 0)).toEqual({ name: 'alice', uid: 1000, gid: 1000 });
    expect(chooseDropUser('root', {}, lookup, 0)).toBeUndefined();
    expect(chooseDropUser('0', {}, lookup, 0)).toBeUndefined();
  });

  test('--user wins over the sudo user', () => {
    expect(chooseDropUser('nobody', { SUDO_UID: '1000', SUDO_GID: '1000' }, lookup, 0)).toEqual(NOBODY);
  });

  test('an unknown user is a usage error naming it, escaped', () => {
    expect(() => chooseDropUser('no-such-user-xyz', {}, lookup, 0)).toThrow(UsageError);
    expect(() => chooseDropUser('4242', {}, lookup, 0)).toThrow("no such user '4242'");
    expect(() => chooseDropUser('\x1b[31mx', {}, lookup, 0)).toThrow("no such user '\\x1b[31mx'");
  });

  test('the sudo user: both ids whole and above 0, and the real uid 0', () => {
    expect(chooseDropUser(undefined, { SUDO_UID: '1000', SUDO_GID: '1000' }, lookup, 0)).toEqual({
      name: 'alice',
      uid: 1000,
      gid: 1000,
    });
    expect(chooseDropUser(undefined, { SUDO_UID: '4242', SUDO_GID: '100' }, lookup, 0)).toEqual({
      name: 'uid 4242',
      uid: 4242,
      gid: 100,
    });
    for (const sudo of [
      { SUDO_UID: '0', SUDO_GID: '0' },
      { SUDO_UID: '1000' },
      { SUDO_UID: '1000', SUDO_GID: '-1' },
      { SUDO_UID: '10a', SUDO_GID: '1000' },
      { SUDO_UID: ' 1000', SUDO_GID: '1000' },
      { SUDO_UID: '4294967295', SUDO_GID: '1000' },
    ]) {
      expect(chooseDropUser(undefined, sudo, lookup, 0)).toEqual(NOBODY);
    }
    // Set-uid root run by alice (real uid 1000): SUDO_* are hers to forge, so they are not used.
    expect(chooseDropUser(undefined, { SUDO_UID: '1', SUDO_GID: '1' }, lookup, 1000)).toEqual(NOBODY);
  });

  test('nobody when the system has no entry for it', () => {
    expect(chooseDropUser(undefined, {}, () => null, 0)).toEqual(NOBODY);
  });
});
