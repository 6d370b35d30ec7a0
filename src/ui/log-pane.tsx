import stripAnsi from 'strip-ansi';
import { Box } from 'ink';
import type { TaskId } from '../plan/types.js';
import { fitWidth, padWidth } from './format.js';
import { Line } from './line.js';
import { visibleRange } from './log-view.js';
import { useAppState, useServices } from './services-context.js';
import { theme } from './theme.js';
import { statusText } from './task-columns.js';
import { isActive } from '../state/task-status.js';

type Props = {
  taskId: TaskId;
  width: number;
  height: number;
  focused: boolean;
  /** Columns kept blank on the right, to separate panes side by side. */
  gutter?: number;
};

/**
 * The tail of one task's log. Lines come from the log book, never from React state: the
 * pane re-renders when the task's log version moves and reads only the rows it shows.
 */
export const LogPane = ({ taskId, width: outerWidth, height, focused, gutter = 0 }: Props) => {
  const width = Math.max(1, outerWidth - gutter);
  const { logBook, paint } = useServices();
  useAppState((s) => s.logVersion[taskId]);
  const runtime = useAppState((s) => s.tasks[taskId]);
  const anchor = useAppState((s) => s.anchors[taskId] ?? null);
  const matchSeq = useAppState((s) => (s.search.taskId === taskId ? s.search.matchSeq : undefined));
  const ring = logBook.ring(taskId);
  const lines = Math.max(0, height - 1);
  const { from, to } = visibleRange(ring, anchor, lines);

  const rows: string[] = [];
  for (let seq = from; seq <= to; seq++) {
    const text = fitWidth(ring.at(seq) ?? '', width);
    rows.push(seq === matchSeq ? paint.match(padWidth(stripAnsi(text), width)) : text);
  }
  while (rows.length < lines) rows.push('');

  const state = runtime
    ? `${statusText(runtime, Date.now())}${runtime.pid && isActive(runtime.status) ? ` · pid ${runtime.pid}` : ''}`
    : '';
  const where = anchor === null ? 'following' : `paused at line ${anchor + 1} of ${ring.end()}`;
  const titleText = ` ${taskId.replace('@', ' ')} · ${state} · ${where} `;
  const rule = theme.rule.repeat(Math.max(0, width - titleText.length - 2));
  const title = focused
    ? paint.accent(fitWidth(`${theme.rule}${theme.rule}${titleText}${rule}`, width))
    : paint.muted(fitWidth(`${theme.rule}${theme.rule}${titleText}${rule}`, width));

  return (
    <Box flexDirection="column" width={outerWidth} height={height}>
      <Line text={title} />
      {rows.map((text, index) => (
        <Line key={index} text={text} />
      ))}
    </Box>
  );
};
