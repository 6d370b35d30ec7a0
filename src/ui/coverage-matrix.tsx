import { memo, useMemo } from 'react';
import { Box } from 'ink';
import type { Processor, Window } from '../plan/types.js';
import { processorsInOrder } from '../state/derive.js';
import { cellState, runAndDataDisagree } from '../state/coverage-state.js';
import { isActive } from '../state/task-status.js';
import { fitWidth, padWidth } from './format.js';
import { Line } from './line.js';
import { clockTime, coverageText } from './coverage-text.js';
import { useAppState, useServices } from './services-context.js';
import { scrollRows } from './scroll-rows.js';
import { theme } from './theme.js';

type Props = { width: number; height: number; focused: boolean };

/**
 * Narrowest cell that still reads "45/47 95% ⚑"; the names column keeps room for
 * "PROCESSOR  windows 13-18 of 20" when the windows are paged.
 */
const minCellWidth = 12;
const minNameWidth = 33;

const cellWidthFor = (width: number, count: number) =>
  Math.max(minCellWidth, Math.min(18, Math.floor((width - minNameWidth) / Math.max(1, count))));

/**
 * The windows that fit beside the names, a page at a time: the page holding the selected
 * window, so the selection is always on screen.
 */
export const windowPage = (
  all: readonly { id: string }[],
  selectedId: string | undefined,
  width: number,
): { first: number; count: number } => {
  const perPage = Math.max(1, Math.floor((width - minNameWidth) / minCellWidth));
  if (all.length <= perPage) return { first: 0, count: all.length };
  const selected = Math.max(
    0,
    all.findIndex((w) => w.id === selectedId),
  );
  const first = Math.floor(selected / perPage) * perPage;
  return { first, count: Math.min(perPage, all.length - first) };
};

type MatrixRow =
  { kind: 'phase'; id: string; title: string } | { kind: 'processor'; processor: Processor };

/** Processors (grouped by phase, in dependency order) x windows: covered / expected dates. */
export const CoverageMatrix = ({ width, height, focused }: Props) => {
  const { paint } = useServices();
  const plan = useAppState((s) => s.plan);
  const selectedTaskId = useAppState((s) => s.selectedTaskId);
  const refreshedAt = useAppState((s) => s.coverageRefreshedAt);
  const refreshing = useAppState(
    (s) => Object.values(s.coverage).filter((c) => c.refreshing).length,
  );
  const rows = useMemo<MatrixRow[]>(() => {
    const ordered = processorsInOrder(plan);
    return plan.phases.flatMap((phase) => {
      const processors = ordered.filter((p) => p.phase === phase.id);
      if (processors.length === 0) return [];
      return [
        { kind: 'phase' as const, id: phase.id, title: phase.title ?? `Phase ${phase.id}` },
        ...processors.map((processor) => ({ kind: 'processor' as const, processor })),
      ];
    });
  }, [plan]);
  const [selectedProcessor, selectedWindow] = (selectedTaskId ?? '').split('@');
  const { first, count } = windowPage(plan.windows, selectedWindow, width);
  // One array per page, so the rows (memo) re-render only when the page turns.
  const windows = useMemo(() => plan.windows.slice(first, first + count), [plan, first, count]);
  const total = plan.windows.length;
  const cellWidth = cellWidthFor(width, windows.length);
  const nameWidth = Math.max(8, width - cellWidth * windows.length - 1);
  const bodyRows = Math.max(1, height - 1);
  const selectedIndex = rows.findIndex(
    (r) => r.kind === 'processor' && r.processor.id === selectedProcessor,
  );
  const { visible, more } = scrollRows(rows, selectedIndex, bodyRows, 'processor');

  // Which windows show comes first: it must survive the cut when the names column is narrow.
  const paged =
    windows.length < total ? `windows ${first + 1}-${first + windows.length} of ${total} ` : '';
  const status =
    refreshing > 0
      ? `refreshing ${refreshing}…`
      : refreshedAt
        ? `refreshed ${clockTime(refreshedAt)}`
        : 'not refreshed yet';
  const heading =
    padWidth(`   PROCESSOR  ${paged}${paint.muted(`(${status} · c refreshes)`)}`, nameWidth - 1) +
    ' ' +
    windows.map((w) => padWidth(w.id, cellWidth)).join('');
  return (
    <Box flexDirection="column" height={height}>
      <Line text={fitWidth(paint.muted(heading), width)} />
      {visible.map((row) =>
        row.kind === 'phase' ? (
          <Line key={`phase:${row.id}`} text={paint.bold(fitWidth(` ${row.title}`, width))} />
        ) : (
          <MatrixRowLine
            key={row.processor.id}
            processorId={row.processor.id}
            windows={windows}
            nameWidth={nameWidth}
            cellWidth={cellWidth}
            selectedWindow={row.processor.id === selectedProcessor ? selectedWindow : undefined}
            focused={focused}
          />
        ),
      )}
      {more ? <Line text={paint.muted(fitWidth(more, width))} /> : null}
    </Box>
  );
};

type RowProps = {
  processorId: string;
  /** The windows on this page of the matrix. */
  windows: readonly Window[];
  nameWidth: number;
  cellWidth: number;
  selectedWindow: string | undefined;
  focused: boolean;
};

const MatrixRowLine = memo(function MatrixRowLine({
  processorId,
  windows,
  nameWidth,
  cellWidth,
  selectedWindow,
  focused,
}: RowProps) {
  const { paint } = useServices();
  // A string key: the row re-renders only when one of its cells' text changes.
  const key = useAppState((s) =>
    windows
      .map((w) => {
        const id = `${processorId}@${w.id}`;
        const cell = s.coverage[id];
        const task = s.tasks[id];
        const running = task && isActive(task.status) ? theme.status.running.symbol : ' ';
        const flag = runAndDataDisagree(task, cell) ? theme.disagreement : '';
        return `${cellState(cell)}\t${running} ${coverageText(cell)} ${flag}`;
      })
      .join('\n'),
  );
  const cells = key.split('\n').map((entry, index) => {
    const [state = 'unknown', text = ''] = entry.split('\t');
    const padded = padWidth(text, cellWidth - 1) + ' ';
    const painted = paint.coverage(state as Parameters<typeof paint.coverage>[0], padded);
    return windows[index]?.id === selectedWindow
      ? focused
        ? paint.selected(padded)
        : paint.inverse(padded)
      : painted;
  });
  const pointer = selectedWindow ? '›' : ' ';
  return <Line text={`${pointer}  ${padWidth(processorId, nameWidth - 3)}${cells.join('')}`} />;
});
