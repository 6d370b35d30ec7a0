import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';
import type { TaskStatus } from '../state/task-status.js';
import type { CellState } from '../state/coverage-state.js';
import type { CheckState } from '../state/checks-slice.js';
import { theme } from './theme.js';

/** Colours as ANSI strings for pre-formatted rows (see Line). Level follows the terminal. */
export const createPaint = (chalk: ChalkInstance = new Chalk()) => {
  const color = (name: string) =>
    (chalk as unknown as Record<string, ChalkInstance>)[name] ?? chalk;
  return {
    status: (status: TaskStatus, text: string) => color(theme.status[status].color)(text),
    coverage: (state: CellState, text: string) => color(theme.coverage[state].color)(text),
    check: (state: CheckState, text: string) => color(theme.check[state].color)(text),
    muted: (text: string) => color(theme.muted)(text),
    accent: (text: string) => color(theme.accent)(text),
    bold: (text: string) => chalk.bold(text),
    count: (kind: keyof typeof theme.counts, text: string) => color(theme.counts[kind])(text),
    notice: (level: keyof typeof theme.notice, text: string) => color(theme.notice[level])(text),
    selected: (text: string) => chalk.bgBlue.white(text),
    match: (text: string) => chalk.bgYellow.black(text),
    inverse: (text: string) => chalk.inverse(text),
  };
};

export type Paint = ReturnType<typeof createPaint>;
