import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogTailer } from '../../src/runner/logs/log-tailer.js';
import type { LogTailer } from '../../src/runner/logs/log-tailer.js';
import { createProgressParser } from '../../src/runner/logs/progress-parser.js';
import type { ProgressParser } from '../../src/runner/logs/progress-parser.js';
import { createLogRing } from '../../src/state/log-ring.js';
import type { LogRing } from '../../src/state/log-ring.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'log-tailer-'));
  file = path.join(dir, 'task.log');
  writeFileSync(file, '');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const noise = (n: number, from = 1): string =>
  Array.from({ length: n }, (_, i) => `p1 ${from + i} 1733000000000 lorem ipsum\n`).join('');

/** What the ingest tick does with one read: parser first (file order), then the ring. */
const ingest = (tailer: LogTailer, parser: ProgressParser, ring: LogRing, maxBytes: number) => {
  const read = tailer.readTail({ maxBytes, keepLines: ring.maxLines, mayMatter: parser.mayMatter });
  for (const line of read.progressLines) parser.feed(line);
  ring.skip(read.skipped);
  for (const line of read.lines) parser.feed(line);
  ring.append(read.lines);
  return read;
};

const ringLines = (ring: LogRing): string[] => {
  const out: string[] = [];
  for (let seq = ring.first(); seq < ring.end(); seq++) out.push(ring.at(seq) ?? '<hole>');
  return out;
};

describe('log tailer readTail', () => {
  it('makes strings of the newest lines a ring holds and counts the older ones', () => {
    appendFileSync(file, noise(1000));
    const tailer = createLogTailer(file);
    const read = tailer.readTail({ maxBytes: 1 << 20, keepLines: 10, mayMatter: () => false });
    expect(read.skipped).toBe(990);
    expect(read.lines).toEqual(noise(10, 991).trimEnd().split('\n'));
    // Only the first line of a pass (it may end an unfinished line) and the next one that is
    // not blank (the line before the pass may have been a "Failed dates (N total):").
    expect(read.progressLines).toEqual(noise(2).trimEnd().split('\n'));
    tailer.close();
  });

  it('behind a flood, makes no ring strings until it has caught up, then the newest lines', () => {
    appendFileSync(file, noise(1000));
    const tailer = createLogTailer(file);
    const reads = [];
    for (;;) {
      const read = tailer.readTail({ maxBytes: 8192, keepLines: 10, mayMatter: () => false });
      reads.push(read);
      if (!read.behind) break;
    }
    expect(reads.length).toBeGreaterThan(3);
    for (const read of reads.slice(0, -1)) expect(read).toMatchObject({ lines: [], skipped: 0 });
    expect(reads.at(-1)!.skipped).toBe(990);
    expect(reads.at(-1)!.lines).toEqual(noise(10, 991).trimEnd().split('\n'));
    expect(tailer.readTail({ maxBytes: 8192, keepLines: 10 }).bytes).toBe(0);
    expect(tailer.takeSkipped()).toBe(0);
    tailer.close();
  });

  it('leaves a drain the count of lines a read behind a flood passed over', () => {
    appendFileSync(file, noise(1000));
    const tailer = createLogTailer(file);
    const read = tailer.readTail({ maxBytes: 8192, keepLines: 10, mayMatter: () => false });
    expect(read.behind).toBe(true);
    const skipped = tailer.takeSkipped();
    const rest = tailer.finish();
    expect(skipped + rest.length).toBe(1000);
    expect(rest.at(-1)).toBe('p1 1000 1733000000000 lorem ipsum');
    expect(tailer.takeSkipped()).toBe(0);
    tailer.close();
  });

  it('reads nothing and says so when no byte arrived', () => {
    const tailer = createLogTailer(file);
    expect(tailer.readTail({ maxBytes: 1024, keepLines: 5 })).toMatchObject({ bytes: 0 });
    appendFileSync(file, 'half a li');
    expect(tailer.readTail({ maxBytes: 1024, keepLines: 5 })).toMatchObject({
      bytes: 9,
      lines: [],
      skipped: 0,
    });
    appendFileSync(file, 'ne\n');
    expect(tailer.readTail({ maxBytes: 1024, keepLines: 5 }).lines).toEqual(['half a line']);
    tailer.close();
  });

  it('loses and repeats no line in the ring across small reads that cut lines anywhere', () => {
    const ring = createLogRing(50);
    const parser = createProgressParser();
    const tailer = createLogTailer(file);
    const all = noise(3000);
    // Appends and reads of odd sizes, so reads end mid-line and passes start mid-line.
    for (let at = 0; at < all.length; at += 7919) {
      appendFileSync(file, all.slice(at, at + 7919));
      while (ingest(tailer, parser, ring, 3001).bytes > 0);
    }
    expect(ring.end()).toBe(3000);
    expect(ringLines(ring)).toEqual(noise(50, 2951).trimEnd().split('\n'));
    tailer.close();
  });

  it('gives the parser the same progress as reading every line, with a summary block', () => {
    const lines: string[] = [];
    for (let day = 1; day <= 40; day++) {
      const date = `2024-01-${String((day % 28) + 1).padStart(2, '0')}`;
      lines.push(noise(30, day * 100).trimEnd());
      lines.push(`INFO:__main__:Processing day ${day}/40: ${date}`);
      lines.push(noise(20, day * 100 + 50).trimEnd());
      lines.push(day % 7 === 0 ? `✗ Failed: ${date}` : `  ✓ Success: ${day} records`);
      // A redraw turning a noise line into a progress line.
      if (day === 20) lines.push('p1 spinner 50%\rProgress: 20/40 days (50%)');
    }
    lines.push('============ PHASE 4 BACKFILL SUMMARY ============');
    lines.push('  Successful: 35');
    lines.push('  Failed: 5');
    lines.push('Failed dates (5 total):');
    lines.push('');
    lines.push('2024-01-08, 2024-01-15, 2024-01-22, 2024-01-01, 2024-01-09');
    lines.push(noise(200, 90_000).trimEnd());
    writeFileSync(file, `${lines.join('\n')}\n`);

    const everyLine = createProgressParser();
    const full = createLogTailer(file);
    for (const line of full.finish()) everyLine.feed(line);
    full.close();

    const parser = createProgressParser();
    const ring = createLogRing(5);
    const tailer = createLogTailer(file);
    while (ingest(tailer, parser, ring, 4096).bytes > 0);
    tailer.close();

    expect(parser.snapshot()).toEqual(everyLine.snapshot());
    expect(parser.snapshot()).toMatchObject({ failed: 5, index: 40, total: 40 });
    expect(parser.snapshot().failedDates).toHaveLength(5);
  });

  it('ends a Failed-dates wait on a noise line, as reading every line does', () => {
    // The list must come right after the header: a line in between ends the wait.
    const text = `Failed dates (1 total):\nnot a list\n${noise(100)}[datetime.date(2024, 1, 5)]\n${noise(100)}`;
    writeFileSync(file, text);
    const everyLine = createProgressParser();
    for (const line of text.split('\n')) everyLine.feed(line);
    const parser = createProgressParser();
    const tailer = createLogTailer(file);
    while (ingest(tailer, parser, createLogRing(3), 1 << 20).bytes > 0);
    tailer.close();
    expect(parser.snapshot()).toEqual(everyLine.snapshot());
  });

  it('hands every skipped line to a parser whose plan replaced a pattern', () => {
    const parser = createProgressParser({ skip: 'lorem (?<date>\\d{4}-\\d{2}-\\d{2})' });
    expect(parser.mayMatter('p'.charCodeAt(0))).toBe(true);
    expect(createProgressParser().mayMatter('p'.charCodeAt(0))).toBe(false);
    appendFileSync(file, noise(100));
    const tailer = createLogTailer(file);
    const read = tailer.readTail({ maxBytes: 1 << 20, keepLines: 10, mayMatter: parser.mayMatter });
    expect(read.progressLines).toEqual(noise(90).trimEnd().split('\n'));
    tailer.close();
  });
});
