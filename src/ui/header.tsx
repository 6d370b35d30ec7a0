import { Box } from 'ink';
import { statusCounts } from '../state/derive.js';
import { CellState, cellState } from '../state/coverage-state.js';
import { TaskStatus } from '../state/task-status.js';
import { theme } from './theme.js';
import { etaText, planEta } from '../state/plan-eta.js';
import { useClock } from './use-clock.js';
import { fitWidth } from './format.js';
import { Line } from './line.js';
import { useAppState, useServices } from './services-context.js';

/** Plan name and how many tasks are in each state. */
export const Header = ({ width }: { width: number }) => {
  const { paint } = useServices();
  const plan = useAppState((s) => s.plan);
  const tasks = useAppState((s) => s.tasks);
  const counts = statusCounts(tasks);
  const runSummary = useAppState((s) => {
    if (!s.run) return '';
    const by = (state: string) => s.run!.steps.filter((step) => step.state === state).length;
    const total = s.run.steps.length;
    // Short: the running count is already in the header, and the cells count must fit too.
    return `run ${s.run.mode}${s.run.paused ? ' paused' : ''} ${by('done')}/${total}, ${by('queued')} queued${by('held') ? `, ${by('held')} held` : ''}`;
  });
  // The plan's overall progress: cells complete by the warehouse's own account.
  const coverageSummary = useAppState((s) => {
    const cells = Object.values(s.coverage);
    if (cells.length === 0) return '';
    const complete = cells.filter((c) => cellState(c) === CellState.complete).length;
    return `${complete}/${cells.length} cells complete`;
  });
  const active = counts.running + counts.starting + counts.stopping;
  // The plan's ETA moves with the clock only while something runs.
  const clock = useClock(active > 0);
  // Idle, the clock stops: the ETA is then "if it started now", from this render's time.
  const now = active > 0 ? clock : Date.now();
  const eta = useAppState((s) =>
    Object.keys(s.coverage).length === 0 ? '' : etaText(planEta({ ...s, now })),
  );
  const part = (status: TaskStatus, count: number) =>
    count > 0
      ? paint.status(
          status,
          `${theme.status[status].symbol} ${count} ${theme.status[status].label}`,
        )
      : '';
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
    runSummary ? paint.accent(runSummary) : '',
    coverageSummary ? paint.muted(coverageSummary) : '',
    eta ? paint.accent(eta) : '',
    paint.muted(`${plan.tasks.length} tasks · ${plan.name ?? plan.file}`),
  ].filter(Boolean);
  return (
    <Box height={1}>
      <Line text={fitWidth(parts.join('  '), width)} />
    </Box>
  );
};
