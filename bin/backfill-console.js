#!/usr/bin/env node
'use strict';
// CommonJS on purpose (bin/package.json): on Node 20 an ES module entry costs ~20 ms of loader
// start-up before its first line runs, the whole gap between `--help` and `node -e 0`. So
// `--help` alone prints the text the build wrote (dist/usage.txt, the same as cli-args.ts's
// usage) without starting the ES module loader; everything else imports the CLI.
const { readFileSync } = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
const usage = () => {
  try {
    return readFileSync(path.join(__dirname, '../dist/usage.txt'), 'utf8');
  } catch {
    return undefined; // not built this way: the CLI prints it
  }
};
const text = args.length === 1 && (args[0] === '--help' || args[0] === '-h') ? usage() : undefined;
if (text !== undefined) process.stdout.write(text);
else {
  // React's development build costs ~30 % more CPU and leaks RSS; set production before React loads.
  process.env.NODE_ENV ??= 'production';
  import('../dist/cli.js').catch((error) => {
    process.stderr.write(`backfill-console: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  });
}
