import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import OurOutput from '../../src/ui/ink-output.js';

// Ink's own Output, which the bundle replaces with ours (scripts/bundle.mjs). Ink's package
// exports only its index, so it is loaded by path.
const inkOutputFile = path.resolve('node_modules/ink/build/output.js');
const { default: InkOutput } = (await import(pathToFileURL(inkOutputFile).href)) as {
  default: typeof OurOutput;
};

type Transformer = (line: string, index: number) => string;
type Op =
  | { kind: 'write'; x: number; y: number; text: string; transformers: Transformer[] }
  | { kind: 'clip'; x1?: number; x2?: number; y1?: number; y2?: number }
  | { kind: 'unclip' };

const frame = (Output: typeof OurOutput, width: number, height: number, ops: Op[]) => {
  const output = new Output({ width, height });
  for (const op of ops) {
    if (op.kind === 'write') output.write(op.x, op.y, op.text, { transformers: op.transformers });
    else if (op.kind === 'clip') output.clip({ x1: op.x1, x2: op.x2, y1: op.y1, y2: op.y2 });
    else output.unclip();
  }
  return output.get();
};

/** A small seeded generator, so a failure can be replayed. */
const random = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

const pieces = [
  'plain text',
  '\u001b[32m✓ ok\u001b[39m',
  '\u001b[1m\u001b[31mfailed (3)\u001b[39m\u001b[22m',
  '日本語の行',
  'emoji 🚀 and ☠',
  'e\u0301 combining',
  '█████░░░ 24/63',
  '',
  ' ',
  'a\nb\nc',
  '\u001b[7m selected row \u001b[27m',
];
const transformerSets: Transformer[][] = [
  [],
  [(line) => line.toUpperCase()],
  [(line, index) => `${index}:${line}`, (line) => `\u001b[2m${line}\u001b[22m`],
];

const randomOps = (next: () => number, width: number, height: number): Op[] => {
  const ops: Op[] = [];
  let open = 0;
  const count = 1 + Math.floor(next() * 12);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  for (let i = 0; i < count; i++) {
    const r = next();
    if (r < 0.15) {
      ops.push({
        kind: 'clip',
        ...(next() < 0.7 ? { x1: int(0, width), x2: int(0, width) } : {}),
        ...(next() < 0.7 ? { y1: int(0, height), y2: int(0, height) } : {}),
      });
      open++;
    } else if (r < 0.22 && open > 0) {
      ops.push({ kind: 'unclip' });
      open--;
    } else {
      const text = Array.from({ length: int(1, 3) }, () => pieces[int(0, pieces.length - 1)]).join(
        next() < 0.3 ? '\n' : ' ',
      );
      ops.push({
        kind: 'write',
        x: int(-3, width + 2),
        y: int(-2, height + 1),
        text,
        transformers: transformerSets[int(0, transformerSets.length - 1)]!,
      });
    }
  }
  return ops;
};

describe('the bundle’s Output in place of Ink’s', () => {
  it('gives the same frame text as Ink for the same writes, clips and transformers', () => {
    const next = random(20261203);
    for (let run = 0; run < 400; run++) {
      const width = 1 + Math.floor(next() * 40);
      const height = 1 + Math.floor(next() * 8);
      const ops = randomOps(next, width, height);
      const ink = frame(InkOutput, width, height, ops);
      expect(frame(OurOutput, width, height, ops), `run ${run}: ${JSON.stringify(ops)}`).toEqual(
        ink,
      );
      // Again: the second frame is built from the rows remembered from the first.
      expect(frame(OurOutput, width, height, ops)).toEqual(ink);
    }
  });

  it('rebuilds a row whose writes changed, and keeps the rows that did not', () => {
    const table = (selected: number): Op[] =>
      [0, 1, 2].map((i) => ({
        kind: 'write' as const,
        x: 0,
        y: i,
        text: i === selected ? `› task ${i}` : `  task ${i}`,
        transformers: [],
      }));
    expect(frame(OurOutput, 20, 3, table(0)).output).toBe('› task 0\n  task 1\n  task 2');
    expect(frame(OurOutput, 20, 3, table(1)).output).toBe('  task 0\n› task 1\n  task 2');
    // The same writes at another width are another row.
    expect(frame(OurOutput, 4, 3, table(1))).toEqual(frame(InkOutput, 4, 3, table(1)));
  });
});
