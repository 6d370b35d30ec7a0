import type { LogRing } from '../state/log-ring.js';

/** The sequence numbers a pane of `height` lines shows, given its anchor (null = follow). */
export const visibleRange = (
  ring: Pick<LogRing, 'first' | 'end'>,
  anchor: number | null,
  height: number,
): { from: number; to: number } => {
  const end = ring.end();
  const bottom =
    anchor === null ? end - 1 : Math.min(Math.max(anchor, ring.first() + height - 1), end - 1);
  const from = Math.max(ring.first(), bottom - height + 1);
  return { from, to: bottom };
};

/** Moves an anchor by `delta` lines; reaching the newest line switches back to follow. */
export const scrollAnchor = (
  ring: Pick<LogRing, 'first' | 'end'>,
  anchor: number | null,
  delta: number,
  height: number,
): number | null => {
  const newest = ring.end() - 1;
  const current = anchor ?? newest;
  const lowest = Math.min(newest, ring.first() + height - 1);
  const next = Math.max(lowest, current + delta);
  return next >= newest ? null : next;
};

/** The newest line at or before `fromSeq` (searching older) containing `query`, case-insensitive. */
export const findMatch = (
  ring: Pick<LogRing, 'first' | 'end' | 'at'>,
  query: string,
  fromSeq: number,
  direction: 'older' | 'newer',
  plain: (line: string) => string = (line) => line,
): number | undefined => {
  const needle = query.toLowerCase();
  if (!needle) return undefined;
  const step = direction === 'older' ? -1 : 1;
  for (let seq = fromSeq; seq >= ring.first() && seq < ring.end(); seq += step) {
    const line = ring.at(seq);
    if (line !== undefined && plain(line).toLowerCase().includes(needle)) return seq;
  }
  return undefined;
};
