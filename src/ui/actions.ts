import stripAnsi from 'strip-ansi';
import type { TaskId } from '../plan/types.js';
import type { AppStore } from '../state/store.js';
import type { LogBook } from '../state/log-book.js';
import type { CoverageControl, RunControl, TaskControl } from '../state/services.js';
import type { RunMode, RunScope } from '../state/run-slice.js';
import { readinessOf } from '../state/readiness.js';
import { processorsInOrder, tableTaskIds } from '../state/derive.js';
import { isActive } from '../state/task-status.js';
import { Mode } from '../state/ui-slice.js';
import { ActionId } from './keymap.js';
import { findMatch, scrollAnchor, visibleRange } from './log-view.js';

export type UiContext = {
  store: AppStore;
  control: TaskControl;
  /** Absent when no processor declares coverage. */
  coverage: CoverageControl | undefined;
  /** Runs of the plan (run all, fill gaps, dry runs). */
  runs: RunControl | undefined;
  logBook: LogBook;
  /** The tasks whose logs are on screen, in pane order, and their log heights. */
  panes: () => { taskId: TaskId; lines: number }[];
  /** Leave the console, stopping running tasks or leaving them running. */
  quit: (policy: 'stop' | 'leave') => void;
};

/** The pane that log keys act on: the focused pane, or the selected task's pane. */
const focusedPane = (ctx: UiContext) => {
  const { focus, selectedTaskId } = ctx.store.getState();
  const panes = ctx.panes();
  if (focus.area === 'pane') return panes[focus.index] ?? panes[0];
  return panes.find((p) => p.taskId === selectedTaskId) ?? panes[0];
};

const moveSelection = (ctx: UiContext, delta: number) => {
  const state = ctx.store.getState();
  if (state.view === 'coverage') {
    // The matrix's rows are processors: keep the window (column), change the processor.
    const [processorId, windowId] = (state.selectedTaskId ?? '').split('@');
    const processors = processorsInOrder(state.plan).map((p) => p.id);
    const next =
      processors[
        Math.min(processors.length - 1, Math.max(0, processors.indexOf(processorId ?? '') + delta))
      ];
    if (next && windowId) state.taskSelected(`${next}@${windowId}`);
    return;
  }
  const ids = tableTaskIds(state.plan);
  const index = state.selectedTaskId ? ids.indexOf(state.selectedTaskId) : -1;
  const next = ids[Math.min(ids.length - 1, Math.max(0, index + delta))];
  if (next) state.taskSelected(next);
};

/** ←/→: the same processor in the neighbouring window. */
const moveWindow = (ctx: UiContext, delta: number) => {
  const state = ctx.store.getState();
  const task = state.plan.tasks.find((t) => t.id === state.selectedTaskId);
  if (!task) return;
  const windows = state.plan.windows.map((w) => w.id);
  const next = windows[windows.indexOf(task.windowId) + delta];
  if (next) state.taskSelected(`${task.processorId}@${next}`);
};

const scroll = (ctx: UiContext, delta: (lines: number) => number) => {
  const pane = focusedPane(ctx);
  if (!pane) return;
  const ring = ctx.logBook.ring(pane.taskId);
  const state = ctx.store.getState();
  state.anchorMoved(
    pane.taskId,
    scrollAnchor(ring, state.anchors[pane.taskId] ?? null, delta(pane.lines), pane.lines),
  );
};

const jumpToMatch = (ctx: UiContext, direction: 'older' | 'newer') => {
  const state = ctx.store.getState();
  const pane = focusedPane(ctx);
  const query = state.search.query;
  if (!pane || !query) return state.noticeShown('no search yet: press / to search', 'warn');
  const ring = ctx.logBook.ring(pane.taskId);
  const current = state.search.taskId === pane.taskId ? state.search.matchSeq : undefined;
  const from =
    current === undefined
      ? visibleRange(ring, state.anchors[pane.taskId] ?? null, pane.lines).to
      : current + (direction === 'older' ? -1 : 1);
  const match = findMatch(ring, query, from, direction, stripAnsi);
  if (match === undefined) return state.noticeShown(`no ${direction} match for "${query}"`, 'warn');
  state.searchMatched(query, pane.taskId, match);
};

const selected = (ctx: UiContext, run: (taskId: TaskId) => void) => {
  const id = ctx.store.getState().selectedTaskId;
  if (id) run(id);
};

/** A blocked task asks first: starting it anyway is the logged version of --skip-preflight. */
const startOrAsk = (ctx: UiContext, taskId: TaskId) => {
  const state = ctx.store.getState();
  const readiness = readinessOf(state, taskId);
  if (readiness.ready) return ctx.control.start(taskId);
  state.confirmRequested({
    prompt: `${taskId} is blocked (${readiness.reason}). Start it anyway? The override goes into its log.`,
    actionId: 'start-blocked',
    taskId,
    detail: readiness.reason,
  });
};

/** Every run shows its dry run first: the exact commands, and what is skipped and why. */
const showPreview = (ctx: UiContext, mode: RunMode, scope?: RunScope) => {
  const state = ctx.store.getState();
  if (!ctx.runs) return;
  if (ctx.runs.isRunning()) return state.noticeShown('a run is already going: p pauses it', 'warn');
  state.previewScrolled(-Number.MAX_SAFE_INTEGER);
  state.modeChanged(Mode.preview);
  ctx.runs.requestPreview(mode, scope);
};

export const runAction = (action: ActionId, ctx: UiContext): void => {
  const state = ctx.store.getState();
  const paneFocused = state.focus.area === 'pane';
  switch (action) {
    case ActionId.selectUp:
      return paneFocused ? scroll(ctx, () => -1) : moveSelection(ctx, -1);
    case ActionId.selectDown:
      return paneFocused ? scroll(ctx, () => 1) : moveSelection(ctx, 1);
    case ActionId.windowPrevious:
      return moveWindow(ctx, -1);
    case ActionId.windowNext:
      return moveWindow(ctx, 1);
    case ActionId.toggleCoverage:
      return state.viewToggled();
    case ActionId.refreshCoverage:
      if (!ctx.coverage)
        return state.noticeShown('no processor declares coverage in this plan', 'warn');
      ctx.coverage.refreshAll();
      return state.noticeShown(`refreshing coverage from ${ctx.coverage.description}`);
    case ActionId.start:
      return selected(ctx, (taskId) => startOrAsk(ctx, taskId));
    case ActionId.writeHandoff:
      if (!ctx.runs?.writeHandoff)
        return state.noticeShown('no handoff report here: the console writes them', 'warn');
      return ctx.runs.writeHandoff();
    case ActionId.runAll:
      return showPreview(ctx, 'all');
    case ActionId.runEverything:
      return showPreview(ctx, 'everything');
    case ActionId.fillGapsAll:
      return showPreview(ctx, 'gaps');
    case ActionId.fillGapsTask:
      return selected(ctx, (taskId) => showPreview(ctx, 'gaps', { tasks: [taskId] }));
    case ActionId.togglePause: {
      if (!ctx.runs?.isRunning()) return state.noticeShown('no run to pause: a starts one', 'warn');
      ctx.runs.togglePause();
      const paused = ctx.store.getState().run?.paused;
      return state.noticeShown(
        paused ? 'launching paused: running tasks go on (p resumes)' : 'launching resumed',
      );
    }
    case ActionId.previewScrollDown:
      return state.previewScrolled(5);
    case ActionId.previewScrollUp:
      return state.previewScrolled(-5);
    case ActionId.stop:
      return selected(ctx, ctx.control.stop);
    case ActionId.kill:
      return selected(ctx, ctx.control.kill);
    case ActionId.restart:
      return selected(ctx, ctx.control.restart);
    case ActionId.focusNext:
    case ActionId.focusPrevious: {
      const count = ctx.panes().length;
      const order = [-1, ...Array.from({ length: count }, (_, i) => i)];
      const at = state.focus.area === 'table' ? 0 : order.indexOf(state.focus.index);
      const step = action === ActionId.focusNext ? 1 : -1;
      const next = order[(at + step + order.length) % order.length] ?? -1;
      return state.focusChanged(next === -1 ? { area: 'table' } : { area: 'pane', index: next });
    }
    case ActionId.toggleSplit:
      return state.splitViewToggled();
    case ActionId.pageUp:
      return scroll(ctx, (lines) => -Math.max(1, lines - 1));
    case ActionId.pageDown:
      return scroll(ctx, (lines) => Math.max(1, lines - 1));
    case ActionId.top:
      return scroll(ctx, () => Number.NEGATIVE_INFINITY);
    case ActionId.bottom: {
      const pane = focusedPane(ctx);
      return pane ? state.anchorMoved(pane.taskId, null) : undefined;
    }
    case ActionId.follow: {
      const pane = focusedPane(ctx);
      if (!pane) return;
      const anchor = state.anchors[pane.taskId] ?? null;
      // Pausing pins the view to the line now at the bottom.
      return state.anchorMoved(
        pane.taskId,
        anchor === null ? Math.max(0, ctx.logBook.ring(pane.taskId).end() - 1) : null,
      );
    }
    case ActionId.searchOpen:
      state.searchDraftChanged('');
      return state.modeChanged(Mode.search);
    case ActionId.searchNext:
      return jumpToMatch(ctx, 'older');
    case ActionId.searchPrevious:
      return jumpToMatch(ctx, 'newer');
    case ActionId.searchSubmit: {
      const query = state.search.draft;
      const pane = focusedPane(ctx);
      if (!pane || !query) return state.modeChanged(Mode.normal);
      const ring = ctx.logBook.ring(pane.taskId);
      const match = findMatch(ring, query, ring.end() - 1, 'older', stripAnsi);
      state.searchMatched(query, pane.taskId, match);
      if (match === undefined) state.noticeShown(`no match for "${query}"`, 'warn');
      return;
    }
    case ActionId.searchCancel:
      return state.modeChanged(Mode.normal);
    case ActionId.searchBackspace:
      return state.searchDraftChanged(state.search.draft.slice(0, -1));
    case ActionId.helpOpen:
      return state.modeChanged(Mode.help);
    case ActionId.helpClose:
      return state.modeChanged(Mode.normal);
    case ActionId.quit: {
      const running = Object.values(state.tasks).filter((t) => isActive(t.status)).length;
      if (running === 0) return ctx.quit('stop');
      const them = running > 1 ? 'them' : 'it';
      return state.confirmRequested({
        prompt: `${running} task${running > 1 ? 's are' : ' is'} running: s stop ${them} and quit · l leave ${them} running and quit · Esc cancel`,
        actionId: 'quit',
      });
    }
    case ActionId.confirmYes: {
      if (state.mode === Mode.preview) {
        const preview = state.preview;
        // Nothing to say yes to until the warehouse has answered.
        if (!preview)
          return state.noticeShown('still asking the warehouse: wait for the dry run', 'warn');
        state.runPreviewed(undefined);
        state.modeChanged(Mode.normal);
        if (preview && ctx.runs) ctx.runs.start(preview);
        return;
      }
      const confirm = state.confirm;
      state.confirmClosed();
      if (confirm?.actionId === 'quit') return ctx.quit('stop');
      if (confirm?.actionId === 'start-blocked' && confirm.taskId) {
        // The explicit, logged version of --skip-preflight.
        return ctx.control.start(confirm.taskId, {
          note: `operator override: started while ${confirm.detail ?? 'blocked'}`,
        });
      }
      return;
    }
    case ActionId.confirmLeave: {
      const confirm = state.confirm;
      if (confirm?.actionId !== 'quit') return;
      state.confirmClosed();
      return ctx.quit('leave');
    }
    case ActionId.confirmNo:
      if (state.mode === Mode.preview) state.runPreviewed(undefined);
      return state.confirmClosed();
  }
};
