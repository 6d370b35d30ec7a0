import { describe, expect, it } from 'vitest';
import { createLogRing } from '../../src/state/log-ring.js';

describe('log ring', () => {
  it('keeps the newest lines up to the line cap and addresses them by sequence', () => {
    const ring = createLogRing(3, 1_000_000);
    ring.append(['a', 'b', 'c', 'd', 'e']);
    expect(ring.first()).toBe(2);
    expect(ring.end()).toBe(5);
    expect([2, 3, 4].map((seq) => ring.at(seq))).toEqual(['c', 'd', 'e']);
    expect(ring.at(1)).toBeUndefined();
    expect(ring.at(5)).toBeUndefined();
  });

  it('drops old lines when the byte cap is reached', () => {
    const ring = createLogRing(1000, 25);
    ring.append(['x'.repeat(10), 'y'.repeat(10), 'z'.repeat(10)]);
    expect(ring.bytes()).toBeLessThanOrEqual(25);
    expect(ring.at(ring.end() - 1)).toBe('z'.repeat(10));
    expect(ring.first()).toBe(1);
  });

  it('counts skipped lines in the sequence without holding them', () => {
    const ring = createLogRing(3);
    ring.append(['a', 'b']);
    ring.skip(10);
    expect(ring.first()).toBe(12);
    expect(ring.end()).toBe(12);
    expect(ring.bytes()).toBe(0);
    ring.append(['x', 'y', 'z']);
    expect([12, 13, 14].map((seq) => ring.at(seq))).toEqual(['x', 'y', 'z']);
    ring.skip(0);
    expect(ring.end()).toBe(15);
  });

  it('keeps sequence numbers growing across a clear', () => {
    const ring = createLogRing(10);
    ring.append(['a', 'b']);
    ring.clear();
    expect(ring.first()).toBe(2);
    expect(ring.end()).toBe(2);
    ring.append(['c']);
    expect(ring.at(2)).toBe('c');
  });
});
