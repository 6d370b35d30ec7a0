import { useEffect, useMemo, useRef } from 'react';
import { Box, Text } from 'ink';
import type { TaskId } from '../plan/types.js';
import { splitTaskIds, tableRows } from '../state/derive.js';
import type { LogBook } from '../state/log-book.js';
import type { CoverageControl, RunControl, TaskControl } from '../state/services.js';
import type { AppStore } from '../state/store.js';
import { Mode } from '../state/ui-slice.js';
import type { UiContext } from './actions.js';
import { DetailLine } from './detail-line.js';
import { CellDetail } from './cell-detail.js';
import { CoverageMatrix } from './coverage-matrix.js';
import { ChecksList, checksListRows } from './checks-list.js';
import { Footer } from './footer.js';
import { Header } from './header.js';
import { HelpOverlay } from './help-overlay.js';
import { ErrorBoundary } from './error-boundary.js';
import { RunPreviewOverlay } from './run-preview.js';
import { computeLayout, minColumns, minRows } from './layout.js';
import { LogArea } from './log-area.js';
import { createPaint } from './paint.js';
import type { Paint } from './paint.js';
import { ServicesContext, useAppState, useServices } from './services-context.js';
import type { PaneScreen } from './services-context.js';
import { createChromeView } from './chrome-view.js';
import { TaskTable } from './task-table.js';
import { useKeyDispatcher } from './use-key-dispatcher.js';
import { useTerminalSize } from './use-terminal-size.js';

export type AppProps = {
  store: AppStore;
  logBook: LogBook;
  control: TaskControl;
  coverage?: CoverageControl;
  runs?: RunControl;
  onQuit: (policy: 'stop' | 'leave') => void;
  /** Told about a bug in a component, after the boundary has shown it. */
  onError?: (error: Error) => void;
  paint?: Paint;
  /** Paints the log panes outside Ink (the screen writer). */
  screen: PaneScreen;
};

export const App = ({
  store,
  logBook,
  control,
  coverage,
  runs,
  onQuit,
  onError,
  paint,
  screen,
}: AppProps) => {
  const view = useMemo(() => createChromeView(store), [store]);
  useEffect(() => () => view.dispose(), [view]);
  const services = useMemo(
    () => ({ store, view, logBook, paint: paint ?? createPaint(), screen }),
    [store, view, logBook, paint, screen],
  );
  const { columns } = useTerminalSize();
  return (
    <ServicesContext.Provider value={services}>
      <ErrorBoundary onError={onError} width={columns}>
        <Screen control={control} coverage={coverage} runs={runs} onQuit={onQuit} />
      </ErrorBoundary>
    </ServicesContext.Provider>
  );
};

const Screen = ({
  control,
  coverage,
  runs,
  onQuit,
}: Pick<AppProps, 'control' | 'coverage' | 'runs' | 'onQuit'>) => {
  const { columns, rows } = useTerminalSize();
  const { store, logBook } = useServices();
  const plan = useAppState((s) => s.plan);
  const mode = useAppState((s) => s.mode);
  const focus = useAppState((s) => s.focus);
  const splitView = useAppState((s) => s.splitView);
  const view = useAppState((s) => s.view);
  const confirm = useAppState((s) => s.confirm);
  // A string key keeps the selector's result stable between renders.
  const splitKey = useAppState((s) =>
    s.splitView ? splitTaskIds(s).join('\n') : (s.selectedTaskId ?? ''),
  );
  const paneTaskIds = useMemo<TaskId[]>(() => (splitKey ? splitKey.split('\n') : []), [splitKey]);
  const wantedRows = useMemo(
    () =>
      (view === 'coverage'
        ? plan.phases.length + plan.processors.length + checksListRows(plan.checks.length)
        : tableRows(plan).length) + 1,
    [plan, view],
  );
  const layout = computeLayout(
    columns,
    rows,
    wantedRows,
    splitView ? paneTaskIds.length : 1,
    view === 'coverage',
  );

  // The checklist takes at most half of the matrix's rows; the matrix keeps the rest.
  const checksRows = Math.min(
    checksListRows(plan.checks.length),
    Math.floor((layout.tableRows + 1) / 2),
  );
  const latest = useRef({ layout, paneTaskIds });
  latest.current = { layout, paneTaskIds };
  const ctx = useMemo<UiContext>(
    () => ({
      store,
      control,
      coverage,
      runs,
      logBook,
      panes: () =>
        latest.current.layout.panes
          .map((box, index) => ({
            taskId: latest.current.paneTaskIds[index],
            lines: box.height - 1,
          }))
          .filter((p): p is { taskId: TaskId; lines: number } => p.taskId !== undefined),
      quit: onQuit,
    }),
    [store, logBook, control, coverage, runs, onQuit],
  );
  useKeyDispatcher(ctx);

  if (layout.tooSmall) {
    return (
      // Its own width: Ink's canvas is narrower than the terminal (see screen-writer.ts).
      <Box height={layout.frameRows} width={columns} flexDirection="column">
        <Text wrap="truncate">Terminal too small · q quits</Text>
        <Text wrap="truncate">
          {columns}x{rows}, needs {minColumns}x{minRows}
        </Text>
        {mode === Mode.confirm && confirm ? <Text wrap="wrap">{confirm.prompt}</Text> : null}
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={columns} height={layout.frameRows}>
      <Header width={columns} />
      {mode === Mode.help ? (
        <HelpOverlay width={columns} height={layout.frameRows - 2} />
      ) : mode === Mode.preview ? (
        <RunPreviewOverlay width={columns} height={layout.frameRows - 2} />
      ) : (
        <>
          {view === 'coverage' ? (
            <>
              <CoverageMatrix
                width={columns}
                height={layout.tableRows + 1 - checksRows}
                focused={focus.area === 'table'}
              />
              {checksRows > 0 && <ChecksList width={columns} height={checksRows} />}
            </>
          ) : (
            <TaskTable
              width={columns}
              height={layout.tableRows + 1}
              focused={focus.area === 'table'}
            />
          )}
          <DetailLine width={columns} />
          {layout.detailRows > 0 && <CellDetail width={columns} height={layout.detailRows} />}
          <LogArea layout={layout} taskIds={paneTaskIds} />
        </>
      )}
      <Footer width={columns} />
    </Box>
  );
};
