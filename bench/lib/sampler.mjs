// Every 250 ms: CPU of the subject's process tree (producers excluded), of the tmux server, of
// the producers, of the bench itself and of the whole machine; the subject's RSS; and what
// the pane has written so far (frames, clears, bytes).
import { createCpuTracker, machineSeconds, rssKb, stat, tree } from './proc.mjs';
import { createPaneOutputCounter } from './pane-output.mjs';

export const createSampler = ({ panePid, serverPid, controlPid, pipeFile, intervalMs = 250 }) => {
  const subject = createCpuTracker();
  const tmux = createCpuTracker();
  const producers = createCpuTracker();
  const control = createCpuTracker();
  const pane = createPaneOutputCounter(pipeFile);
  let producerPids = new Set();
  const samples = [];
  let timer;
  let stopped = false;
  const cpuStart = process.cpuUsage();

  const sample = (readBudget) => {
    const t = Date.now();
    const members = tree(panePid).filter((pid) => !producerPids.has(pid));
    const benchOwn = process.cpuUsage(cpuStart);
    samples.push({
      t,
      subjectCpu: subject.update(members.map(stat)),
      tmuxCpu: tmux.update([stat(serverPid)]),
      producersCpu: producers.update([...producerPids].map(stat)),
      benchCpu: (benchOwn.user + benchOwn.system) / 1e6 + control.update([stat(controlPid)]),
      busy: machineSeconds().busy,
      rssKb: rssKb(panePid),
      processes: members.length,
      counts: pane.poll(readBudget),
    });
  };

  return {
    start() {
      sample();
      // Reading a flood's pane copy can take a while: at most 64 MB per tick, the rest later.
      timer = setInterval(() => sample(64 * 1024 * 1024), intervalMs);
    },
    setProducerPids(pids) {
      producerPids = new Set(pids);
    },
    /** A last sample reading all pane output written so far; stops the timer. */
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      sample(Number.POSITIVE_INFINITY);
      pane.close();
    },
    sampleNow: () => sample(Number.POSITIVE_INFINITY),
    samples,
  };
};

/** A field of the samples at time t, linearly interpolated (clamped to the first and last). */
export const valueAt = (samples, get, t) => {
  if (samples.length === 0) return undefined;
  if (t <= samples[0].t) return get(samples[0]);
  for (let i = 1; i < samples.length; i++) {
    const b = samples[i];
    if (b.t >= t) {
      const a = samples[i - 1];
      const va = get(a);
      const vb = get(b);
      if (va === undefined || vb === undefined) return vb ?? va;
      return b.t === a.t ? vb : va + ((vb - va) * (t - a.t)) / (b.t - a.t);
    }
  }
  return get(samples[samples.length - 1]);
};

/** Change of a cumulative field between t0 and t1. */
export const deltaOf = (samples, get, t0, t1) =>
  valueAt(samples, get, t1) - valueAt(samples, get, t0);
