import { EventEmitter } from 'node:events';
import type { LogBook } from '../state/log-book.js';
import type { AppState, AppStore } from '../state/store.js';
import { fitWidth } from './format.js';
import type { Paint } from './paint.js';
import { paneRows } from './pane-rows.js';
import { createRowMarks } from './row-marks.js';
import type { RowText } from './row-marks.js';
import type { PaneRect } from './pane-rows.js';

/**
 * The one place that writes the screen. Ink lays out and draws only the chrome (header,
 * table or matrix, detail lines, footer, overlays) and leaves the log area blank; the writer
 * paints the visible rows of each log pane straight from the log book into that area, and
 * rewrites only the rows that changed, at absolute positions, in one synchronized update.
 *
 * Ink runs in debug mode and hands each whole chrome frame to `sink.write`: its own
 * incremental renderer draws one row low when the frame is shorter than the terminal, and
 * its standard one erases and rewrites every row on every frame.
 */
export type ScreenWriter = {
  /** Passed to Ink as its stdout: sizes and resize events come from the real terminal. */
  sink: NodeJS.WriteStream;
  /** Where the log panes are; the log area publishes it after each layout change. */
  panesChanged: (panes: readonly PaneRect[]) => void;
  /** A chrome row's mark: Ink draws the mark, the writer the row (see row-marks.ts). */
  mark: (key: string, text: RowText) => string;
  /** Forget what is on screen, so the next frame is written whole (after a resize). */
  invalidate: () => void;
  dispose: () => void;
};

export type ScreenWriterOptions = {
  store: AppStore;
  logBook: LogBook;
  paint: Paint;
  /** How often rows with elapsed times and countdowns are redrawn. @default 1000 */
  clockMs?: number;
};

/** The terminal the writer draws on: a tty, or the test helper's virtual terminal. */
export type Terminal = {
  write: (chunk: string) => boolean;
  readonly columns: number;
  readonly rows: number;
  on: (event: 'resize', listener: () => void) => unknown;
  off: (event: 'resize', listener: () => void) => unknown;
};

/** Wide enough for any row mark; see the sink below. */
export const inkCanvasColumns = 12;

const csi = '\u001b[';
/** Synchronized output: the terminal shows the whole update at once, or ignores the mode. */
const beginUpdate = `${csi}?2026h`;
const endUpdate = `${csi}?2026l`;

/** What a pane shows depends on these alone (besides the log book and the clock). */
const paneInputsChanged = (state: AppState, prev: AppState): boolean =>
  state.logVersion !== prev.logVersion ||
  state.anchors !== prev.anchors ||
  state.search !== prev.search ||
  state.focus !== prev.focus ||
  state.tasks !== prev.tasks;

export const createScreenWriter = (
  terminal: Terminal,
  { store, logBook, paint, clockMs = 1000 }: ScreenWriterOptions,
): ScreenWriter => {
  let shown: string[] = [];
  // Ink's last frame as it came, marks and all; `chrome` is that frame with the rows' texts.
  let frame: string[] = [];
  let chrome: string[] = [];
  let clock: NodeJS.Timeout | undefined;
  let panes: readonly PaneRect[] = [];
  // After a resize the terminal has reflowed what was on screen: start from a blank one.
  let clearFirst = false;
  let scheduled = false;
  let disposed = false;
  const emitter = new EventEmitter();
  const marks = createRowMarks();

  const compose = (): string[] => {
    if (panes.length === 0) return chrome;
    const rows = chrome.slice();
    const state = store.getState();
    // The log area spans whole rows (one or two columns of panes): its rows are rebuilt
    // from the panes alone, left to right.
    const segments = new Map<number, { left: number; text: string }[]>();
    for (const rect of panes) {
      const painted = paneRows(rect, state, logBook.ring(rect.taskId), paint);
      painted.forEach((text, i) => {
        const row = rect.top + i;
        const list = segments.get(row) ?? [];
        list.push({ left: rect.left, text });
        segments.set(row, list);
      });
    }
    for (const [row, list] of segments) {
      list.sort((a, b) => a.left - b.left);
      while (rows.length <= row) rows.push('');
      rows[row] = list
        .map((s) => s.text)
        .join('')
        .replace(/ +$/, '');
    }
    return rows;
  };

  const draw = (rows: string[]) => {
    const columns = terminal.columns || 80;
    let out = '';
    const height = Math.max(rows.length, shown.length);
    for (let row = 0; row < height; row++) {
      const text = rows[row] ?? '';
      if (text === shown[row]) continue;
      // A row wider than the terminal would wrap onto the next one behind the diff's back
      // (a frame laid out for the old width arrives right after a resize).
      out += `${csi}${row + 1};1H${fitWidth(text, columns)}${csi}0m${csi}K`;
    }
    shown = rows;
    if (clearFirst) {
      out = `${csi}2J${out}`;
      clearFirst = false;
    }
    if (out) terminal.write(beginUpdate + out + endUpdate);
  };

  // One clock for every timed row, so elapsed times and countdowns move together once a
  // second. A tick costs the few timed rows' texts and a write of those that changed: no
  // React commit, no Ink frame (Ink's output stage walks its whole canvas per frame). It runs
  // only while a frame shows a timed row, so an idle console keeps no timer at all.
  const resolveChrome = () => {
    chrome = marks.resolve(frame, Date.now());
    if (marks.ticking() && !clock && !disposed) {
      clock = setInterval(() => {
        resolveChrome();
        schedule();
      }, clockMs);
      clock.unref();
    } else if (!marks.ticking() && clock) {
      clearInterval(clock);
      clock = undefined;
    }
  };

  const flush = () => {
    scheduled = false;
    if (!disposed) draw(compose());
  };
  // One write per burst: Ink's frame and the log area's new rectangles arrive in the same
  // commit (the frame first, the layout effect after it), and must land together.
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(flush);
  };

  const unsubscribe = store.subscribe((state, prev) => {
    if (panes.length > 0 && paneInputsChanged(state, prev)) schedule();
  });

  const onResize = () => {
    shown = [];
    clearFirst = true;
    emitter.emit('resize');
  };
  terminal.on('resize', onResize);

  // Getters, not copies: Ink and the hooks read the size after every resize. Ink lays out on
  // a canvas only `inkCanvasColumns` wide: every chrome row is a short mark (row-marks.ts) and
  // Ink's output stage walks every cell of the canvas on every frame, so a narrow canvas is
  // most of a frame's cost saved. Components size themselves by `terminalColumns`.
  const sink = Object.defineProperties(emitter, {
    isTTY: { value: true },
    write: {
      value: (chunk: string | Uint8Array) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        const rows = text.split('\n');
        if (rows.at(-1) === '') rows.pop();
        frame = rows;
        resolveChrome();
        schedule();
        return true;
      },
    },
    columns: { get: () => Math.min(inkCanvasColumns, terminal.columns || 80) },
    terminalColumns: { get: () => terminal.columns },
    rows: { get: () => terminal.rows },
  }) as unknown as NodeJS.WriteStream;

  return {
    sink,
    mark: marks.mark,
    panesChanged: (next) => {
      panes = next;
      schedule();
    },
    invalidate: () => {
      shown = [];
    },
    dispose: () => {
      disposed = true;
      if (clock) clearInterval(clock);
      clock = undefined;
      unsubscribe();
      terminal.off('resize', onResize);
    },
  };
};
