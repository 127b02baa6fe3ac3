// SPDX-License-Identifier: MIT
// privdrop.ts: a root scan gives up root once what needs it is open (CLI policy; the library
// never changes the process's user unless its caller does this through RunHooks). Who to become:
// --user NAME|UID, else the sudo user (SUDO_UID/SUDO_GID), else nobody; --user root keeps root.
// Before the first probe it checks, as that user, that the checkpoint's directory is writable
// (the checkpoint is rewritten after the drop); if not, the scan stays root and says so. The
// drop is process-wide and for good: setgroups([]), setgid, setuid (glibc applies them to every
// thread; the kernel then clears every thread's capabilities), then verified in every thread.
// Not root but holding file capabilities: the JS thread sheds them at the same moment.
import { closeSync, constants, openSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';

import { ScanError, UsageError } from '../errors';
import { escapeText, shownPath } from '../safe-fs';
import { say } from './exit';

/** The user a root scan becomes. */
export interface DropUser {
  name: string;
  uid: number;
  gid: number;
}

/** One passwd entry by name or uid (the addon's getpwnam_r/getpwuid_r), or null. */
export type UserLookup = (key: string | number) => DropUser | null;

const NOBODY: DropUser = { name: 'nobody', uid: 65534, gid: 65534 };
const MAX_ID = 4294967294; // (uid_t)-1 means "unchanged" to set*id

function sudoId(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  const id = Number(text);
  return id > 0 && id <= MAX_ID ? id : undefined;
}

/** SUDO_UID and SUDO_GID as sudo set them (bin/portscan.js passes them: lib/ reads no environment). */
export interface SudoIds {
  SUDO_UID?: string | undefined;
  SUDO_GID?: string | undefined;
}

/**
 * Whom a process running with euid 0 becomes: `--user` (a name or a uid; 'root' or 0 keep
 * root: undefined), else the sudo user when the real uid is 0, else nobody. Throws UsageError
 * for a user the system does not know.
 */
export function chooseDropUser(
  userArg: string | undefined,
  sudo: SudoIds,
  lookup: UserLookup,
  realUid = process.getuid?.(),
): DropUser | undefined {
  if (userArg !== undefined) {
    const key = /^\d{1,10}$/.test(userArg) && Number(userArg) <= MAX_ID ? Number(userArg) : userArg;
    const user = lookup(key);
    if (!user) throw new UsageError(`option '--user': no such user '${escapeText(userArg, 40)}'`);
    return user.uid === 0 ? undefined : user;
  }
  const uid = sudoId(sudo.SUDO_UID);
  const gid = sudoId(sudo.SUDO_GID);
  if (realUid === 0 && uid !== undefined && gid !== undefined) {
    return { name: lookup(uid)?.name ?? `uid ${uid}`, uid, gid };
  }
  return lookup('nobody') ?? NOBODY;
}

/**
 * Can `user` create and remove a file in `dir`? Tried as that user (effective ids only, then
 * back to root), so permissions, ACLs and sticky bits all count. Root only.
 */
export function canWriteDir(user: DropUser, dir: string): boolean {
  const groups = process.getgroups?.() ?? [];
  const egid = process.getegid?.() ?? 0;
  const probe = join(dir, `.portscan-probe-${randomBytes(8).toString('hex')}`);
  try {
    process.setgroups?.([]);
    process.setegid?.(user.gid);
    process.seteuid?.(user.uid);
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    closeSync(openSync(probe, flags, 0o600));
    unlinkSync(probe);
    return true;
  } catch {
    return false;
  } finally {
    process.seteuid?.(0);
    process.setegid?.(egid);
    process.setgroups?.(groups);
  }
}

/** One field of a /proc status file ('?' when absent). */
function statusField(status: string, name: string): string {
  return new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim() ?? '?';
}

/** The capabilities a /proc status file shows in the effective or permitted set, or null when none. */
function capabilitiesIn(status: string): string | null {
  const eff = statusField(status, 'CapEff');
  const prm = statusField(status, 'CapPrm');
  return /^0+$/.test(eff) && /^0+$/.test(prm) ? null : `CapEff ${eff}, CapPrm ${prm}`;
}

/** What in this process is still privileged after a drop to `user`, or null when nothing is. */
export function privilegeLeft(user: DropUser): string | null {
  const ids = [process.getuid?.(), process.geteuid?.(), process.getgid?.(), process.getegid?.()];
  if (ids.join() !== [user.uid, user.uid, user.gid, user.gid].join()) return `the ids are ${ids.join(', ')}`;
  for (const task of readdirSync('/proc/self/task')) {
    let status: string;
    try {
      status = readFileSync(`/proc/self/task/${task}/status`, 'utf8');
    } catch {
      continue; // the thread has exited
    }
    const uids = statusField(status, 'Uid').split(/\s+/);
    const gids = statusField(status, 'Gid').split(/\s+/);
    const caps = capabilitiesIn(status);
    if (uids.some((u) => u !== String(user.uid)) || gids.some((g) => g !== String(user.gid)) || caps !== null) {
      return `thread ${task} has Uid ${uids.join(' ')}, Gid ${gids.join(' ')}, ${caps ?? 'no capabilities'}`;
    }
  }
  return null;
}

/** The capabilities the calling thread holds (see capabilitiesIn), or null. */
function threadCapabilities(): string | null {
  return capabilitiesIn(readFileSync('/proc/thread-self/status', 'utf8'));
}

/** What PrivilegeDrop needs of the addon. */
export interface PrivilegeNative {
  lookupUser: UserLookup;
  /** Clears the calling thread's capability sets (capset). */
  dropCapabilities(): void;
}

/**
 * The CLI's side of RunHooks.onPrivilegedOpen: decides the user before the scan, checks the
 * checkpoint directory before the first probe, and drops when the engine says everything that
 * needs privilege is open. Not root but holding capabilities (a dedicated node with
 * cap_net_raw): the JS thread drops them there (the engine's threads drop theirs as they start,
 * native/thread_caps.h); Node's own helper threads keep theirs, capabilities being per-thread.
 */
export class PrivilegeDrop {
  private dropped = false;

  private constructor(
    /** undefined: no user to become (not root, or --user root). */
    private user: DropUser | undefined,
    private readonly talk: { quiet: boolean; verbose: boolean },
    /** Not root: drops the calling thread's capabilities. */
    private readonly dropCapabilities?: () => void,
  ) {}

  /** From --user and the environment; throws UsageError for an unknown user. */
  static choose(
    userArg: string | undefined,
    sudo: SudoIds,
    native: () => PrivilegeNative,
    talk: { quiet: boolean; verbose: boolean },
  ): PrivilegeDrop {
    if (process.geteuid?.() !== 0) {
      if (userArg !== undefined) say(talk.quiet, 'not running as root: --user has nothing to drop');
      return new PrivilegeDrop(undefined, talk, () => native().dropCapabilities());
    }
    const user = chooseDropUser(userArg, sudo, native().lookupUser);
    if (!user) say(!talk.verbose, 'keeping root for the whole scan (--user root)');
    return new PrivilegeDrop(user, talk);
  }

  /** Who owns the checkpoint files written before the drop, so the user can replace them after it. */
  get owner(): { uid: number; gid: number } | undefined {
    return this.user && !this.dropped ? { uid: this.user.uid, gid: this.user.gid } : undefined;
  }

  /** Before the first probe: if the user cannot write the checkpoint's directory, stay root and say so. */
  checkCheckpoint(path: string): void {
    const dir = dirname(resolve(path));
    if (!this.user || canWriteDir(this.user, dir)) return;
    say(
      false, // even with -q: the scan keeps more privilege than the user expects
      `staying root: '${escapeText(this.user.name, 40)}' cannot write ${shownPath(dir)}, where the checkpoint goes; ` +
        'use --user USER or a checkpoint directory that user can write',
    );
    this.user = undefined;
  }

  /** Everything privileged is open: become the user for good (or shed capabilities), and check it took. */
  drop(): void {
    if (this.dropped) return;
    if (this.user) this.becomeUser(this.user);
    else if (this.dropCapabilities) this.shedCapabilities(this.dropCapabilities);
  }

  private shedCapabilities(dropCapabilities: () => void): void {
    if (threadCapabilities() === null) return; // nothing held: an ordinary user's scan
    let left: string | null;
    try {
      dropCapabilities();
      left = threadCapabilities();
    } catch (err) {
      left = (err as Error).message;
    }
    if (left !== null) throw new ScanError(`could not drop capabilities: ${left}`, 'EPRIVDROP', 'the scan was stopped');
    this.dropped = true;
    say(
      !this.talk.verbose,
      "dropped capabilities: the JS and engine threads hold none from here on (Node's own helper threads " +
        'keep theirs: capabilities are per-thread)',
    );
  }

  private becomeUser(user: DropUser): void {
    let left: string | null;
    try {
      process.setgroups?.([]);
      process.setgid?.(user.gid);
      process.setuid?.(user.uid);
      left = privilegeLeft(user);
    } catch (err) {
      left = (err as Error).message;
    }
    if (left !== null) {
      throw new ScanError(
        `could not drop root to '${escapeText(user.name, 40)}' (uid ${user.uid}, gid ${user.gid}): ${left}`,
        'EPRIVDROP',
        'the scan was stopped; --user root keeps root (not advised)',
      );
    }
    this.dropped = true;
    say(
      !this.talk.verbose,
      `dropped root: scanning as ${escapeText(user.name, 40)} (uid ${user.uid}, gid ${user.gid}) from here on`,
    );
  }
}
