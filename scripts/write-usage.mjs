// Writes the help text to dist/usage.txt for the CommonJS bin's `--help` fast path
// (bin/backfill-console.js): the same text as `usage` in src/cli-args.ts, printed the same way.
import { writeFileSync } from 'node:fs';
import { usage } from '../dist/cli-args.js';

writeFileSync(new URL('../dist/usage.txt', import.meta.url), `${usage}\n`);
