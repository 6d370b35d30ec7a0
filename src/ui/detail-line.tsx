import { memo } from 'react';
import { Box } from 'ink';
import path from 'node:path';
import { failureCount } from '../state/progress.js';
import { paceOf } from '../state/derive.js';
import { runsSummary } from '../state/run-history.js';
import { pendingReason } from './pending-label.js';
import { isActive } from '../state/task-status.js';
import { fitWidth } from './format.js';
import { Line } from './line.js';
import { useAppState, useServices } from './services-context.js';

/** What the selected task's last run came to: the reason, the failed dates, the log file. */
export const DetailLine = memo(function DetailLine({ width }: { width: number }) {
  const { paint } = useServices();
  const taskId = useAppState((s) => s.selectedTaskId);
  const runtime = useAppState((s) => (s.selectedTaskId ? s.tasks[s.selectedTaskId] : undefined));
  const stateDir = useAppState((s) => s.plan.stateDir);
  const pending = useAppState((s) => (s.selectedTaskId ? pendingReason(s, s.selectedTaskId) : ''));
  const runs = useAppState((s) => (s.selectedTaskId ? s.history[s.selectedTaskId] : undefined));
  if (!taskId || !runtime) return <Box height={1} />;
  const parts: string[] = [paint.bold(taskId)];
  if (pending) parts.push(paint.notice('warn', pending));
  else if (runtime.attempt === 0) parts.push(paint.muted('not run yet: ⏎ or s starts it'));
  if (runtime.reason) parts.push(paint.status(runtime.status, runtime.reason));
  const failed = failureCount(runtime.progress);
  if (failed > 0) {
    const dates = runtime.progress.failedDates;
    parts.push(
      paint.count(
        'failed',
        `failed: ${dates.slice(0, 6).join(', ')}${dates.length > 6 ? ` +${dates.length - 6}` : ''}`,
      ),
    );
  }
  if (runtime.progress.currentDate && isActive(runtime.status)) {
    parts.push(paint.muted(`at ${runtime.progress.currentDate}`));
  }
  const pace = paceOf(runtime, runtime.endedAt ?? Date.now());
  if (pace.datesPerHour !== undefined) {
    parts.push(paint.muted(`${Math.round(pace.datesPerHour)} dates/h`));
  }
  if (runtime.progress.reportedEta)
    parts.push(paint.muted(`script ETA ${runtime.progress.reportedEta}`));
  if (runs && runs.length > 0) parts.push(paint.muted(runsSummary(runs)));
  if (runtime.logFile)
    parts.push(paint.muted(`log ${path.relative(path.dirname(stateDir), runtime.logFile)}`));
  return (
    <Box height={1}>
      <Line text={fitWidth(parts.join(paint.muted(' · ')), width)} />
    </Box>
  );
});
