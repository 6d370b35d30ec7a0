import { Box } from 'ink';
import { formatRanges, missingRanges } from '../state/date-ranges.js';
import type { CoverageCell } from '../state/coverage-slice.js';
import { thinText } from '../state/coverage-judge.js';
import {
  CellState,
  cellState,
  coveragePercent,
  runAndDataDisagree,
} from '../state/coverage-state.js';
import type { TaskRuntime } from '../state/tasks-slice.js';
import type { RunRecord } from '../state/run-history.js';
import { runsSummary } from '../state/run-history.js';
import { fitWidth, wrapText } from './format.js';
import { Line } from './line.js';
import { clockTime } from './coverage-text.js';
import type { Paint } from './paint.js';
import { useAppState, useServices } from './services-context.js';
import { theme } from './theme.js';
import { counted } from '../state/counted.js';

/** The lines describing one coverage cell: counts, missing dates as ranges, the error in full. */
export const cellDetailLines = (
  title: string,
  cell: CoverageCell | undefined,
  task: TaskRuntime | undefined,
  width: number,
  paint: Paint,
  runs: readonly RunRecord[] = [],
): string[] => {
  const state = cellState(cell);
  const lines = [paint.bold(title)];
  if (!cell || state === CellState.untracked) {
    lines.push(
      paint.muted('no coverage declared for this processor (add coverage: { table, dateColumn })'),
    );
    return lines;
  }
  const when = cell.refreshedAt
    ? ` · refreshed ${clockTime(cell.refreshedAt)} in ${((cell.durationMs ?? 0) / 1000).toFixed(1)} s`
    : '';
  if (cell.covered !== undefined) {
    const counts =
      cell.expected === undefined
        ? `${counted(cell.covered, 'date')} found (no expected query: completeness unknown)`
        : `${cell.covered}/${cell.expected} expected dates (${coveragePercent(cell)}%) · ${theme.coverage[state].label}`;
    lines.push(paint.coverage(state, counts) + paint.muted(when));
  } else {
    lines.push(
      paint.muted(
        cell.refreshing
          ? 'querying the warehouse…'
          : cell.error !== undefined
            ? `no counts: the query failed (c asks again)${when}`
            : `not queried yet (c refreshes)${when}`,
      ),
    );
  }
  // The error first: it is what the operator must read in full; the older counts follow.
  if (cell.error !== undefined) {
    lines.push(
      ...wrapText(`error: ${cell.error}`, width).map((line) =>
        paint.coverage(CellState.error, line),
      ),
    );
  }
  if (runAndDataDisagree(task, cell)) {
    lines.push(
      paint.coverage(
        CellState.partial,
        `${theme.disagreement} the last run succeeded, but the warehouse lacks ${cell.missing.length + (cell.thin?.length ?? 0)} expected dates`,
      ),
    );
  }
  if (cell.missing.length > 0) {
    const ranges = formatRanges(missingRanges(cell.expectedDates, new Set(cell.missing)));
    const note = cell.note ? ` (${cell.note})` : '';
    lines.push(...wrapText(`missing (${cell.missing.length}): ${ranges}${note}`, width));
  }
  const thin = cell.thin ?? [];
  if (thin.length > 0) {
    lines.push(...wrapText(`thin (${thin.length}, too few rows): ${thinText(thin)}`, width));
  }
  if (runs.length > 0) lines.push(paint.muted(runsSummary(runs)));
  return lines;
};

/** The selected cell's detail, above its log in the coverage view. */
export const CellDetail = ({ width, height }: { width: number; height: number }) => {
  const { paint } = useServices();
  const taskId = useAppState((s) => s.selectedTaskId);
  const cell = useAppState((s) => (s.selectedTaskId ? s.coverage[s.selectedTaskId] : undefined));
  const task = useAppState((s) => (s.selectedTaskId ? s.tasks[s.selectedTaskId] : undefined));
  const runs = useAppState((s) => (s.selectedTaskId ? s.history[s.selectedTaskId] : undefined));
  const window = useAppState((s) => s.plan.windows.find((w) => w.id === taskId?.split('@')[1]));
  const title = `${theme.rule}${theme.rule} coverage · ${taskId?.replace('@', ' ') ?? ''}${window ? ` (${window.start}..${window.end})` : ''} `;
  const lines = cellDetailLines(title, cell, task, width, paint, runs).slice(0, height);
  return (
    <Box flexDirection="column" height={height}>
      {lines.map((text, index) => (
        <Line key={index} text={fitWidth(text, width)} />
      ))}
    </Box>
  );
};
