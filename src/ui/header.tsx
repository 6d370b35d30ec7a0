import { Box } from 'ink';
import { statusCounts } from '../state/derive.js';
import { TaskStatus } from '../state/task-status.js';
import { theme } from './theme.js';
import { fitWidth } from './format.js';
import { Line } from './line.js';
import { useAppState, useServices } from './services-context.js';

/** Plan name and how many tasks are in each state. */
export const Header = ({ width }: { width: number }) => {
  const { paint } = useServices();
  const plan = useAppState((s) => s.plan);
  const tasks = useAppState((s) => s.tasks);
  const counts = statusCounts(tasks);
  const part = (status: TaskStatus, count: number) =>
    count > 0
      ? paint.status(
          status,
          `${theme.status[status].symbol} ${count} ${theme.status[status].label}`,
        )
      : '';
  const active = counts.running + counts.starting + counts.stopping;
  // Counts first: on a narrow terminal the plan name is what gets cut.
  const parts = [
    paint.bold('backfill-console'),
    active > 0
      ? paint.status(TaskStatus.running, `${theme.status.running.symbol} ${active} running`)
      : '',
    part(TaskStatus.succeeded, counts.succeeded),
    part(TaskStatus.withFailures, counts['with-failures']),
    part(TaskStatus.failed, counts.failed),
    part(TaskStatus.killed, counts.killed),
    paint.muted(`${plan.tasks.length} tasks · ${plan.name ?? plan.file}`),
  ].filter(Boolean);
  return (
    <Box height={1}>
      <Line text={fitWidth(parts.join('  '), width)} />
    </Box>
  );
};
