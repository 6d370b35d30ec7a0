import { Box } from 'ink';
import type { TaskId } from '../plan/types.js';
import type { Layout } from './layout.js';
import { LogPane } from './log-pane.js';
import { useAppState } from './services-context.js';

type Props = { layout: Layout; taskIds: readonly TaskId[] };

/** One pane for the selected task, or up to four in the split view (two columns when wide). */
export const LogArea = ({ layout, taskIds }: Props) => {
  const focus = useAppState((s) => s.focus);
  const panes = layout.panes.map((box, index) => ({ box, index, taskId: taskIds[index] }));
  const columns =
    layout.paneColumns === 2
      ? [panes.filter((p) => p.index % 2 === 0), panes.filter((p) => p.index % 2 === 1)]
      : [panes];
  return (
    <Box flexDirection="row" height={layout.paneRows}>
      {columns.map((column, c) => (
        <Box key={c} flexDirection="column">
          {column.map(({ box, index, taskId }) =>
            taskId ? (
              <LogPane
                key={taskId}
                taskId={taskId}
                width={box.width}
                height={box.height}
                focused={focus.area === 'pane' && focus.index === index}
                gutter={layout.paneColumns === 2 && index % 2 === 0 ? 1 : 0}
              />
            ) : (
              <Box key={`empty-${index}`} width={box.width} height={box.height} />
            ),
          )}
        </Box>
      ))}
    </Box>
  );
};
