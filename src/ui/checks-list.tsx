import { Box } from 'ink';
import { checkState, rangeText } from '../state/checks-slice.js';
import { fitWidth } from './format.js';
import { Line } from './line.js';
import { useAppState, useServices } from './services-context.js';
import { theme } from './theme.js';

/** Rows the checklist wants: a heading and one row per check (none without checks). */
export const checksListRows = (checkCount: number): number => (checkCount > 0 ? checkCount + 1 : 0);

/** The plan's success checks under the matrix: value, range, pass or fail, the error. */
export const ChecksList = ({ width, height }: { width: number; height: number }) => {
  const { paint } = useServices();
  const checks = useAppState((s) => s.plan.checks);
  const cells = useAppState((s) => s.checks);
  const rows = checks.slice(0, Math.max(0, height - 1)).map((check) => {
    const cell = cells[check.id];
    const state = checkState(check, cell);
    const value =
      cell?.error !== undefined
        ? `error: ${cell.error}`
        : cell?.value === undefined
          ? cell?.refreshing
            ? 'querying…'
            : 'not run yet (c refreshes)'
          : `${cell.value?.toLocaleString('en-US') ?? 'no value'} (${rangeText(check)})`;
    const text = ` ${theme.check[state].symbol} ${check.title ?? check.id}: ${value}`;
    return { id: check.id, text: paint.check(state, fitWidth(text, width)) };
  });
  return (
    <Box flexDirection="column" height={height}>
      <Line text={paint.bold(fitWidth(' Checks', width))} />
      {rows.map((row) => (
        <Line key={row.id} text={row.text} />
      ))}
    </Box>
  );
};
