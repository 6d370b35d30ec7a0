// The load each scenario puts on the subjects. Durations are the producing phase; the last
// `keyMs` of it is used for keypress samples, everything before it (from 0.5 s after the go)
// for CPU %, frames and end-to-end latency. `quietMs` is how long the producers stay alive,
// printing nothing, after their last line.

export const scenarioNames = ['idle', 'steady', 'heavy', 'flood', 'hostile', 'soak', 'startup'];

export const scenarios = ({ quick, soakMinutes }) => {
  const s = (full, short) => (quick ? short : full);
  return {
    idle: {
      description: '4 x 1 line/s, then 8 s with no output',
      mode: 'rate',
      rate: 1,
      durationMs: s(30_000, 10_000),
      keyMs: s(10_000, 5_000),
      quietMs: 8_000,
      // One line a second: poll often, and time each line when it first shows (a capture
      // whose newest line is unchanged says nothing about latency here).
      observeMs: 25,
      e2eFreshOnly: true,
    },
    steady: {
      description: '4 x 5,000 lines/s',
      mode: 'rate',
      rate: 5_000,
      durationMs: s(20_000, 8_000),
      keyMs: s(8_000, 4_000),
      quietMs: 3_000,
    },
    heavy: {
      description: '4 x 25,000 lines/s',
      mode: 'rate',
      rate: 25_000,
      durationMs: s(20_000, 8_000),
      keyMs: s(8_000, 4_000),
      quietMs: 3_000,
    },
    flood: {
      description: `4 producers as fast as they can for ${s('10', '5')} s, at most ${s('10M', '4M')} lines each`,
      mode: 'flood',
      // Bounded twice: by time, so the flood lasts long enough for keypress samples, and by
      // count, so a fast disk cannot fill up (about 100 bytes a line, files deleted after).
      count: s(10_000_000, 4_000_000),
      durationMs: s(10_000, 5_000),
      keyMs: s(9_000, 4_000),
      // Keys are timed from 1 s on, while it floods, and CPU, frames and latency are measured
      // over the whole flood.
      keysConcurrent: true,
      quietMs: 3_000,
    },
    hostile: {
      description:
        '4 x 500 lines/s of CJK/emoji, 10 KB lines, cursor moves, clears, alt screen, OSC titles, colours',
      mode: 'hostile',
      rate: 500,
      durationMs: s(20_000, 8_000),
      keyMs: s(8_000, 4_000),
      quietMs: 3_000,
    },
    // Not a producer scenario: bench/lib/startup.mjs times --help, first frames and keys on a
    // generated 1000-task plan (run once, with `repeats` samples of each first frame).
    startup: {
      description:
        '--help, first frames (demo, 1000-task plan, tail -f, mprocs), keys on 1000 tasks',
      separate: true,
    },
    soak: {
      description: `4 x 5,000 lines/s for ${soakMinutes} min (RSS growth)`,
      mode: 'rate',
      rate: 5_000,
      durationMs: Math.round(soakMinutes * 60_000),
      keyMs: 10_000,
      quietMs: 3_000,
      // Thousands of captures over the soak: a 250 ms cadence keeps the bench's own load low.
      observeMs: 250,
    },
  };
};
