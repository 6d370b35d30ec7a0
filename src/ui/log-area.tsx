import { useLayoutEffect } from 'react';
import { Box } from 'ink';
import type { TaskId } from '../plan/types.js';
import type { Layout } from './layout.js';
import type { PaneRect } from './pane-rows.js';
import { useServices } from './services-context.js';

type Props = { layout: Layout; taskIds: readonly TaskId[] };

/**
 * The log area: one pane for the selected task, or up to four in the split view (two
 * columns when wide). Ink only keeps the space blank; the screen writer paints the panes
 * into it from the log book, so log lines never pass through React or Ink.
 */
export const LogArea = ({ layout, taskIds }: Props) => {
  const { screen } = useServices();
  // A string key: the writer hears of a change of layout or tasks, not of every render.
  const key = JSON.stringify(paneRects(layout, taskIds));
  // A layout effect runs in the same commit as Ink's frame, before the writer composes it.
  useLayoutEffect(() => {
    screen.panesChanged(JSON.parse(key) as PaneRect[]);
    return () => screen.panesChanged([]);
  }, [screen, key]);
  return <Box height={layout.paneRows} />;
};

/** Panes in reading order; in two columns, even indexes on the left. */
export const paneRects = (layout: Layout, taskIds: readonly TaskId[]): PaneRect[] => {
  const rects: PaneRect[] = [];
  const columnTop = [layout.paneTop, layout.paneTop];
  layout.panes.forEach((box, index) => {
    const column = layout.paneColumns === 2 ? index % 2 : 0;
    const top = columnTop[column] ?? layout.paneTop;
    columnTop[column] = top + box.height;
    const taskId = taskIds[index];
    if (!taskId) return;
    rects.push({
      taskId,
      index,
      top,
      left: column === 1 ? (layout.panes[0]?.width ?? 0) : 0,
      width: box.width,
      height: box.height,
      gutter: layout.paneColumns === 2 && column === 0 ? 1 : 0,
    });
  });
  return rects;
};
