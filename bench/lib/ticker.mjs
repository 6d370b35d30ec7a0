// A task of the 1000-task plan that keeps running: prints a progress line every --every-ms
// ("Processing day i/N: date", which the console parses into its progress columns) and exits
// after --seconds, so nothing outlives the bench even if the console leaves it running.
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const everyMs = arg('every-ms', 200);
const seconds = arg('seconds', 120);
const total = Math.ceil((seconds * 1000) / everyMs);
let i = 0;
const timer = setInterval(() => {
  i++;
  process.stdout.write(`Processing day ${i}/${total}: 2024-01-01\n`);
  if (i >= total) {
    clearInterval(timer);
    process.exit(0);
  }
}, everyMs);
