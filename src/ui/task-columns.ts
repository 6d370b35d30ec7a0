import type { Task } from '../plan/types.js';
import type { TaskRuntime } from '../state/tasks-slice.js';
import { datesFailed } from '../state/counted.js';
import { paceOf } from '../state/derive.js';
import { failureCount } from '../state/progress.js';
import { TaskStatus } from '../state/task-status.js';
import { formatDuration, padWidth, progressBar } from './format.js';
import type { Paint } from './paint.js';
import { theme } from './theme.js';
import type { CoverageCell } from '../state/coverage-slice.js';
import { cellState, runAndDataDisagree } from '../state/coverage-state.js';
import { coverageText } from './coverage-text.js';
import { monotonicNow } from '../state/clock.js';

export type Columns = {
  cover: number;
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

/**
 * The name column gets at least this much while other columns can give way: at 100 columns
 * the full layout left it 8 characters ("team_of…") and the operator could not tell the
 * demo's tasks apart. 20 characters tell every demo name from the others.
 */
const leastName = 24;

/** What gives way, in turn, for the name: the bar (the count says the same), then a little of each. */
const givingWay: readonly (readonly [keyof Columns, number])[] = [
  ['bar', 0],
  ['tallies', 13],
  ['cover', 11],
  ['count', 7],
  ['elapsed', 7],
  ['window', 8],
];

/** Column widths for a table `width` columns wide; optional columns drop out on narrow screens. */
export const tableColumns = (width: number): Columns => {
  let columns = columnsFor(width);
  for (const [key, narrower] of givingWay) {
    if (columns.name >= leastName) break;
    if (columns[key] <= narrower) continue;
    const others = { ...columns, [key]: narrower };
    columns = { ...others, name: nameWidth(width, others) };
  }
  return columns;
};

/** What the other columns leave of `width` for the name (and its pointer and symbol). */
const nameWidth = (width: number, others: Omit<Columns, 'name'> & { name?: number }): number => {
  const { name: _name, ...rest } = others;
  return Math.max(8, width - 1 - Object.values(rest).reduce((a, b) => a + b, 0));
};

const columnsFor = (width: number): Columns => {
  const narrow = width < 100;
  // The current date also shows in the detail line and the log: it is the first to go.
  const wide = width >= 140;
  const fixed = {
    window: narrow ? 8 : 9,
    // Wide enough for "retry 2/3 in 45s" where the screen allows.
    status: narrow ? 13 : 17,
    // Coverage matters more than the bar on a narrow screen: the bar goes first.
    bar: wide ? 14 : narrow ? 0 : 9,
    count: narrow ? 7 : 8,
    date: wide ? 11 : 0,
    tallies: narrow ? 13 : 15,
    elapsed: narrow ? 7 : 8,
    eta: width >= 90 ? 8 : 0,
    cover: narrow ? 11 : 13,
  };
  return { name: nameWidth(width, fixed), ...fixed };
};

/** Cuts with a visible ellipsis, so a shortened name does not read as a different name. */
const ellipsis = (text: string, width: number): string =>
  text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;

/**
 * Seconds until SIGKILL, from the time of drawing on the monotonic clock `killAt` is on: the
 * table's 1 s clock may be up to a second old when a stop starts, and a wall-clock step must
 * not make it read 0 s or an hour while the kill timer runs its grace period.
 */
const countdown = (killAt: number): number =>
  Math.max(0, Math.ceil((killAt - monotonicNow()) / 1000));

export const statusText = (task: TaskRuntime): string => {
  switch (task.status) {
    case TaskStatus.stopping:
      return task.killAt ? `stopping ${countdown(task.killAt)}s` : 'killing';
    case TaskStatus.failed:
      return task.exitCode !== undefined ? `failed (${task.exitCode})` : 'start failed';
    case TaskStatus.killed:
      return task.signal ? `killed ${task.signal.replace('SIG', '')}` : 'stopped';
    case TaskStatus.withFailures:
      return datesFailed(failureCount(task.progress));
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
  cell?: CoverageCell,
  /** queued / held / waiting, for a task that is not running. */
  pending = '',
): string => {
  const { progress } = runtime;
  const pace = paceOf(runtime, now);
  const symbol = paint.status(runtime.status, theme.status[runtime.status].symbol);
  const cells = [
    // The pointer marks the selection even where the terminal shows no colour.
    `${selected ? '›' : ' '}${symbol} ${padWidth(ellipsis(task.processorId, columns.name - 4), columns.name - 3)}`,
    padWidth(task.windowId, columns.window),
    // One column stays blank: a label as wide as the column must not run into the bar.
    paint.status(
      runtime.status,
      padWidth(ellipsis(pending || statusText(runtime), columns.status - 1), columns.status),
    ),
    pace.fraction === undefined || columns.bar === 0
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
  const flag = runAndDataDisagree(runtime, cell) ? ` ${theme.disagreement}` : '';
  cells.push(
    paint.coverage(cellState(cell), padWidth(`${coverageText(cell)}${flag}`, columns.cover)),
  );
  return cells.join('');
};

export const headingText = (columns: Columns, paint: Paint): string => {
  // Each label leaves one column free, so a narrow column never runs into the next one.
  const cell = (label: string, width: number) =>
    width > 0 ? `${padWidth(label, width - 1)} ` : '';
  return paint.muted(
    [
      cell('   TASK', columns.name),
      cell('WINDOW', columns.window),
      cell('STATUS', columns.status),
      cell('PROGRESS', columns.bar),
      cell('DATES', columns.count),
      cell('AT', columns.date),
      cell('OK   FAIL SKIP', columns.tallies),
      cell('ELAPSED', columns.elapsed),
      cell('ETA', columns.eta),
      cell('COVERAGE', columns.cover),
    ].join(''),
  );
};
