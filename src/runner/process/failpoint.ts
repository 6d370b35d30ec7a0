/**
 * Named places where a drill can kill the console on purpose, at the worst moment and at no
 * other: `BACKFILL_FAILPOINT=launch:after-spawn` SIGKILLs the console the first time it
 * passes there, `launch:after-spawn@3` the third time. Unset (always, outside drills), a
 * failpoint is one comparison.
 *
 *   launch:before-spawn    the journal says "starting", nothing was spawned yet
 *   launch:after-spawn     the run was spawned, the journal does not know its pid yet
 *   journal:before-rename  a new journal is written and synced, the old one still in place
 */
export type Failpoint = 'launch:before-spawn' | 'launch:after-spawn' | 'journal:before-rename';

const armed = (() => {
  const spec = process.env.BACKFILL_FAILPOINT;
  if (!spec) return undefined;
  const [name, nth] = spec.split('@');
  return { name, hitsLeft: Math.max(1, Number(nth ?? 1) || 1) };
})();

export const failpoint = (name: Failpoint): void => {
  if (armed?.name !== name) return;
  if (--armed.hitsLeft > 0) return;
  process.kill(process.pid, 'SIGKILL');
};

/** The variable is the console's alone: the processors it starts never inherit it. */
export const withoutFailpoint = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  if (!('BACKFILL_FAILPOINT' in env)) return env;
  const { BACKFILL_FAILPOINT: _dropped, ...rest } = env;
  return rest;
};
