import stripAnsi from 'strip-ansi';
import type { TaskId } from '../plan/types.js';
import type { LogRing } from '../state/log-ring.js';
import type { AppState } from '../state/store.js';
import { isActive } from '../state/task-status.js';
import { fitWidth, padWidth } from './format.js';
import { visibleRange } from './log-view.js';
import type { Paint } from './paint.js';
import { statusText } from './task-columns.js';
import { theme } from './theme.js';

/** Where one log pane sits on the screen (0-based cells), title row included. */
export type PaneRect = {
  taskId: TaskId;
  /** Position in reading order; what `focus.index` points at. */
  index: number;
  top: number;
  left: number;
  width: number;
  height: number;
  /** Columns kept blank on the right, to separate panes side by side. */
  gutter: number;
};

type PaneState = Pick<AppState, 'tasks' | 'anchors' | 'search' | 'focus'>;

/**
 * The rows of one log pane, each exactly `rect.width` columns: the title, then the visible
 * tail of the ring. Only the rows shown are read and measured, so the cost is per pane row,
 * never per line received.
 */
export const paneRows = (
  rect: PaneRect,
  state: PaneState,
  ring: LogRing,
  paint: Paint,
): string[] => {
  const { taskId } = rect;
  const width = Math.max(1, rect.width - rect.gutter);
  const gutter = ' '.repeat(Math.max(0, rect.width - width));
  const runtime = state.tasks[taskId];
  const anchor = state.anchors[taskId] ?? null;
  const matchSeq = state.search.taskId === taskId ? state.search.matchSeq : undefined;
  const focused = state.focus.area === 'pane' && state.focus.index === rect.index;
  const lines = Math.max(0, rect.height - 1);

  const status = runtime
    ? `${statusText(runtime)}${runtime.pid && isActive(runtime.status) ? ` · pid ${runtime.pid}` : ''}`
    : '';
  const where = anchor === null ? 'following' : `paused at line ${anchor + 1} of ${ring.end()}`;
  const titleText = ` ${taskId.replace('@', ' ')} · ${status} · ${where} `;
  const rule = theme.rule.repeat(Math.max(0, width - titleText.length - 2));
  const title = fitWidth(`${theme.rule}${theme.rule}${titleText}${rule}`, width);
  const rows = [(focused ? paint.accent(title) : paint.muted(title)) + gutter];

  const { from, to } = visibleRange(ring, anchor, lines);
  for (let seq = from; seq <= to; seq++) {
    const text = ring.at(seq) ?? '';
    // A log line may carry colours: close them, or they bleed into the pane beside it.
    rows.push(
      seq === matchSeq
        ? paint.match(padWidth(stripAnsi(text), width)) + gutter
        : padWidth(text, width) + (text.includes('\u001b') ? '\u001b[0m' : '') + gutter,
    );
  }
  const blank = ' '.repeat(rect.width);
  while (rows.length < rect.height) rows.push(blank);
  return rows;
};
