/** Smallest screen the full layout fits; below it the console shows a notice instead. */
export const minColumns = 50;
export const minRows = 12;

export type PaneBox = { width: number; height: number };

export type Layout = {
  columns: number;
  /** Ink clears the whole screen on every frame as tall as the terminal: stay one row short. */
  frameRows: number;
  tableRows: number;
  paneRows: number;
  /** Screen row (0-based) where the log area starts. */
  paneTop: number;
  /** Panes of the log area in reading order, with their size (title line included). */
  panes: PaneBox[];
  /** Two columns of panes in the split view. */
  paneColumns: 1 | 2;
  /** Rows above the panes for the coverage cell's detail (coverage view only). */
  detailRows: number;
  tooSmall: boolean;
};

/** Fixed rows: header, table title, detail line, footer. */
const chromeRows = 4;

export const computeLayout = (
  columns: number,
  rows: number,
  tableRowsWanted: number,
  paneCount: number,
  withCellDetail = false,
): Layout => {
  const frameRows = Math.max(1, rows - 1);
  const tooSmall = columns < minColumns || rows < minRows;
  const body = Math.max(0, frameRows - chromeRows);
  const tableRows = Math.min(tableRowsWanted, Math.max(3, Math.floor(body * 0.42)));
  const lowerRows = Math.max(0, body - tableRows);
  const detailRows = withCellDetail ? Math.min(6, Math.max(3, Math.floor(lowerRows / 3))) : 0;
  const paneRows = Math.max(0, lowerRows - detailRows);
  const wanted = Math.max(1, paneCount);
  const paneColumns = wanted > 1 && columns >= 100 ? 2 : 1;
  const perColumn = Math.ceil(wanted / paneColumns);
  // Each pane needs its title plus at least two lines to be worth showing.
  const fitting = Math.max(1, Math.min(perColumn, Math.floor(paneRows / 3)));
  const panes: PaneBox[] = [];
  const count = Math.min(wanted, fitting * paneColumns);
  const rowsOfPanes = Math.ceil(count / paneColumns);
  for (let i = 0; i < count; i++) {
    const row = Math.floor(i / paneColumns);
    const base = Math.floor(paneRows / rowsOfPanes);
    const height = row === rowsOfPanes - 1 ? paneRows - base * (rowsOfPanes - 1) : base;
    const width =
      paneColumns === 2
        ? i % 2 === 0
          ? Math.ceil(columns / 2)
          : Math.floor(columns / 2)
        : columns;
    panes.push({ width, height });
  }
  // Header, the table with its title, the detail line, the cell detail: then the panes.
  const paneTop = 1 + tableRows + 1 + 1 + detailRows;
  return {
    columns,
    frameRows,
    tableRows,
    paneRows,
    paneTop,
    panes,
    paneColumns,
    detailRows,
    tooSmall,
  };
};
