import { memo, useMemo } from 'react';
import { Box } from 'ink';
import type { Task } from '../plan/types.js';
import { tableRows, taskRowIndex } from '../state/derive.js';
import { retryText } from '../state/retry-slice.js';
import { isActive } from '../state/task-status.js';
import { fitWidth, padWidth } from './format.js';
import { Line } from './line.js';
import { pendingLabel } from './pending-label.js';
import { scrollRows } from './scroll-rows.js';
import type { RowText } from './row-marks.js';
import { useAppState, useServices } from './services-context.js';
import { headingText, tableColumns, taskRowText } from './task-columns.js';
import type { Columns } from './task-columns.js';
import { monotonicNow } from '../state/clock.js';

type Props = { width: number; height: number; focused: boolean };

/**
 * Tasks grouped by phase; scrolls to keep the selection in view. Only visible rows render,
 * and a row re-renders only when its own data or its selection changes: a key press costs
 * two rows, not the screen. Elapsed times tick in the screen writer (see `TaskRow`).
 */
export const TaskTable = memo(function TaskTable({ width, height, focused }: Props) {
  const { paint } = useServices();
  const plan = useAppState((s) => s.plan);
  const selectedTaskId = useAppState((s) => s.selectedTaskId);
  const rows = tableRows(plan);
  const tasksById = useMemo(() => new Map(plan.tasks.map((t) => [t.id, t])), [plan]);
  const columns = useMemo(() => tableColumns(width), [width]);
  const bodyRows = Math.max(1, height - 1);
  const selectedIndex = selectedTaskId ? (taskRowIndex(plan).get(selectedTaskId) ?? -1) : -1;
  // Keep the selection (and its phase heading when possible) on screen.
  const { visible, more } = scrollRows(rows, selectedIndex, bodyRows, 'task');
  return (
    <Box flexDirection="column" height={height}>
      <Line text={fitWidth(headingText(columns, paint), width)} />
      {visible.map((row) =>
        row.kind === 'phase' ? (
          <Line key={`phase:${row.phaseId}`} text={paint.bold(padWidth(` ${row.title}`, width))} />
        ) : (
          <TaskRow
            key={row.taskId}
            task={tasksById.get(row.taskId)!}
            columns={columns}
            width={width}
            selected={row.taskId === selectedTaskId}
            focused={focused}
          />
        ),
      )}
      {more ? <Line text={paint.muted(fitWidth(more, width))} /> : null}
    </Box>
  );
});

type RowProps = {
  task: Task;
  columns: Columns;
  width: number;
  selected: boolean;
  focused: boolean;
};

/**
 * One task. Its props are stable references and its selectors return the task's own
 * runtime, cell, retry and label, so `memo` skips it unless one of them changed. A running
 * task, a stop's countdown or a pending retry shows the time: its text is a function of the
 * clock, which the screen writer calls once a second (row-marks.ts).
 */
const TaskRow = memo(function TaskRow({ task, columns, width, selected, focused }: RowProps) {
  const { paint } = useServices();
  const runtime = useAppState((s) => s.tasks[task.id]);
  const cell = useAppState((s) => s.coverage[task.id]);
  const retry = useAppState((s) => s.retries[task.id]);
  const pending = useAppState((s) => pendingLabel(s, task.id));
  if (!runtime) return null;
  const textAt = (now: number): string => {
    const text = fitWidth(
      taskRowText(
        task,
        runtime,
        columns,
        now,
        paint,
        selected,
        cell,
        retryText(retry, monotonicNow()) || pending,
      ),
      width,
    );
    if (!selected) return text;
    return focused ? paint.selected(padWidth(text, width)) : paint.inverse(padWidth(text, width));
  };
  const timed = isActive(runtime.status) || retry !== undefined;
  const text: RowText = timed ? { at: textAt, ticks: true } : textAt(Date.now());
  return <Line text={text} />;
});
