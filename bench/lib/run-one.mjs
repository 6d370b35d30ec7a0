// One subject under one scenario: start it in a fresh tmux server, bring it to the state being
// measured, release the producers, sample, time keys, wait for it to catch up and go quiet,
// quit it, check the lines, and boil the samples down to figures.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killPid, killTmux, removeDir, track } from './cleanup.mjs';
import { clearsOf } from './pane-output.mjs';
import { stat } from './proc.mjs';
import { createSampler, deltaOf, valueAt } from './sampler.mjs';
import { changedRows, parseScreen, seqJumps } from './screen.mjs';
import { producerScript, subjects } from './subjects.mjs';
import { startTmux } from './tmux.mjs';
import { percentile, round, sleep, slope, waitFor } from './util.mjs';

export const COLUMNS = 120;
export const ROWS = 45;
const ids = ['p1', 'p2', 'p3', 'p4'];

const readReports = (dir) =>
  ids.map((id) => {
    try {
      return JSON.parse(readFileSync(path.join(dir, `${id}.json`), 'utf8'));
    } catch {
      return undefined; // not written yet, or caught mid-write
    }
  });

/**
 * Screen observer: captures every `intervalMs` from the go until stopped. Each capture gives an
 * end-to-end latency sample when the newest visible timestamp is new (so a slow producer's
 * screen is timed when its line first shows, not as it ages), and its round trip time.
 */
const observeScreen = (tmux, intervalMs) => {
  const captures = [];
  let running = true;
  let previous;
  const loop = (async () => {
    while (running) {
      const capture = await tmux.capture();
      const parsed = parseScreen(capture.lines);
      const changed = previous ? changedRows(previous.lines, capture.lines) : [];
      captures.push({
        wall: capture.wall,
        rttMs: capture.at - capture.sentAt,
        newestEpoch: parsed.newestEpoch,
        fresh: parsed.newestEpoch !== undefined && parsed.newestEpoch !== previous?.newestEpoch,
        jumps: seqJumps(parsed.entries),
        changedRows: changed,
        maxSeq: parsed.maxSeq,
      });
      previous = { lines: capture.lines, newestEpoch: parsed.newestEpoch };
      await sleep(intervalMs);
    }
  })();
  loop.catch(() => {}); // awaited in stop(); the tmux server may be gone first on an error path
  return {
    captures,
    stop: async () => {
      running = false;
      await loop;
    },
  };
};

/** Toggle key samples until `until()` says stop; always leaves the subject as it found it. */
const timeKeys = (subject, tmux, { gapMs, pollMs, until, producing }) => {
  const samples = [];
  let missed = 0;
  let afterProduction = 0;
  let phase = 0;
  const loop = (async () => {
    while (!until(samples.length)) {
      // A random gap so key presses do not line up with the console's ingest tick.
      await sleep(gapMs[0] + Math.random() * (gapMs[1] - gapMs[0]));
      const ms = await subject.keyToggle(tmux, phase, pollMs);
      phase++;
      if (ms === undefined) missed++;
      else {
        samples.push(ms);
        if (!producing()) afterProduction++;
      }
    }
    if (phase % 2 === 1) await subject.keyToggle(tmux, phase, pollMs);
  })();
  loop.catch(() => {}); // awaited by the caller; an error path may abandon it
  return { samples, missed: () => missed, afterProduction: () => afterProduction, done: loop };
};

export const runOne = async ({ scenario, subjectName, index, options }) => {
  const subject = subjects[subjectName];
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-${subjectName}-`));
  track({ kind: 'dir', dir });
  const reportsDir = path.join(dir, 'reports');
  mkdirSync(reportsDir);
  const token = `bench-${process.pid}-${index}`;
  const count =
    scenario.mode === 'flood'
      ? scenario.count
      : Math.round((scenario.rate * scenario.durationMs) / 1000);
  const producerArgv = (id) => [
    process.execPath,
    producerScript,
    ...[
      '--id',
      id,
      '--mode',
      scenario.mode,
      '--rate',
      String(scenario.rate ?? 0),
      '--count',
      String(count),
    ],
    ...['--duration-ms', String(scenario.durationMs), '--quiet-ms', String(scenario.quietMs)],
    ...[
      '--token',
      token,
      '--report',
      path.join(reportsDir, `${id}.json`),
      '--go-timeout-ms',
      '120000',
    ],
  ];
  const cpuProfDir =
    options.cpuProf && subjectName === 'console' ? path.join(dir, 'cpuprofile') : undefined;
  const setupResult = subject.setup({ dir, ids, producerArgv, track, cpuProfDir });
  const pipeFile = path.join(dir, 'pane-output.bin');
  const socket = `bench-${process.pid}-${index}`;
  let tmux;
  let sampler;
  let producerPids = [];
  const log = (text) => options.verbose && process.stderr.write(`    ${text}\n`);
  try {
    tmux = await startTmux({
      name: socket,
      argv: setupResult.argv,
      cwd: dir,
      columns: COLUMNS,
      rows: ROWS,
      onTrack: track,
      pipeFile,
    });
    sampler = createSampler({
      panePid: tmux.panePid,
      serverPid: tmux.serverPid,
      controlPid: tmux.controlPid,
      pipeFile,
    });
    sampler.start();
    await subject.ready({ tmux, ids });
    log('ready');

    const waiting = await waitFor(
      'the four producers to be waiting for the go',
      () => {
        const reports = readReports(reportsDir);
        return reports.every(Boolean) ? reports : undefined;
      },
      { deadlineMs: 30_000, intervalMs: 50 },
    );
    producerPids = waiting.map((r) => r.pid);
    for (const pid of producerPids) track({ kind: 'pid', pid });
    sampler.setProducerPids(producerPids);

    // Go: all four start together; every window below is measured from here.
    const tGo = Date.now();
    for (const pid of producerPids) process.kill(pid, 'SIGUSR1');
    const observer = observeScreen(tmux, scenario.observeMs ?? 100);
    const keyStart = scenario.keysConcurrent
      ? tGo + 1_000
      : tGo + scenario.durationMs - scenario.keyMs;
    const measureStart = tGo + 500;

    let producing = true;
    const finished = waitFor(
      'the producers to finish',
      () => {
        const reports = readReports(reportsDir);
        if (reports.some((r) => r && r.status !== 'waiting' && r.status !== 'done')) {
          throw new Error(`a producer ended early: ${JSON.stringify(reports)}`);
        }
        return reports.every((r) => r?.status === 'done') ? reports : undefined;
      },
      { deadlineMs: scenario.durationMs + 120_000, intervalMs: 100 },
    ).finally(() => (producing = false));
    finished.catch(() => {}); // awaited below

    let keys;
    if (subject.keyToggle) {
      await Promise.race([sleep(Math.max(0, keyStart - Date.now())), finished]);
      keys = timeKeys(subject, tmux, {
        gapMs: scenario.keyGapMs ?? [80, 160],
        pollMs: 2,
        // While the producers run; a flood that ended early gets its samples while the
        // subject catches up, up to the minimum count.
        producing: () => producing,
        until: (n) =>
          (!producing && n >= options.minKeySamples) ||
          (!producing && Date.now() > tGo + scenario.durationMs + 30_000),
      });
    }
    const reports = await finished;
    const tDone = Math.max(...reports.map((r) => r.endedAt));
    const measureEnd =
      scenario.keysConcurrent || !subject.keyToggle ? tDone : Math.min(tDone, keyStart);
    log(`done ${reports.reduce((s, r) => s + r.lines, 0)} lines`);
    await keys?.done;

    // Caught up: the console shows every producer's last line; the others stop changing.
    let tSettled;
    let settleTimedOut = false;
    {
      let lastKey;
      let stableSince = Date.now();
      const deadline = Date.now() + (scenario.mode === 'flood' ? 240_000 : 60_000);
      for (;;) {
        const parsed = parseScreen((await tmux.capture()).lines);
        const now = Date.now();
        if (subject.caughtUp?.(parsed, reports)) {
          tSettled = now;
          break;
        }
        const key = JSON.stringify(parsed.maxSeq);
        if (key !== lastKey) {
          lastKey = key;
          stableSince = now;
        } else if (now - stableSince >= 1_000 && !subject.caughtUp) {
          tSettled = stableSince;
          break;
        }
        if (now > deadline) {
          settleTimedOut = true;
          tSettled = now;
          break;
        }
        await sleep(50);
      }
    }
    log('settled');

    // Quiet: the producers are alive but print nothing; nothing should be drawn but clocks.
    const quietStart = Math.max(tSettled, tDone) + 500;
    const quietEnd = Math.min(...reports.map((r) => r.endedAt)) + scenario.quietMs - 500;
    await sleep(Math.max(0, quietEnd - Date.now()));
    await observer.stop();
    sampler.sampleNow();
    const countsAtEnd = sampler.samples[sampler.samples.length - 1].counts;

    // Everything is measured by now: a subject that will not quit is noted, then killed.
    let quitProblem;
    try {
      await subject.quit({ tmux });
    } catch (error) {
      quitProblem = error instanceof Error ? error.message : String(error);
      process.stderr.write(`    warning: ${quitProblem.split('\n')[0]} (killing it)\n`);
    }
    const paneState = await tmux.paneState().catch(() => ({ dead: undefined }));
    const exitStatus = { status: paneState.status, signal: paneState.signal };
    sampler.stop();
    log('quit');
    killTmux(socket);
    for (const pid of producerPids) killPid(pid);
    const leftovers = producerPids.filter((pid) => {
      const s = stat(pid);
      return s && s.state !== 'Z';
    });

    const verify = subject.verify?.({ dir, reports, setupResult });
    const profile = cpuProfDir ? saveProfile(cpuProfDir, options, scenario, index) : undefined;

    return summarize({
      scenario,
      subjectName,
      samples: sampler.samples,
      captures: observer.captures,
      keys,
      reports,
      windows: { tGo, measureStart, measureEnd, keyStart, tDone, tSettled, quietStart, quietEnd },
      countsAtEnd,
      verify,
      settleTimedOut,
      exitStatus,
      quitProblem,
      leftovers,
      profile,
    });
  } finally {
    sampler?.stop?.();
    tmux?.kill();
    killTmux(socket);
    for (const pid of producerPids) killPid(pid);
    if (!options.keep) removeDir(dir);
    else process.stderr.write(`    kept ${dir}\n`);
  }
};

const saveProfile = (cpuProfDir, options, scenario, index) => {
  if (!existsSync(cpuProfDir)) return undefined;
  const file = readdirSync(cpuProfDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return undefined;
  mkdirSync(options.profileDir, { recursive: true });
  const target = path.join(options.profileDir, `${scenario.name}-${index}.cpuprofile`);
  renameSync(path.join(cpuProfDir, file), target);
  return target;
};

const quietFramesOf = (samples, from, to) => {
  const inside = samples.filter((s) => s.t >= from && s.t <= to);
  if (to <= from || inside.length < 2) return undefined;
  return inside[inside.length - 1].counts.frames - inside[0].counts.frames;
};

const mb = (kb) => (kb === undefined ? undefined : kb / 1024);

const summarize = ({
  scenario,
  subjectName,
  samples,
  captures,
  keys,
  reports,
  windows,
  countsAtEnd,
  verify,
  settleTimedOut,
  exitStatus,
  quitProblem,
  leftovers,
  profile,
}) => {
  const w = windows;
  const seconds = (a, b) => (b - a) / 1000;
  const rate = (get, a, b) => (b > a ? deltaOf(samples, get, a, b) / seconds(a, b) : undefined);
  const lines = reports.reduce((s, r) => s + r.lines, 0);
  const productionSeconds = seconds(Math.min(...reports.map((r) => r.startedAt)), w.tDone);
  const subjectCpu = (s) => s.subjectCpu;
  const tmuxCpu = (s) => s.tmuxCpu;

  const inWindow = (t, a, b) => t >= a && t <= b;
  const measured = samples.filter((s) => inWindow(s.t, w.tGo, w.tSettled) && s.rssKb !== undefined);
  // Growth, not warm-up: rings and caches fill in the first seconds, so the first quarter of
  // the producing time (at most a minute) is left out of the regression.
  const slopeFrom = w.tGo + Math.min(60_000, (w.tDone - w.tGo) / 4);
  const forSlope = samples.filter(
    (s) => inWindow(s.t, slopeFrom, w.tDone) && s.rssKb !== undefined,
  );
  // Under a steady stream every capture is a sample (a frozen screen shows as growing latency);
  // with one line a second only captures showing a new line are (see scenarios.mjs).
  const e2e = captures
    .filter((c) => c.newestEpoch !== undefined && (c.fresh || !scenario.e2eFreshOnly))
    .filter((c) => inWindow(c.wall, w.measureStart, w.measureEnd))
    .map((c) => c.wall - c.newestEpoch);
  const rtts = captures.map((c) => c.rttMs);
  const quietCaptures = captures.filter((c) => inWindow(c.wall, w.quietStart, w.quietEnd));
  const quietSeconds = Math.max(0, seconds(w.quietStart, w.quietEnd));
  const quietChangedRows = [...new Set(quietCaptures.flatMap((c) => c.changedRows))].sort(
    (a, b) => a - b,
  );

  const busyOthers =
    w.measureEnd > w.measureStart
      ? (deltaOf(samples, (s) => s.busy, w.measureStart, w.measureEnd) -
          deltaOf(
            samples,
            (s) => s.subjectCpu + s.tmuxCpu + s.producersCpu + s.benchCpu,
            w.measureStart,
            w.measureEnd,
          )) /
        seconds(w.measureStart, w.measureEnd)
      : undefined;

  return {
    scenario: scenario.name,
    subject: subjectName,
    lines,
    linesPerSecond: round(lines / productionSeconds, 0),
    productionSeconds: round(productionSeconds, 2),
    windows: Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v - w.tGo])),
    cpuPer100kLines: round((deltaOf(samples, subjectCpu, w.tGo, w.tSettled) / lines) * 1e5, 3),
    tmuxCpuPer100kLines: round((deltaOf(samples, tmuxCpu, w.tGo, w.tSettled) / lines) * 1e5, 3),
    cpuPct: round((rate(subjectCpu, w.measureStart, w.measureEnd) ?? NaN) * 100, 2),
    tmuxCpuPct: round((rate(tmuxCpu, w.measureStart, w.measureEnd) ?? NaN) * 100, 2),
    producersCpuPct: round(
      (rate((s) => s.producersCpu, w.measureStart, w.measureEnd) ?? NaN) * 100,
      1,
    ),
    benchCpuPct: round((rate((s) => s.benchCpu, w.measureStart, w.measureEnd) ?? NaN) * 100, 1),
    othersCpuPct: round((busyOthers ?? NaN) * 100, 1),
    peakRssMb: round(mb(Math.max(...measured.map((s) => s.rssKb))), 1),
    rssSlopeMbPerMin: round(
      slope(forSlope.map((s) => ({ x: (s.t - w.tGo) / 60_000, y: s.rssKb / 1024 }))),
      2,
    ),
    rssStartMb: round(mb(valueAt(samples, (s) => s.rssKb, w.measureStart)), 1),
    rssEndMb: round(mb(valueAt(samples, (s) => s.rssKb, w.tDone)), 1),
    e2eP50Ms: round(percentile(e2e, 50), 1),
    e2eP95Ms: round(percentile(e2e, 95), 1),
    e2eSamples: e2e.length,
    captureRttP50Ms: round(percentile(rtts, 50), 2),
    captureRttP95Ms: round(percentile(rtts, 95), 2),
    keyP50Ms: round(percentile(keys?.samples ?? [], 50), 1),
    keyP95Ms: round(percentile(keys?.samples ?? [], 95), 1),
    keySamples: keys?.samples.length ?? 0,
    keyMissed: keys?.missed() ?? 0,
    keySamplesAfterProduction: keys?.afterProduction() ?? 0,
    keyRawMs: keys?.samples.map((v) => round(v, 2)),
    fps: round(
      rate((s) => s.counts.frames, w.measureStart, w.measureEnd),
      1,
    ),
    eraseGroupsPerSecond: round(
      rate((s) => s.counts.eraseGroups, w.measureStart, w.measureEnd),
      1,
    ),
    paneKBPerSecond: round(
      (rate((s) => s.counts.bytes, w.measureStart, w.measureEnd) ?? NaN) / 1024,
      1,
    ),
    clears: clearsOf(countsAtEnd),
    paneCounts: countsAtEnd,
    quiet: {
      seconds: round(quietSeconds, 1),
      // Whole samples inside the window only: interpolating across its edges could count a
      // frame drawn just before the quiet began.
      frames: quietFramesOf(samples, w.quietStart, w.quietEnd),
      screenChanges: quietCaptures.filter((c) => c.changedRows.length > 0).length,
      changedRows: quietChangedRows,
    },
    screenSeqJumps: subjects[subjectName].seqJumpsMeaningful
      ? captures
          .filter((c) => inWindow(c.wall, w.measureStart, w.tDone))
          .reduce((s, c) => s + c.jumps, 0)
      : undefined,
    linesCheck: verify,
    linesLost: verify ? verify.lost + verify.duplicates : undefined,
    settleTimedOut,
    exitStatus: exitStatus?.status,
    exitSignal: exitStatus?.signal,
    quitProblem,
    leftoverProducers: leftovers.length,
    cpuProfile: profile,
  };
};
