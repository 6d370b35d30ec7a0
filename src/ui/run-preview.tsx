import { Box } from 'ink';
import type { RunPreview } from '../state/run-slice.js';
import { fitWidth } from './format.js';
import { Line } from './line.js';
import type { Paint } from './paint.js';
import { useAppState, useServices } from './services-context.js';
import { counted } from '../state/counted.js';

const titles = {
  all: 'Run the plan: every task not yet complete, whole windows',
  gaps: 'Fill gaps: only the dates coverage lacks',
  everything: 'Re-run everything, complete cells included',
} as const;

/** The dry run as lines: numbered steps with their exact commands, then the skipped tasks and why. */
export const previewLines = (preview: RunPreview, paint: Paint): string[] => {
  const lines = [
    paint.bold(
      `${titles[preview.mode]}: ${counted(preview.steps.length, 'task')} to run, ${preview.skipped.length} skipped`,
    ),
    '',
  ];
  preview.steps.forEach((step, index) => {
    const after = step.after.length > 0 ? paint.muted(` (after ${step.after.join(', ')})`) : '';
    lines.push(
      `${String(index + 1).padStart(3)}. ${paint.accent(step.taskId)} · ${step.detail}${after}`,
    );
    for (const command of step.commands) lines.push(`       ${paint.muted('$')} ${command}`);
  });
  if (preview.skipped.length > 0) {
    lines.push('', paint.bold('Skipped'));
    for (const skip of preview.skipped)
      lines.push(`     ${skip.taskId}: ${paint.muted(skip.reason)}`);
  }
  return lines;
};

export const RunPreviewOverlay = ({ width, height }: { width: number; height: number }) => {
  const { paint } = useServices();
  const preview = useAppState((s) => s.preview);
  const asking = useAppState((s) => s.previewAsking);
  const scroll = useAppState((s) => s.previewScroll);
  if (!preview) {
    // A dry run is only ever computed from fresh coverage: say what it is waiting for.
    return (
      <Box flexDirection="column" height={height}>
        {asking ? (
          <>
            <Line text={fitWidth(paint.bold(`${titles[asking.mode]}`), width)} />
            <Line text="" />
            <Line
              text={fitWidth(
                paint.muted(
                  `asking the warehouse… ${asking.fresh} of ${asking.cells} cells (a plan is made only from answers newer than each task's last run)`,
                ),
                width,
              )}
            />
          </>
        ) : null}
        <Box flexGrow={1} />
        <Line text={fitWidth(paint.notice('warn', 'n or Esc cancels'), width)} />
      </Box>
    );
  }
  const lines = previewLines(preview, paint);
  const body = Math.max(1, height - 1);
  const top = Math.min(scroll, Math.max(0, lines.length - body));
  const shown = lines.slice(top, top + body);
  const more = lines.length > top + body ? ` · ${lines.length - top - body} more lines (j/↓)` : '';
  return (
    <Box flexDirection="column" height={height}>
      {shown.map((text, index) => (
        <Line key={index} text={fitWidth(text, width)} />
      ))}
      <Line
        text={fitWidth(
          paint.notice('warn', `y or ⏎ starts this run · n or Esc cancels${more}`),
          width,
        )}
      />
    </Box>
  );
};
