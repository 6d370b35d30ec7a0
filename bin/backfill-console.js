#!/usr/bin/env node
// React's development build costs ~30 % more CPU and leaks RSS; set production before React loads.
process.env.NODE_ENV ??= 'production';
await import('../dist/cli.js');
