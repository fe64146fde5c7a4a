/**
 * The bench's workerd processes (bench/run.mjs, bench/ab.mjs): each Worker in its own process,
 * found among this Node process's children, and its CPU time read from /proc.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { benchMiniflare } from './miniflare.mjs';
import { PARAMS } from './params.mjs';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces): [0] is field 3. */
function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), fields: stat.slice(stat.lastIndexOf(')') + 2).split(' ') };
}

/** The workerd processes this Node process has spawned. */
export function workerdChildren() {
  const found = new Set();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { comm, fields } = statFields(entry);
      if (Number(fields[1]) === process.pid && comm.startsWith('workerd')) found.add(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Each thread's run time in ms (schedstat), summed by thread name (`workerd`, `V8 DefaultWorke`, ...). */
export function threadCpuMs(pid) {
  const byName = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      byName[name] = (byName[name] ?? 0) + Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      // The thread ended while we looked.
    }
  }
  return byName;
}

/**
 * CPU time of a process in ms, all threads: the sum of each thread's run time from
 * /proc/<pid>/task/<tid>/schedstat (nanoseconds, so one request can be timed), else utime + stime
 * from /proc/<pid>/stat (clock ticks, 10 ms each) where schedstat is missing.
 */
export function cpuMs(pid) {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // The thread ended while we looked.
      }
    }
    if (ns > 0) return ns / 1e6;
  } catch {
    // No schedstat: fall back to the coarse counters.
  }
  const { fields } = statFields(pid);
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** Starts `scriptPath` in its own workerd process on the bench's fake upstream: its URL, pid and start-up figures. */
export async function startWorker(scriptPath) {
  const before = workerdChildren();
  const started = performance.now();
  const mf = benchMiniflare(scriptPath, PARAMS);
  const url = (await mf.ready).href.replace(/\/$/, '');
  const pids = [...workerdChildren()].filter((p) => !before.has(p));
  if (pids.length !== 1) throw new Error(`expected one new workerd process, found ${pids.length}`);
  return { mf, url, pid: pids[0], readyMs: performance.now() - started, readyCpuMs: cpuMs(pids[0]) };
}
