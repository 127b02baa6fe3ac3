// SPDX-License-Identifier: MIT
// threads.ts: what /proc says about each thread of a running process (its name, ids and
// capability sets), and a poll that waits for a condition on them without fixed sleeps. For the
// privilege tests (test/raw/privdrop.test.ts, test/raw/capdrop.test.ts).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** One thread's name and its Uid, Gid, CapEff and CapPrm lines (tab-separated as in /proc). */
export interface TaskStatus {
  tid: string;
  comm: string;
  uid: string;
  gid: string;
  capEff: string;
  capPrm: string;
}

/** Every thread of `pid` still there; [] once the process is gone. */
export function tasksOf(pid: number): TaskStatus[] {
  const out: TaskStatus[] = [];
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    let text: string;
    let comm: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue; // the thread has exited
    }
    const field = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
    out.push({ tid, comm, uid: field('Uid'), gid: field('Gid'), capEff: field('CapEff'), capPrm: field('CapPrm') });
  }
  return out;
}

/** Holds no capability in its effective or permitted set. */
export const noCapabilities = (t: TaskStatus): boolean => /^0+$/.test(t.capEff) && /^0+$/.test(t.capPrm);

/**
 * Polls `pid`'s threads every 10 ms until `until(tasks)` holds or the process exits: the
 * threads as last seen, and getpcaps' line for the process at that moment ('' if never).
 */
export async function watchTasks(
  pid: number,
  exited: () => boolean,
  until: (tasks: TaskStatus[]) => boolean,
): Promise<{ tasks: TaskStatus[]; pcaps: string }> {
  let tasks: TaskStatus[] = [];
  while (!exited()) {
    const now = tasksOf(pid);
    if (now.length > 0) tasks = now;
    if (now.length > 0 && until(now)) {
      try {
        const pcaps = execFileSync('getpcaps', [String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        return { tasks, pcaps: pcaps.trim() };
      } catch {
        break; // it exited in between
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { tasks, pcaps: '' };
}
