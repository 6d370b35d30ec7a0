import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { TaskRuntime } from '../../src/state/tasks-slice.js';
import { emptyProgress } from '../../src/state/progress.js';
import { TaskStatus } from '../../src/state/task-status.js';
import { coverageText } from '../../src/ui/coverage-text.js';
import { createPaint } from '../../src/ui/paint.js';
import { tableColumns, taskRowText } from '../../src/ui/task-columns.js';
import { theme } from '../../src/ui/theme.js';

const task = { id: 'alpha@w1', processorId: 'alpha', windowId: 'w1', phaseId: '3' };
const paint = createPaint(new Chalk({ level: 0 }));
const barStart = (row: string) =>
  [theme.bar.filled, theme.bar.empty]
    .map((c) => row.indexOf(c))
    .filter((i) => i >= 0)
    .reduce((a, b) => Math.min(a, b));

describe('a status label in the task table', () => {
  it.each([
    ['ended unseen', { status: TaskStatus.endedUnseen }],
    [
      '12 dates failed',
      { status: TaskStatus.withFailures, failed: Array.from({ length: 12 }, (_, i) => `d${i}`) },
    ],
  ])('%s never runs into the progress bar, narrow or wide', (_label, shape) => {
    const { failed = [], status } = shape as { status: TaskStatus; failed?: string[] };
    const runtime = {
      status,
      attempt: 1,
      startedAt: Date.now() - 60_000,
      endedAt: Date.now(),
      progress: {
        ...emptyProgress,
        index: 2,
        total: 3,
        succeeded: 2,
        failed: failed.length,
        failedDates: failed,
      },
    } as unknown as TaskRuntime;
    for (const width of [95, 120, 160]) {
      const columns = tableColumns(width);
      if (columns.bar === 0) continue;
      const row = taskRowText(task, runtime, columns, Date.now(), paint);
      expect(row, `${width} columns: ${row}`).toMatch(/ended unseen|dates? (fa|failed)/);
      expect(row[barStart(row) - 1], `${width} columns: ${row}`).toBe(' ');
    }
  });

  it('cuts a pending label wider than its column one short of the bar', () => {
    const runtime = {
      status: TaskStatus.endedUnseen,
      attempt: 1,
      progress: { ...emptyProgress, index: 2, total: 3, succeeded: 2 },
    } as unknown as TaskRuntime;
    for (const width of [120, 160]) {
      const row = taskRowText(
        task,
        runtime,
        tableColumns(width),
        Date.now(),
        paint,
        false,
        undefined,
        'waiting for beta w1: 3/4 dates',
      );
      expect(row, `${width} columns: ${row}`).toContain('…');
      expect(row[barStart(row) - 1], `${width} columns: ${row}`).toBe(' ');
    }
  });
});

describe('the task name column', () => {
  it('keeps room for 20 characters of a name from 97 columns up, and the row fits the width', () => {
    const long = { ...task, processorId: 'team_offense_game_summary' };
    const runtime = { status: TaskStatus.pending, attempt: 0, progress: emptyProgress };
    for (let width = 97; width <= 200; width++) {
      const columns = tableColumns(width);
      const row = taskRowText(long, runtime, columns, Date.now(), paint);
      // 100 columns gave 8 characters of it ("team_of…") while 99 gave all of it; 19 and
      // the ellipsis tell every demo name from the others.
      expect(row, `${width} columns`).toContain('team_offense_game_s');
      expect(row.length, `${width} columns: ${row}`).toBeLessThanOrEqual(width);
    }
  });
});

describe('counts in words', () => {
  it('says "1 date", not "1 dates", for a cell without an expected count', () => {
    const cell = { covered: 1, missing: [], expectedDates: [], refreshing: false };
    expect(coverageText(cell)).toBe('1 date');
    expect(coverageText({ ...cell, covered: 3 })).toBe('3 dates');
  });
});
