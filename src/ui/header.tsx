import { memo } from 'react';
import { Box } from 'ink';
import { statusCounts } from '../state/derive.js';
import { CellState, cellState } from '../state/coverage-state.js';
import type { CoverageCell } from '../state/coverage-slice.js';
import { TaskStatus } from '../state/task-status.js';
import { stateFolderMark } from '../state/state-folder-slice.js';
import type { TaskId } from '../plan/types.js';
import { theme } from './theme.js';
import { etaText, planEta } from '../state/plan-eta.js';
import { fitWidth } from './format.js';
import { Line } from './line.js';
import type { RowText } from './row-marks.js';
import { useAppState, useServices } from './services-context.js';
import { counted } from '../state/counted.js';

/** Plan name and how many tasks are in each state. */
export const Header = memo(function Header({ width }: { width: number }) {
  const { paint } = useServices();
  const plan = useAppState((s) => s.plan);
  const tasks = useAppState((s) => s.tasks);
  const coverage = useAppState((s) => s.coverage);
  const history = useAppState((s) => s.history);
  const counts = statusCounts(tasks);
  const runSummary = useAppState((s) => {
    if (!s.run) return '';
    const by = (state: string) => s.run!.steps.filter((step) => step.state === state).length;
    const total = s.run.steps.length;
    // Short: the running count is already in the header, and the cells count must fit too.
    return `run ${s.run.mode}${s.run.paused ? ' paused' : ''} ${by('done')}/${total}, ${by('queued')} queued${by('held') ? `, ${by('held')} held` : ''}`;
  });
  // The plan's overall progress: cells complete by the warehouse's own account.
  const coverageSummary = coverageSummaryOf(coverage);
  // Stays while the condition lasts (the notice beside the keys says what to do, once).
  const folderMark = useAppState((s) => stateFolderMark(s.stateFolderTrouble));
  const active = counts.running + counts.starting + counts.stopping;
  const part = (status: TaskStatus, count: number) =>
    count > 0
      ? paint.status(
          status,
          `${theme.status[status].symbol} ${count} ${theme.status[status].label}`,
        )
      : '';
  // Counts first: on a narrow terminal the plan name is what gets cut.
  const textAt = (eta: string) =>
    fitWidth(
      [
        paint.bold('backfill-console'),
        folderMark ? paint.notice('error', `⚠ ${folderMark}`) : '',
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
        paint.muted(`${counted(plan.tasks.length, 'task')} · ${plan.name ?? plan.file}`),
      ]
        .filter(Boolean)
        .join('  '),
      width,
    );
  // The plan's ETA moves with the clock while something runs (the screen writer's clock
  // redraws it); idle, it is "if it started now", at the time of the frame that shows it.
  const text: RowText =
    Object.keys(coverage).length === 0
      ? textAt('')
      : {
          at: (now) => textAt(etaText(planEta({ plan, tasks, coverage, history, now }))),
          ticks: active > 0,
        };
  return (
    <Box height={1}>
      <Line text={text} />
    </Box>
  );
});

// Per coverage object: the poller replaces it only when an answer arrives.
const summaries = new WeakMap<Record<TaskId, CoverageCell>, string>();

const coverageSummaryOf = (coverage: Record<TaskId, CoverageCell>): string => {
  const known = summaries.get(coverage);
  if (known !== undefined) return known;
  const cells = Object.values(coverage);
  const complete = cells.filter((c) => cellState(c) === CellState.complete).length;
  const summary = cells.length === 0 ? '' : `${complete}/${cells.length} cells complete`;
  summaries.set(coverage, summary);
  return summary;
};
