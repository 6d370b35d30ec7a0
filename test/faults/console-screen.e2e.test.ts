/**
 * The built console's screen in a real terminal (tmux) under hostile conditions: a task printing
 * terminal escapes, a stop countdown on a task that ignores SIGTERM, a terminal resized below the
 * minimum and back. Build first: `npm run build`.
 */
import { describe, expect, it } from 'vitest';
import { isAlive } from '../support/runner-harness.js';
import { startTmux } from '../support/tmux.js';
import {
  consoleBin,
  consolePidOf,
  exitStatusOf,
  faultFixture,
  groupMembers,
  screenWithColours,
  sharedFixture,
  tmuxFormat,
  writeConsolePlan,
  cleanUpAfterEach,
} from './support.js';

const { terms, groups } = cleanUpAfterEach();

const open = (file: string, size: { columns?: number; rows?: number } = {}) => {
  const term = startTmux(['node', consoleBin, '--plan', file], size);
  terms.push(term);
  return term;
};

const pidOn = (screen: string) => {
  const pid = Number(/pid (\d+)/.exec(screen)?.[1]);
  groups.push(pid);
  return pid;
};

const rows = (screen: string) => screen.split('\n');

// eslint-disable-next-line no-control-regex -- colour codes are what is read
const leadingSgr = /^(?:\u001b\[[\d;]*m)*/;
// eslint-disable-next-line no-control-regex -- colour codes are what is read
const sgrCode = /\u001b\[([\d;]*)m/g;

/**
 * Rows of a `capture-pane -e` screen whose first character is drawn on a red background (SGR 41).
 * tmux only writes attribute changes, carried over from row to row, so the state is followed
 * through the whole capture.
 */
const rowsStartingOnRedBackground = (capture: string): string[] => {
  let red = false;
  const apply = (text: string) => {
    for (const [, sgr = ''] of text.matchAll(sgrCode)) {
      for (const param of (sgr === '' ? '0' : sgr).split(';')) {
        const n = Number(param);
        if (n === 41) red = true;
        else if (n === 0 || n === 49 || (n >= 40 && n <= 48) || (n >= 100 && n <= 107)) red = false;
      }
    }
  };
  const found: string[] = [];
  for (const row of rows(capture)) {
    const [codes = ''] = leadingSgr.exec(row) ?? [];
    apply(codes);
    if (red && row.length > codes.length) found.push(row);
    apply(row.slice(codes.length));
  }
  return found;
};

describe('a task that prints terminal escapes', () => {
  it('cannot clear, move, retitle or recolour the console screen', async () => {
    const { file } = writeConsolePlan([
      { id: 'storm', command: ['node', faultFixture('escape-storm.mjs'), '--forever'] },
    ]);
    const term = open(file);
    await term.waitForScreen((s) => /storm\s+w1\s+pending/.test(s), 'the task table');
    term.keys('Enter');
    const roundOf = (s: string) =>
      Math.max(0, ...[...s.matchAll(/round (\d+)/g)].map((m) => Number(m[1])));
    pidOn(await term.waitForScreen((s) => /pid \d+/.test(s), 'the task running'));
    for (const round of [3, 10, 20]) {
      const screen = await term.waitForScreen((s) => roundOf(s) >= round, `round ${round}`);
      const lines = rows(screen);
      expect(lines[0], screen).toMatch(/^backfill-console\s+▶ 1 running/);
      expect(lines[1]).toMatch(/^\s+TASK\s+WINDOW\s+STATUS/);
      expect(lines[2]).toContain('Phase 3 analytics');
      expect(lines[3]).toMatch(/storm\s+w1\s+running/);
      expect(screen).toContain('upherethere');
      expect(screen).toContain('title st');
      expect(lines.findLast((l) => l.trim() !== '')).toMatch(/\? help\s+q quit/);
    }
    expect(tmuxFormat(term, '#{pane_title}')).not.toMatch(/pwned/);
    expect(tmuxFormat(term, '#{alternate_on}')).toBe('1');
    // The red background a log line left open stays on that line.
    const rowsOnRed = rowsStartingOnRedBackground(screenWithColours(term));
    expect(rowsOnRed.length).toBeGreaterThan(0);
    expect(rowsOnRed.filter((row) => !row.includes('red background left open'))).toEqual([]);
  });
});

describe('stopping a task that ignores SIGTERM', () => {
  it('counts the status column down to SIGKILL', async () => {
    const { file } = writeConsolePlan(
      [{ id: 'stubborn', command: ['node', sharedFixture('ignore-sigterm.mjs')] }],
      { stopGraceSeconds: 4 },
    );
    const term = open(file);
    await term.waitForScreen((s) => /stubborn\s+w1\s+pending/.test(s), 'the task table');
    term.keys('Enter');
    const running = await term.waitForScreen(
      (s) => s.includes('ready') && /pid \d+/.test(s),
      'the task ready',
    );
    const pid = pidOn(running);
    term.keys('x');
    const seen: number[] = [];
    const end = await term.waitForScreen((s) => {
      const left = /stubborn\s+w1\s+stopping (\d+)s/.exec(s)?.[1];
      if (left !== undefined && seen.at(-1) !== Number(left)) seen.push(Number(left));
      return /stubborn\s+w1\s+killed KILL/.test(s);
    }, 'the task killed');
    // The first second shown is the grace period itself, never more.
    expect.soft(seen[0], `countdown seen: ${seen.join(', ')}`).toBeLessThanOrEqual(4);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    expect(end).toContain('ignoring SIGTERM');
    expect(end).toContain('grace period over: SIGKILL');
    expect(groupMembers(pid)).toEqual([]);
  });
});

describe('a terminal resized below the minimum', () => {
  const plan = () =>
    writeConsolePlan([{ id: 'ticker', command: ['node', sharedFixture('slow-printer.mjs')] }]);

  it('says it is too small at 40x10, draws the full table again at 120x40, and q still quits', async () => {
    const { file, stateDir } = plan();
    const term = open(file);
    await term.waitForScreen((s) => /ticker\s+w1\s+pending/.test(s), 'the task table');
    const consolePid = consolePidOf(stateDir);

    term.resize(40, 10);
    await term.waitForScreen((s) => s.includes('Terminal too small'), 'the too-small notice');
    term.resize(120, 40);
    const again = await term.waitForScreen(
      (s) => /ticker\s+w1\s+pending/.test(s) && !s.includes('too small'),
      'the full table again',
    );
    expect(rows(again)[0]).toMatch(/^backfill-console/);
    expect(again).toMatch(/TASK\s+WINDOW\s+STATUS\s+PROGRESS/);
    expect(isAlive(consolePid)).toBe(true);

    term.resize(40, 10);
    await term.waitForScreen((s) => s.includes('Terminal too small'), 'the too-small notice');
    term.keys('q');
    expect(await exitStatusOf(term)).toBe(0);
  });

  it('tells how to quit within 40 columns', async () => {
    const { file } = plan();
    const term = open(file, { columns: 40, rows: 10 });
    const screen = await term.waitForScreen((s) => s.includes('Terminal too small'), 'the notice');
    expect(screen).toContain('q quits');
  });

  it('shows the quit question when q is pressed at 40x10 with a task running', async () => {
    const { file } = plan();
    const term = open(file);
    await term.waitForScreen((s) => /ticker\s+w1\s+pending/.test(s), 'the task table');
    term.keys('Enter');
    pidOn(await term.waitForScreen((s) => /pid \d+/.test(s), 'the task running'));
    term.resize(40, 10);
    await term.waitForScreen((s) => s.includes('Terminal too small'), 'the too-small notice');
    term.keys('q');
    await term.waitForScreen(
      (s) => /running: s stop/.test(s.replace(/\s+/g, ' ')),
      'the quit question (s stop · l leave)',
      3000,
    );
  });
});
