import type { Task } from '../plan/types.js';
import type { TaskRuntime } from '../state/tasks-slice.js';
import { paceOf } from '../state/derive.js';
import { failureCount } from '../state/progress.js';
import { TaskStatus } from '../state/task-status.js';
import { formatDuration, padWidth, progressBar } from './format.js';
import type { Paint } from './paint.js';
import { theme } from './theme.js';

export type Columns = {
  name: number;
  window: number;
  status: number;
  bar: number;
  count: number;
  date: number;
  tallies: number;
  elapsed: number;
  eta: number;
};

/** Column widths for a table `width` columns wide; optional columns drop out on narrow screens. */
export const tableColumns = (width: number): Columns => {
  const wide = width >= 110;
  const fixed = {
    window: 9,
    status: 15,
    bar: wide ? 14 : 9,
    count: 8,
    date: wide ? 11 : 0,
    tallies: 15,
    elapsed: 8,
    eta: width >= 90 ? 8 : 0,
  };
  const used = 3 + Object.values(fixed).reduce((a, b) => a + b, 0);
  return { name: Math.max(8, width - used), ...fixed };
};

export const statusText = (task: TaskRuntime, now: number): string => {
  switch (task.status) {
    case TaskStatus.stopping:
      return task.killAt
        ? `stopping ${Math.max(0, Math.ceil((task.killAt - now) / 1000))}s`
        : 'killing';
    case TaskStatus.failed:
      return task.exitCode !== undefined ? `failed (${task.exitCode})` : 'failed to start';
    case TaskStatus.killed:
      return task.signal ? `killed ${task.signal.replace('SIG', '')}` : 'stopped';
    case TaskStatus.withFailures:
      return `${failureCount(task.progress)} dates failed`;
    default:
      return theme.status[task.status].label;
  }
};

/** One task as a coloured, fixed-width row. */
export const taskRowText = (
  task: Task,
  runtime: TaskRuntime,
  columns: Columns,
  now: number,
  paint: Paint,
  selected = false,
): string => {
  const { progress } = runtime;
  const pace = paceOf(runtime, now);
  const symbol = paint.status(runtime.status, theme.status[runtime.status].symbol);
  const cells = [
    // The pointer marks the selection even where the terminal shows no colour.
    `${selected ? '›' : ' '}${symbol} ${padWidth(task.processorId, columns.name - 2)}`,
    padWidth(task.windowId, columns.window),
    paint.status(runtime.status, padWidth(statusText(runtime, now), columns.status)),
    pace.fraction === undefined
      ? ' '.repeat(columns.bar)
      : paint.status(
          runtime.status,
          progressBar(pace.fraction, columns.bar - 1, theme.bar.filled, theme.bar.empty),
        ) + ' ',
    padWidth(progress.total ? `${progress.index ?? 0}/${progress.total}` : '', columns.count),
  ];
  if (columns.date > 0) cells.push(padWidth(progress.currentDate ?? '', columns.date));
  const failed = failureCount(progress);
  const tallies =
    runtime.attempt > 0
      ? [`✓${progress.succeeded}`, `✗${failed}`, `↷${progress.skipped}`]
      : ['', '', ''];
  cells.push(
    paint.count('ok', padWidth(tallies[0] ?? '', 5)) +
      (failed > 0
        ? paint.count('failed', padWidth(tallies[1] ?? '', 5))
        : padWidth(tallies[1] ?? '', 5)) +
      paint.count('skipped', padWidth(tallies[2] ?? '', columns.tallies - 10)),
  );
  const elapsed = runtime.startedAt
    ? formatDuration((runtime.endedAt ?? now) - runtime.startedAt)
    : '';
  cells.push(padWidth(elapsed, columns.elapsed));
  if (columns.eta > 0)
    cells.push(
      padWidth(pace.etaMs === undefined ? '' : `~${formatDuration(pace.etaMs)}`, columns.eta),
    );
  return cells.join('');
};

export const headingText = (columns: Columns, paint: Paint): string => {
  const cells = [
    padWidth('   TASK', columns.name + 1),
    padWidth('WINDOW', columns.window),
    padWidth('STATUS', columns.status),
    padWidth('PROGRESS', columns.bar),
    padWidth('DATES', columns.count),
  ];
  if (columns.date > 0) cells.push(padWidth('AT', columns.date));
  cells.push(padWidth('OK FAIL SKIP', columns.tallies), padWidth('ELAPSED', columns.elapsed));
  if (columns.eta > 0) cells.push(padWidth('ETA', columns.eta));
  return paint.muted(cells.join(''));
};
