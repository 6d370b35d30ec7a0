import { render } from 'ink-testing-library';
import { Chalk } from 'chalk';
import { createAppStore } from '../../src/state/store.js';
import type { AppStore } from '../../src/state/store.js';
import { createLogBook } from '../../src/state/log-book.js';
import type { LogBook } from '../../src/state/log-book.js';
import type { CoverageControl, RunControl, TaskControl } from '../../src/state/services.js';
import type { Plan } from '../../src/plan/index.js';
import { App } from '../../src/ui/app.js';
import { createPaint } from '../../src/ui/paint.js';
import { createScreenWriter } from '../../src/ui/screen-writer.js';
import { VirtualTerminal } from './virtual-terminal.js';
import { testPlan } from './plans.js';

/** Named key sequences, so tests read as what the operator pressed. */
export const keys = {
  up: '\u001b[A',
  down: '\u001b[B',
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  home: '\u001b[H',
  end: '\u001b[F',
  backspace: '\u007f',
  ctrlC: '\u0003',
} as const;

export type ControlCall = { action: keyof TaskControl; taskId?: string; note?: string };

/** Records what the UI asked of the supervisor; the runner tests cover what it does. */
export const recordingControl = (calls: ControlCall[], running = () => 0): TaskControl => ({
  start: (taskId, options) =>
    calls.push({ action: 'start', taskId, ...(options?.note ? { note: options.note } : {}) }),
  stop: (taskId) => calls.push({ action: 'stop', taskId }),
  kill: (taskId) => calls.push({ action: 'kill', taskId }),
  restart: (taskId) => calls.push({ action: 'restart', taskId }),
  stopAll: () => {
    calls.push({ action: 'stopAll' });
    return Promise.resolve();
  },
  runningCount: running,
});

export type Rendered = ReturnType<typeof render> & {
  store: AppStore;
  logBook: LogBook;
  /** What the UI calls; it records into `calls`. */
  control: TaskControl;
  calls: ControlCall[];
  quits: () => number;
  /** How each quit asked to treat running tasks. */
  quitPolicies: string[];
  /** Writes keys one at a time, as a terminal would deliver separate key presses. */
  press: (...sequence: string[]) => Promise<void>;
  /** The whole screen as composed by the product's screen writer: chrome and log panes. */
  screen: () => string;
  terminal: VirtualTerminal;
  /** Resolves with the screen once `predicate` holds; fails with the last screen after the deadline. */
  waitForFrame: (predicate: (frame: string) => boolean, deadlineMs?: number) => Promise<string>;
};

/**
 * Renders the whole console with a fresh store, the way the product does: Ink draws the
 * chrome (ink-testing-library's stdout is 100x24), and each frame goes through the product's
 * screen writer, which paints the log panes from the log book onto a virtual terminal.
 */
export type RenderOptions = {
  runs?: RunControl;
  coverage?: CoverageControl;
  /** Keep ANSI colours in the frames (level 1), e.g. to see a highlighted cell. */
  colours?: boolean;
};

export const renderApp = (plan: Plan = testPlan(), options: RenderOptions = {}): Rendered => {
  const store = createAppStore(plan);
  const logBook = createLogBook(1000);
  const calls: ControlCall[] = [];
  let quitCount = 0;
  const quitPolicies: string[] = [];
  const paint = createPaint(new Chalk({ level: options.colours ? 1 : 0 }));
  const control = recordingControl(calls);
  const terminal = new VirtualTerminal(100, 24);
  const writer = createScreenWriter(terminal, { store, logBook, paint });
  const app = (
    <App
      store={store}
      logBook={logBook}
      control={control}
      runs={options.runs}
      coverage={options.coverage}
      onQuit={(policy) => {
        quitCount++;
        quitPolicies.push(policy);
      }}
      paint={paint}
      screen={writer}
    />
  );
  const rendered = render(app);
  // Ink writes its frames to ink-testing-library's stdout (kept there too: `frames` and
  // `lastFrame` are the chrome alone); from here on each also goes to the screen writer, as
  // in the product. The first frame was written during render().
  const recordFrame = rendered.stdout.write;
  rendered.stdout.write = (frame: string) => {
    recordFrame(frame);
    writer.sink.write(frame);
  };
  // And Ink lays out on the writer's narrow canvas, the components at the terminal's width,
  // as in the product: the first frame was drawn on ink-testing-library's 100 columns, so
  // draw again.
  Object.defineProperties(rendered.stdout, {
    columns: { get: () => writer.sink.columns },
    terminalColumns: { get: () => terminal.columns },
  });
  rendered.rerender(app);
  const waitForFrame = async (predicate: (frame: string) => boolean, deadlineMs = 3000) => {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const frame = terminal.screen();
      if (predicate(frame)) return frame;
      if (Date.now() > deadline) throw new Error(`screen never matched; last screen:\n${frame}`);
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
    unmount: () => {
      rendered.unmount();
      writer.dispose();
    },
    screen: terminal.screen,
    terminal,
    store,
    logBook,
    control,
    calls,
    quits: () => quitCount,
    quitPolicies,
    press,
    waitForFrame,
  };
};
