import { readdirSync, readFileSync } from 'node:fs';

/**
 * Signals a whole process group; false when the group no longer exists. Group 0 would be the
 * console's own and -1 every process it may signal: neither is ever a task's.
 */
export const signalGroup = (pgid: number, signal: NodeJS.Signals | 0): boolean => {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    // EPERM means the group exists but is not ours to signal: still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Live (non-zombie) members of a process group, read from /proc. A zombie still counts
 * for kill(-pgid, 0), and an orphaned grandchild's zombie may never be reaped when pid 1
 * is not an init, so liveness must ignore zombies.
 */
export const liveGroupMembers = (pgid: number): number[] | undefined => {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // exited while we looked
    }
    // Fields after the parenthesised command name: state ppid pgrp ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
  }
  return members;
};

export const isGroupAlive = (pgid: number): boolean => {
  if (!signalGroup(pgid, 0)) return false;
  const members = liveGroupMembers(pgid);
  return members === undefined || members.length > 0;
};

/** How often we look for survivors while a group is being taken down. */
const groupPollMs = 50;

/**
 * SIGTERM to the group, SIGKILL to whatever is left after `graceMs`; resolves once no
 * process of the group remains. Handles grandchildren that ignore SIGTERM or outlive
 * their parent, which a kill of the leader alone would orphan.
 */
export const terminateGroup = (
  pgid: number,
  graceMs: number,
  onEscalate?: () => void,
): { done: Promise<void>; killNow: () => void } => {
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  const killNow = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    signalGroup(pgid, 'SIGKILL');
  };
  const done = new Promise<void>((resolve) => {
    if (!signalGroup(pgid, graceMs > 0 ? 'SIGTERM' : 'SIGKILL')) {
      resolve();
      return;
    }
    if (graceMs > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        onEscalate?.();
        signalGroup(pgid, 'SIGKILL');
      }, graceMs);
    }
    poll = setInterval(() => {
      if (isGroupAlive(pgid)) return;
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      resolve();
    }, groupPollMs);
  });
  return { done, killNow };
};
