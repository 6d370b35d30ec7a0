/**
 * Helpers the fault tests share: fixture paths, a /proc scan of a task's process group, the
 * console's pid from its lock, and a look at the private tmux server `startTmux` started.
 */
import { execFileSync } from 'node:child_process';
import { afterEach } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const consoleBin = path.join(repoRoot, 'bin/backfill-console.js');

/** A fixture of this suite (test/faults/fixtures). */
export const faultFixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** A fixture shared with the runner tests (test/fixtures). */
export const sharedFixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/**
 * Live (non-zombie) processes whose process group is `pgid`, read straight from /proc: what is
 * left of a task, independent of the console's own bookkeeping.
 */
export const groupMembers = (pgid: number): number[] => {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // ended while we looked
    }
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
  }
  return members;
};

/** The pid in `<stateDir>/console.lock`, written by the console that holds the folder. */
export const consolePidOf = (stateDir: string): number =>
  (JSON.parse(readFileSync(path.join(stateDir, 'console.lock'), 'utf8')) as { pid: number }).pid;

type Terminal = { panePid: () => number; exitStatus: () => number | undefined };

const tmuxSocketDir = () =>
  path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`);

/**
 * The private socket `startTmux` opened for `term` (named `bc-e2e-<our pid>-<random>`): the one
 * whose pane runs the same process. Sockets of servers already killed are skipped.
 */
const socketOf = (term: Terminal): string => {
  const panePid = String(term.panePid());
  for (const name of readdirSync(tmuxSocketDir())) {
    if (!name.startsWith(`bc-e2e-${process.pid}-`)) continue;
    try {
      const pid = execFileSync(
        'tmux',
        ['-L', name, 'display-message', '-p', '-t', 'main', '#{pane_pid}'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      ).trim();
      if (pid === panePid) return name;
    } catch {
      // a server that is gone
    }
  }
  throw new Error(`no tmux server of this test process runs pane pid ${panePid}`);
};

/** A tmux format for `term`'s pane, e.g. `#{alternate_on}`, `#{pane_title}`, `#{pane_dead_status}`. */
export const tmuxFormat = (term: Terminal, format: string): string =>
  execFileSync('tmux', ['-L', socketOf(term), 'display-message', '-p', '-t', 'main', format], {
    encoding: 'utf8',
  }).trim();

/**
 * The program's exit status once tmux knows it. tmux 3.3 marks a pane dead when its terminal
 * closes, a moment before it has reaped the process, and `startTmux().exitStatus()` reads the
 * empty status of that moment as 0: wait for the real number instead.
 */
export const exitStatusOf = async (term: Terminal, deadlineMs = 15_000): Promise<number> => {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const status = term.exitStatus();
    if (status !== undefined) return status;
    if (Date.now() > deadline) throw new Error('no exit status');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** `term`'s screen with its colours (capture-pane -e). */
export const screenWithColours = (term: Terminal): string =>
  execFileSync('tmux', ['-L', socketOf(term), 'capture-pane', '-e', '-p', '-t', 'main'], {
    encoding: 'utf8',
  });

export type PlanProcessor = {
  id: string;
  command: string[];
  phase?: string;
  cwd?: string;
};

/** Writes a one-window plan (JSON is YAML) into a fresh temp folder; returns its paths. */
export const writeConsolePlan = (
  processors: PlanProcessor[],
  settings: Record<string, unknown> = {},
): { dir: string; file: string; stateDir: string } => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faults-'));
  const file = path.join(dir, 'backfill.yaml');
  writeFileSync(
    file,
    JSON.stringify(
      {
        version: 1,
        name: 'fault plan',
        settings: { stopGraceSeconds: 2, ...settings },
        windows: [{ id: 'w1', start: '2022-04-16', end: '2022-04-20' }],
        phases: [{ id: '3', title: 'Phase 3 analytics' }],
        processors: processors.map((p) => ({ phase: '3', ...p })),
      },
      null,
      2,
    ),
  );
  return { dir, file, stateDir: path.join(dir, '.backfill') };
};

/**
 * Terminals and task process groups a test opened, taken down after each test: every tmux
 * server killed, every group SIGKILLed, then any extra cleanups. Call once per test file.
 */
export const cleanUpAfterEach = () => {
  const terms: { kill: () => void }[] = [];
  const groups: number[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const term of terms.splice(0)) term.kill();
    for (const pgid of groups.splice(0)) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  return { terms, groups, cleanups };
};
