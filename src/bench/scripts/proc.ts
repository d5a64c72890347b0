// What the benchmark scripts read of this machine's processes from /proc (Linux): the processes
// below one (papi local's service containers), their memory and CPU time, and the kernel's count of
// connections dropped because a listener's accept queue was full.
import { readdirSync, readFileSync } from 'node:fs';

/** Every process below `root` (the service's containers and their helpers), from /proc. */
export function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone since readdir.
    }
  }
  const found: number[] = [];
  const walk = (pid: number): void => {
    for (const [child, parent] of parents) if (parent === pid) (found.push(child), walk(child));
  };
  walk(root);
  return found;
}

/** Summed VmRSS of the processes, in MB (0 for any that is gone). */
export function rssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Gone.
    }
  }
  return kb / 1024;
}

/** Peak resident memory (VmHWM) of a process in MB, or undefined once it is gone. */
export function peakRssMb(pid: number): number | undefined {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux, whatever the kernel's HZ). */
const USER_HZ = 100;

/** CPU time (user + system) a process has used so far, in ms, or undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces) start at state; utime and stime are the
    // 12th and 13th of them, in clock ticks.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

/** Summed CPU time (user + system) of the processes so far, in ms (0 for any that is gone). */
export function cpuMs(pids: number[]): number {
  return pids.reduce((total, pid) => total + (processCpuMs(pid) ?? 0), 0);
}

/** CPU time (user + system) of this process's children that ended and were waited for, in ms (a command run to its end). */
export function endedChildrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / USER_HZ;
}

/** TcpExtListenOverflows, machine-wide (connections dropped at a full accept queue); undefined without /proc/net/netstat. */
export function listenOverflows(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((line) => line.startsWith('TcpExt:'));
    const names = lines[0]?.split(' ') ?? [];
    const value = Number(lines[1]?.split(' ')[names.indexOf('ListenOverflows')]);
    return Number.isFinite(value) && names.includes('ListenOverflows') ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The machine's CPU time so far from /proc/stat's first line, in ticks: busy (all but idle and iowait) and total; undefined without it. */
export function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    // user nice system idle iowait irq softirq steal
    return { busy: total - fields[3]! - fields[4]!, total };
  } catch {
    return undefined;
  }
}

/** The machine's busy share (0–1, all CPUs together) over a stretch of time; undefined without /proc/stat. */
export async function busyShare(ms: number): Promise<number | undefined> {
  const before = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = machineTicks();
  if (!before || !after || after.total === before.total) return undefined;
  return (after.busy - before.busy) / (after.total - before.total);
}
