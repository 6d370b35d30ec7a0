#!/usr/bin/env node
// Benchmark producer: prints `id seq epoch_ms payload` lines with blocking writes.
//
//   node producer.mjs --id p1 --mode rate|flood|hostile --rate N --count N --quiet-ms N
//                     --token T --report FILE [--out FILE] [--go-timeout-ms N]
//
// It waits for SIGUSR1 (the bench's "go", so four producers start together whatever started
// them), prints `count` lines (rate N lines/s, or as fast as it can for flood), writes a JSON
// report, stays quiet for --quiet-ms (so the subject can be watched while nothing changes),
// then exits. It also exits on its own if no go arrives, so a crashed bench leaves no strays.
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';

const args = Object.create(null);
for (let i = 2; i < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
const id = args.id ?? 'p0';
const mode = args.mode ?? 'rate';
const rate = Number(args.rate ?? 1000);
const count = Number(args.count ?? 1000);
const quietMs = Number(args['quiet-ms'] ?? 0);
const durationMs = Number(args['duration-ms'] ?? Number.POSITIVE_INFINITY);
const goTimeoutMs = Number(args['go-timeout-ms'] ?? 120_000);
const reportFile = args.report;
const fd = args.out ? openSync(args.out, 'a') : 1;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleepMs = (ms) => {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
};

/** Blocking write of the whole string, even to a non-blocking descriptor (EAGAIN: wait, retry). */
const writeAll = (text) => {
  let buffer = Buffer.from(text, 'utf8');
  while (buffer.length > 0) {
    try {
      const written = writeSync(fd, buffer);
      buffer = buffer.subarray(written);
    } catch (error) {
      if (error.code === 'EAGAIN') sleepMs(1);
      else throw error;
    }
  }
};

const filler = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor';
const cjk = '日本語のログ行 中文日志行 한국어 로그 ✅🚀🔥 emoji 👩‍👩‍👧‍👦 测试';
const bigLine = 'X'.repeat(10 * 1024);
// Each hostile kind is what a real processor might print; the console must show it in one row
// without moving its cursor, clearing the screen or switching screens.
const hostileKinds = [
  () => `${cjk} ${cjk}`,
  () => `long ${bigLine}`,
  () => `cursor \u001b[5A\u001b[20C\u001b[2;3H moved`,
  () => `clear \u001b[2J\u001b[H\u001b[3J cleared`,
  () => `alt \u001b[?1049h alternate screen`,
  () => `title \u001b]0;hostile title\u0007 \u001b]2;other\u001b\\ osc`,
  () =>
    `colour \u001b[31mred\u001b[0m \u001b[1;38;5;208morange\u001b[0m \u001b[48;2;0;0;255mblue\u001b[0m`,
  () => `alt-off \u001b[?1049l \u001b[?25l hidden cursor \u001b[?25h`,
];
const payload = (seq) => (mode === 'hostile' ? hostileKinds[seq % hostileKinds.length]() : filler);

let sent = 0;
let startedAt = 0;
let endedAt = 0;
const report = (status) => {
  if (!reportFile) return;
  writeFileSync(
    reportFile,
    JSON.stringify({
      id,
      pid: process.pid,
      mode,
      status,
      lines: sent,
      firstSeq: 1,
      lastSeq: sent,
      startedAt,
      endedAt,
    }),
  );
};

const produce = () => {
  startedAt = Date.now();
  const maxBatch = mode === 'flood' ? 2000 : 500;
  while (sent < count) {
    const now = Date.now();
    // Flood stops at its count or its duration, whichever comes first.
    if (mode === 'flood' && now - startedAt >= durationMs) break;
    const due =
      mode === 'flood' ? count : Math.min(count, Math.floor(((now - startedAt) * rate) / 1000) + 1);
    if (due <= sent) {
      sleepMs(Math.max(1, Math.ceil((sent * 1000) / rate - (now - startedAt))));
      continue;
    }
    const upto = Math.min(due, sent + maxBatch);
    let chunk = '';
    for (let seq = sent + 1; seq <= upto; seq++) chunk += `${id} ${seq} ${now} ${payload(seq)}\n`;
    writeAll(chunk);
    sent = upto;
  }
  endedAt = Date.now();
  report('done');
};

const giveUp = setTimeout(() => {
  report('no-go');
  process.exit(3);
}, goTimeoutMs);
process.on('SIGTERM', () => {
  report(endedAt ? 'done' : 'terminated');
  process.exit(endedAt ? 0 : 143);
});
process.once('SIGUSR1', () => {
  clearTimeout(giveUp);
  // Leave the signal handler first; production is synchronous and blocks the loop.
  setImmediate(() => {
    produce();
    if (fd !== 1) closeSync(fd);
    setTimeout(() => process.exit(0), quietMs);
  });
});
report('waiting');
