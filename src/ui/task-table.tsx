import { memo, useMemo } from 'react';
import { Box } from 'ink';
import type { Task } from '../plan/types.js';
import { statusCounts, tableRows } from '../state/derive.js';
import { fitWidth, padWidth } from './format.js';
import { Line } from './line.js';
import { useAppState, useServices } from './services-context.js';
import { headingText, tableColumns, taskRowText } from './task-columns.js';
import type { Columns } from './task-columns.js';
import { useClock } from './use-clock.js';
import { retryLabel } from '../state/retry-slice.js';
import { pendingLabel } from './pending-label.js';

type Props = { width: number; height: number; focused: boolean };

/** Tasks grouped by phase; scrolls to keep the selection in view. Only visible rows render. */
export const TaskTable = ({ width, height, focused }: Props) => {
  const { paint } = useServices();
  const plan = useAppState((s) => s.plan);
  const selectedTaskId = useAppState((s) => s.selectedTaskId);
  // Pending retries count down too.
  const anyActive = useAppState((s) => {
    const counts = statusCounts(s.tasks);
    return (
      counts.running + counts.starting + counts.stopping > 0 || Object.keys(s.retries).length > 0
    );
  });
  // One clock for all rows, so elapsed times and countdowns move in one frame a second.
  const now = useClock(anyActive);
  const rows = useMemo(() => tableRows(plan), [plan]);
  const tasksById = useMemo(() => new Map(plan.tasks.map((t) => [t.id, t])), [plan]);
  const columns = useMemo(() => tableColumns(width), [width]);
  const bodyRows = Math.max(1, height - 1);
  const selectedIndex = rows.findIndex((r) => r.kind === 'task' && r.taskId === selectedTaskId);
  // Keep the selection (and its phase heading when possible) on screen.
  const top = Math.max(
    0,
    Math.min(rows.length - bodyRows, selectedIndex - Math.floor(bodyRows / 2)),
  );
  const visible = rows.slice(top, top + bodyRows);
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
            now={now}
          />
        ),
      )}
    </Box>
  );
};

type RowProps = {
  task: Task;
  columns: Columns;
  width: number;
  selected: boolean;
  focused: boolean;
  now: number;
};

const TaskRow = memo(function TaskRow({ task, columns, width, selected, focused, now }: RowProps) {
  const { paint } = useServices();
  const runtime = useAppState((s) => s.tasks[task.id]);
  const cell = useAppState((s) => s.coverage[task.id]);
  const pending = useAppState((s) => retryLabel(s, task.id, now) || pendingLabel(s, task.id));
  if (!runtime) return null;
  const text = fitWidth(
    taskRowText(task, runtime, columns, now, paint, selected, cell, pending),
    width,
  );
  return (
    <Line
      text={
        selected
          ? focused
            ? paint.selected(padWidth(text, width))
            : paint.inverse(padWidth(text, width))
          : text
      }
    />
  );
});
