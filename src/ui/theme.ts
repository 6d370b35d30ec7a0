import type { CheckState } from '../state/checks-slice.js';
import type { TaskStatus } from '../state/task-status.js';
import type { CellState } from '../state/coverage-state.js';

/** Every colour and symbol on screen, by meaning. Components never use literals. */
export const theme = {
  status: {
    pending: { symbol: '·', color: 'gray', label: 'pending' },
    starting: { symbol: '◌', color: 'cyan', label: 'starting' },
    running: { symbol: '▶', color: 'cyan', label: 'running' },
    stopping: { symbol: '■', color: 'yellow', label: 'stopping' },
    succeeded: { symbol: '✓', color: 'green', label: 'succeeded' },
    'with-failures': { symbol: '⚠', color: 'yellow', label: 'with failures' },
    failed: { symbol: '✗', color: 'red', label: 'failed' },
    killed: { symbol: '☠', color: 'magenta', label: 'killed' },
    'ended-unseen': { symbol: '?', color: 'yellow', label: 'ended unseen' },
  } satisfies Record<TaskStatus, { symbol: string; color: string; label: string }>,
  coverage: {
    complete: { color: 'green', label: 'complete' },
    partial: { color: 'yellow', label: 'partial' },
    missing: { color: 'red', label: 'missing' },
    error: { color: 'magenta', label: 'query error' },
    counted: { color: 'cyan', label: 'counted (no expected dates)' },
    unknown: { color: 'gray', label: 'not queried yet' },
    untracked: { color: 'gray', label: 'no coverage declared' },
  } satisfies Record<CellState, { color: string; label: string }>,
  /** The plan's success checks, under the matrix. */
  check: {
    pass: { color: 'green', symbol: '✓' },
    fail: { color: 'red', symbol: '✗' },
    error: { color: 'magenta', symbol: '!' },
    unknown: { color: 'gray', symbol: '·' },
  } satisfies Record<CheckState, { color: string; symbol: string }>,
  /** A run that succeeded while its data is incomplete. */
  disagreement: '⚑',
  accent: 'cyan',
  muted: 'gray',
  heading: 'white',
  border: 'gray',
  borderFocused: 'cyan',
  selection: { backgroundColor: 'blue', color: 'white' },
  searchMatch: { backgroundColor: 'yellow', color: 'black' },
  counts: { ok: 'green', failed: 'red', skipped: 'gray' },
  notice: { info: 'cyan', warn: 'yellow', error: 'red' },
  bar: { filled: '█', empty: '░' },
  rule: '─',
} as const;
