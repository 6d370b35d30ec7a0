/**
 * Signals to the built console in a real terminal (tmux): SIGINT and SIGTERM shut it down, stop
 * the tasks and give the terminal back; a closed terminal (SIGHUP) leaves the tasks running for
 * the next console. Build first: `npm run build`.
 */
import { describe, expect, it } from 'vitest';
import { isAlive } from '../support/runner-harness.js';
import { startTmux } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';
import {
  consoleBin,
  consolePidOf,
  exitStatusOf,
  groupMembers,
  sharedFixture,
  tmuxFormat,
  writeConsolePlan,
  cleanUpAfterEach,
} from './support.js';

const { terms, groups } = cleanUpAfterEach();

const slowPlan = () =>
  writeConsolePlan([{ id: 'ticker', command: ['node', sharedFixture('slow-printer.mjs')] }]);

/** A console on `file` with its one task started; returns the terminal and the task's group. */
const consoleWithRunningTask = async (file: string) => {
  const term = startTmux(['node', consoleBin, '--plan', file]);
  terms.push(term);
  await term.waitForScreen((s) => /ticker\s+w1\s+pending/.test(s), 'the task table');
  term.keys('Enter');
  const screen = await term.waitForScreen(
    (s) => /pid \d+/.test(s) && s.includes('tick 2'),
    'the task running',
  );
  const pid = Number(/pid (\d+)/.exec(screen)?.[1]);
  groups.push(pid);
  return { term, pid };
};

describe('the console receiving SIGINT or SIGTERM', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s: stops the running task, restores the terminal and exits %i',
    async (signal, status) => {
      const { file, stateDir } = slowPlan();
      const { term, pid } = await consoleWithRunningTask(file);
      expect(tmuxFormat(term, '#{alternate_on}')).toBe('1');
      const consolePid = consolePidOf(stateDir);

      process.kill(consolePid, signal);
      expect(await exitStatusOf(term)).toBe(status);
      // The terminal is back: the normal screen, without the console's frame.
      expect(tmuxFormat(term, '#{alternate_on}')).toBe('0');
      expect(term.screen()).not.toContain('backfill-console');
      // Only the cursor restore the cli-cursor package writes on exit, no error.
      expect(term.stderr().replace('\u001b[?25h', '')).toBe('');
      expect(groupMembers(pid)).toEqual([]);
    },
  );
});

describe('the console losing its terminal (SIGHUP)', () => {
  it('tmux kill-server: the task keeps running and the next console re-attaches to it', async () => {
    const { file, stateDir } = slowPlan();
    const first = await consoleWithRunningTask(file);
    const consolePid = consolePidOf(stateDir);
    first.term.kill();
    terms.splice(terms.indexOf(first.term), 1);
    await waitFor('the first console to exit', () => !isAlive(consolePid), 15_000);
    expect(isAlive(first.pid)).toBe(true);

    const term = startTmux(['node', consoleBin, '--plan', file]);
    terms.push(term);
    const again = await term.waitForScreen(
      (s) => s.includes('re-attached to 1 task') && /ticker\s+w1\s+running/.test(s),
      'the task re-attached and running',
    );
    expect(again).toContain(`pid ${first.pid}`);
    const tickOf = (s: string) =>
      Math.max(0, ...[...s.matchAll(/tick (\d+)/g)].map((m) => Number(m[1])));
    const before = tickOf(again);
    await term.waitForScreen((s) => tickOf(s) > before + 2, 'its log continuing');
  }, 40_000);

  it('SIGHUP while the terminal is still there: leaves the task running and restores the terminal', async () => {
    const { file, stateDir } = slowPlan();
    const { term, pid } = await consoleWithRunningTask(file);
    const consolePid = consolePidOf(stateDir);

    process.kill(consolePid, 'SIGHUP');
    await waitFor('the console to exit', () => !isAlive(consolePid), 15_000);
    expect(isAlive(pid)).toBe(true);
    // README: "SIGINT, SIGTERM and SIGHUP follow the same path and restore the terminal."
    // (The pane's shell reports 128+9 for a console that died of SIGKILL.)
    expect.soft(await exitStatusOf(term), 'exit status').toBe(129);
    expect.soft(tmuxFormat(term, '#{alternate_on}'), 'alternate screen still on').toBe('0');
    // (What it prints on the way out is checked in test/e2e: tmux may drop a dead pane's
    // last bytes, so that test keeps the pane open with a shell.)
  });
});
