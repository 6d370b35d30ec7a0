import type { Plan } from '../../src/plan/index.js';
import { renderApp } from '../support/render-app.js';
import type { Rendered } from '../support/render-app.js';

/** Arrow keys, which the shared key constants do not name. */
export const arrows = { left: '\u001b[D', right: '\u001b[C' } as const;

export type CoverageRendered = Rendered & {
  /** How often the UI asked the coverage tracker to refresh every cell. */
  refreshAllCalls: () => number;
};

/**
 * renderApp with a `coverage` control that counts refreshAll calls (omitted with
 * `withCoverage: false`); `colours` keeps ANSI codes so a test can see the highlighted cell.
 */
export const renderCoverageApp = (
  plan: Plan,
  { withCoverage = true, colours = false } = {},
): CoverageRendered => {
  let refreshAll = 0;
  const coverage = withCoverage
    ? { refreshAll: () => void refreshAll++, description: 'sqlite ./warehouse' }
    : undefined;
  const rendered = renderApp(plan, { coverage, colours });
  return Object.assign(rendered, { refreshAllCalls: () => refreshAll });
};
