import type { Window } from './types.js';

/**
 * Fills `{start}`, `{end}`, `{window}` (and `{dates}` when given) into each argv element.
 * Each element stays one argument: nothing here passes through a shell.
 */
export const substituteArgv = (
  argv: readonly string[],
  window: Pick<Window, 'id' | 'start' | 'end'>,
  extra: Record<string, string> = {},
): string[] => {
  const values: Record<string, string> = {
    start: window.start,
    end: window.end,
    window: window.id,
    ...extra,
  };
  return argv.map((arg) =>
    arg.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole),
  );
};
