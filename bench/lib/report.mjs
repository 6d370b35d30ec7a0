// Medians over repeats, the table, the ratios and the PASS/FAIL lines.
import { median, percentile, round } from './util.mjs';

export const subjectOrder = ['console', 'floor', 'peer'];

const maxOf = (values) => {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x));
  return v.length ? Math.max(...v) : undefined;
};
const sumOf = (values) => {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) : undefined;
};

/** One row per scenario x subject: medians of the runs (peaks: the max; counts: the sum). */
export const aggregate = (runs) => {
  const groups = new Map();
  for (const run of runs) {
    if (run.error) continue;
    const key = `${run.scenario}\u0000${run.subject}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(run);
  }
  const rows = [];
  for (const [key, list] of groups) {
    const [scenario, subject] = key.split('\u0000');
    const m = (f) => round(median(list.map(f)), 3);
    const keys = list.flatMap((r) => r.keyRawMs ?? []);
    rows.push({
      scenario,
      subject,
      runs: list.length,
      linesPerSecond: m((r) => r.linesPerSecond),
      cpuPer100kLines: m((r) => r.cpuPer100kLines),
      cpuPct: m((r) => r.cpuPct),
      tmuxCpuPct: m((r) => r.tmuxCpuPct),
      tmuxCpuPer100kLines: m((r) => r.tmuxCpuPer100kLines),
      othersCpuPct: m((r) => r.othersCpuPct),
      benchCpuPct: m((r) => r.benchCpuPct),
      peakRssMb: maxOf(list.map((r) => r.peakRssMb)),
      rssSlopeMbPerMin: m((r) => r.rssSlopeMbPerMin),
      e2eP50Ms: m((r) => r.e2eP50Ms),
      e2eP95Ms: m((r) => r.e2eP95Ms),
      captureRttP50Ms: m((r) => r.captureRttP50Ms),
      keyP50Ms: round(percentile(keys, 50), 1),
      keyP95Ms: round(percentile(keys, 95), 1),
      keySamples: keys.length,
      keyMissed: sumOf(list.map((r) => r.keyMissed)),
      fps: m((r) => r.fps),
      quietFrames: sumOf(list.map((r) => r.quiet?.frames)),
      quietScreenChanges: sumOf(list.map((r) => r.quiet?.screenChanges)),
      quietSeconds: sumOf(list.map((r) => r.quiet?.seconds)),
      clears: sumOf(list.map((r) => r.clears)),
      linesLost: sumOf(list.map((r) => r.linesLost)),
      screenSeqJumps: sumOf(list.map((r) => r.screenSeqJumps)),
    });
  }
  const order = (r) => subjectOrder.indexOf(r.subject);
  return rows.sort((a, b) => (a.scenario === b.scenario ? order(a) - order(b) : 0));
};

const fmt = (v, digits = 1) =>
  v === undefined || v === null || Number.isNaN(v) ? '–' : Number(v).toFixed(digits);
const pair = (a, b, digits = 1) => `${fmt(a, digits)}/${fmt(b, digits)}`;

const columns = [
  ['scenario', 8, (r) => r.scenario],
  ['subject', 8, (r) => r.subject],
  ['lines/s', 8, (r) => fmt(r.linesPerSecond, 0)],
  ['CPU s/100k', 10, (r) => fmt(r.cpuPer100kLines, 3)],
  ['CPU %', 6, (r) => fmt(r.cpuPct)],
  ['tmux %', 6, (r) => fmt(r.tmuxCpuPct)],
  ['other %', 7, (r) => fmt(r.othersCpuPct)],
  ['RSS MB', 6, (r) => fmt(r.peakRssMb)],
  ['MB/min', 6, (r) => fmt(r.rssSlopeMbPerMin, 2)],
  ['e2e p50/p95', 11, (r) => pair(r.e2eP50Ms, r.e2eP95Ms)],
  ['key p50/p95', 11, (r) => (r.keySamples ? pair(r.keyP50Ms, r.keyP95Ms) : '–')],
  ['fps', 5, (r) => (r.subject === 'console' ? fmt(r.fps) : '–')],
  ['clears', 6, (r) => fmt(r.clears, 0)],
  ['lost', 4, (r) => fmt(r.linesLost, 0)],
];

export const table = (rows) => {
  const line = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(columns[i][1]))
      .join(' ')
      .trimEnd();
  const out = [line(columns.map((c) => c[0])), line(columns.map((c) => '-'.repeat(c[1])))];
  let last;
  for (const r of rows) {
    if (last && last !== r.scenario) out.push('');
    last = r.scenario;
    out.push(line(columns.map((c) => c[2](r))));
  }
  return out.join('\n');
};

const find = (rows, scenario, subject) =>
  rows.find((r) => r.scenario === scenario && r.subject === subject);

/** Console CPU over mprocs and over the floor (tail + tmux), per scenario. */
export const ratios = (rows) => {
  const out = [];
  for (const scenario of [...new Set(rows.map((r) => r.scenario))]) {
    const c = find(rows, scenario, 'console');
    const f = find(rows, scenario, 'floor');
    const p = find(rows, scenario, 'peer');
    if (!c) continue;
    const floorCpu = f ? f.cpuPct + f.tmuxCpuPct : undefined;
    out.push({
      scenario,
      consoleOverPeer: p ? round(c.cpuPct / p.cpuPct, 2) : undefined,
      consoleOverFloor: floorCpu ? round(c.cpuPct / floorCpu, 2) : undefined,
      // Both sides with their tmux share, and per line (the peer may slow its producers down).
      consoleOverPeerInclTmux: p
        ? round((c.cpuPct + c.tmuxCpuPct) / (p.cpuPct + p.tmuxCpuPct), 2)
        : undefined,
      consoleOverPeerPerLine: p ? round(c.cpuPer100kLines / p.cpuPer100kLines, 2) : undefined,
      consoleOverFloorPerLine: f
        ? round(c.cpuPer100kLines / (f.cpuPer100kLines + f.tmuxCpuPer100kLines), 2)
        : undefined,
    });
  }
  return out;
};

export const ratioText = (list) =>
  list
    .map(
      (r) =>
        `${r.scenario.padEnd(8)} console/mprocs CPU ${fmt(r.consoleOverPeer, 2)} (with tmux ${fmt(r.consoleOverPeerInclTmux, 2)}, per line ${fmt(r.consoleOverPeerPerLine, 2)})` +
        `   console/floor(tail+tmux) CPU ${fmt(r.consoleOverFloor, 2)} (per line ${fmt(r.consoleOverFloorPerLine, 2)})`,
    )
    .join('\n');

/** The targets: each with the measured value, the limit, PASS/FAIL/n/a and the margin. */
/** The targets of issue 9 (render path). `startup` is bench/lib/startup.mjs's result, if run. */
export const targets = (rows, runs, startup) => {
  const out = [];
  const add = (name, value, limit, pass, detail = '') =>
    out.push({
      name,
      value: value === undefined ? undefined : round(value, 3),
      limit,
      verdict: value === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL',
      detail,
    });
  const c = (s) => find(rows, s, 'console');
  const steady = c('steady');
  const r = ratios(rows).find((x) => x.scenario === 'steady');
  add(
    'steady: console CPU <= 0.3 x mprocs',
    r?.consoleOverPeer,
    '<= 0.3',
    r?.consoleOverPeer <= 0.3,
    r
      ? `console ${fmt(steady?.cpuPct)} % vs mprocs ${fmt(find(rows, 'steady', 'peer')?.cpuPct)} %`
      : '',
  );
  add(
    'steady: console CPU <= 1 x floor (tail+tmux)',
    r?.consoleOverFloor,
    '<= 1',
    r?.consoleOverFloor <= 1,
    r
      ? `console ${fmt(steady?.cpuPct)} % vs floor ${fmt((find(rows, 'steady', 'floor')?.cpuPct ?? NaN) + (find(rows, 'steady', 'floor')?.tmuxCpuPct ?? NaN))} %`
      : '',
  );
  add(
    'steady: keypress p95 <= 16 ms',
    steady?.keySamples ? steady.keyP95Ms : undefined,
    '<= 16 ms',
    steady?.keyP95Ms <= 16,
    steady ? `${steady.keySamples} samples, p50 ${fmt(steady.keyP50Ms)} ms` : '',
  );
  const flood = c('flood');
  add(
    'flood: keypress p95 <= 33 ms',
    flood?.keySamples ? flood.keyP95Ms : undefined,
    '<= 33 ms',
    flood?.keyP95Ms <= 33,
    flood ? `${flood.keySamples} samples, p50 ${fmt(flood.keyP50Ms)} ms` : '',
  );
  add(
    'steady: end-to-end p95 <= 40 ms',
    steady?.e2eP95Ms,
    '<= 40 ms',
    steady?.e2eP95Ms <= 40,
    steady ? `p50 ${fmt(steady.e2eP50Ms)} ms` : '',
  );
  add('steady: peak RSS <= 120 MB', steady?.peakRssMb, '<= 120 MB', steady?.peakRssMb <= 120);
  const soak = c('soak');
  add(
    'soak: RSS growth <= 0.5 MB/min',
    soak?.rssSlopeMbPerMin,
    '<= 0.5 MB/min',
    soak?.rssSlopeMbPerMin <= 0.5,
    soak ? `${fmt(soak.linesPerSecond, 0)} lines/s; peak ${fmt(soak.peakRssMb)} MB` : '',
  );
  const idle = c('idle');
  add('idle: CPU <= 0.5 %', idle?.cpuPct, '<= 0.5 %', idle?.cpuPct <= 0.5);
  add(
    'idle: no frame while nothing changes',
    idle?.quietFrames,
    '<= visible changes',
    idle && idle.quietFrames <= idle.quietScreenChanges,
    idle
      ? `${fmt(idle.quietFrames, 0)} frames, ${fmt(idle.quietScreenChanges, 0)} visible screen changes in ${fmt(idle.quietSeconds)} s with no output`
      : '',
  );
  const consoleRuns = runs.filter((x) => x.subject === 'console' && !x.error);
  const clears = consoleRuns.length
    ? consoleRuns.reduce((s, x) => s + (x.clears ?? 0), 0)
    : undefined;
  add(
    'console: no full-screen clears (all scenarios)',
    clears,
    '= 0',
    clears === 0,
    consoleRuns
      .filter((x) => x.clears)
      .map((x) => `${x.scenario}: ${x.clears}`)
      .join(', '),
  );
  const lost = consoleRuns.length
    ? consoleRuns.reduce((s, x) => s + (x.linesLost ?? 0), 0)
    : undefined;
  add(
    'console: no lines lost (all scenarios)',
    lost,
    '= 0',
    lost === 0,
    consoleRuns
      .filter((x) => x.linesLost)
      .map((x) => `${x.scenario}: ${x.linesLost}`)
      .join(', '),
  );
  if (startup && !startup.error) {
    add(
      '--help <= 150 ms wall',
      startup.help?.medianMs,
      '<= 150 ms',
      startup.help?.medianMs <= 150,
      `node -e 0: ${fmt(startup.nodeNothing?.medianMs)} ms`,
    );
    const big = startup.firstFrame?.console1000?.medianMs;
    add(
      '1000-task plan: first frame <= 500 ms',
      big,
      '<= 500 ms',
      big <= 500,
      `demo ${fmt(startup.firstFrame?.consoleDemo?.medianMs)} ms, mprocs ${fmt(startup.firstFrame?.peer?.medianMs)} ms, tail -f ${fmt(startup.firstFrame?.floor?.medianMs)} ms`,
    );
    for (const [label, k] of [
      ['nothing running', startup.keys1000Idle],
      ['50 running', startup.keys1000Running],
    ])
      add(
        `1000-task plan, ${label}: key p95 <= 16 ms`,
        k?.p95Ms,
        '<= 16 ms',
        k?.p95Ms <= 16,
        k ? `${k.samples.length} samples, p50 ${fmt(k.p50Ms)} ms, ${k.missed} missed` : '',
      );
  }
  return out;
};

export const targetText = (list) =>
  list
    .map(
      (t) =>
        `${t.verdict.padEnd(4)}  ${t.name.padEnd(46)} measured ${fmt(t.value, 2).padStart(8)}  (target ${t.limit})${t.detail ? `  ${t.detail}` : ''}`,
    )
    .join('\n');
