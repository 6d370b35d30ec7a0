import { render } from 'ink-testing-library';
import { Chalk } from 'chalk';
import type { Plan } from '../../src/plan/index.js';
import { createAppStore } from '../../src/state/store.js';
import type { AppStore } from '../../src/state/store.js';
import { createLogBook } from '../../src/state/log-book.js';
import type { CoverageControl } from '../../src/state/services.js';
import { App } from '../../src/ui/app.js';
import { createPaint } from '../../src/ui/paint.js';
import { recordingControl } from '../support/render-app.js';
import type { ControlCall } from '../support/render-app.js';

/** Arrow keys, which the shared key constants do not name. */
export const arrows = { left: '\u001b[D', right: '\u001b[C' } as const;

export type CoverageRendered = ReturnType<typeof render> & {
  store: AppStore;
  calls: ControlCall[];
  /** How often the UI asked the coverage tracker to refresh every cell. */
  refreshAllCalls: () => number;
  press: (...sequence: string[]) => Promise<void>;
  waitForFrame: (predicate: (frame: string) => boolean, deadlineMs?: number) => Promise<string>;
};

/**
 * Like renderApp in test/support, plus a `coverage` control that counts refreshAll calls
 * (omitted with `withCoverage: false`). `colours` keeps ANSI codes so a test can see the
 * highlighted cell; ink-testing-library's stdout is 100 columns by 24 rows.
 */
export const renderCoverageApp = (
  plan: Plan,
  { withCoverage = true, colours = false } = {},
): CoverageRendered => {
  const store = createAppStore(plan);
  const logBook = createLogBook(1000);
  const calls: ControlCall[] = [];
  let refreshAll = 0;
  const coverage: CoverageControl | undefined = withCoverage
    ? { refreshAll: () => void refreshAll++, description: 'sqlite ./warehouse' }
    : undefined;
  const rendered = render(
    <App
      store={store}
      logBook={logBook}
      control={recordingControl(calls)}
      coverage={coverage}
      onQuit={() => undefined}
      paint={createPaint(new Chalk({ level: colours ? 1 : 0 }))}
    />,
  );
  const waitForFrame = async (predicate: (frame: string) => boolean, deadlineMs = 3000) => {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const frame = rendered.lastFrame() ?? '';
      if (predicate(frame)) return frame;
      if (Date.now() > deadline) throw new Error(`frame never matched; last frame:\n${frame}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const press = async (...sequence: string[]) => {
    for (const key of sequence) {
      rendered.stdin.write(key);
      // Let Ink's input parser deliver this key before the next one arrives.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return {
    ...rendered,
    store,
    calls,
    refreshAllCalls: () => refreshAll,
    press,
    waitForFrame,
  };
};
