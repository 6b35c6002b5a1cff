import * as fs from 'fs';
import * as os from 'os';

/** True when a process with this pid exists on this machine (EPERM means it exists but is not ours). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True where open files of other processes can be listed (Linux /proc). */
export const canListOpenFiles = os.platform() === 'linux' && fs.existsSync('/proc/self/fd');

/** One process that has a file open. */
export interface FileHolder {
  pid: number;
  name: string;
  ino: bigint;
}

/**
 * Processes (other than this one) that have `filePath` open — under that name now, or an
 * earlier file that was replaced under that name ("… (deleted)"). Linux /proc only; elsewhere
 * empty. An SQLite connection keeps its database file open from connect() on, even when idle
 * and without any -wal/-journal on disk, so this is the only way to see it.
 */
export function holdersOf(filePath: string): FileHolder[] {
  if (!canListOpenFiles) return [];
  let target: string;
  try {
    target = fs.realpathSync(filePath);
  } catch {
    return [];
  }
  const holders: FileHolder[] = [];
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  } catch {
    return [];
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to look at
    }
    for (const fd of fds) {
      const linkPath = `/proc/${pid}/fd/${fd}`;
      let link: string;
      try {
        link = fs.readlinkSync(linkPath);
      } catch {
        continue;
      }
      if (link !== target && link !== `${target} (deleted)`) continue;
      try {
        holders.push({ pid: Number(pid), name: processName(pid), ino: fs.statSync(linkPath, { bigint: true }).ino });
      } catch {
        // closed meanwhile
      }
    }
  }
  return holders;
}

/** "python3 (pid 123), node (pid 456)" — for messages. */
export function describeHolders(holders: FileHolder[]): string {
  const seen = new Set<number>();
  return holders
    .filter((h) => !seen.has(h.pid) && seen.add(h.pid))
    .slice(0, 5)
    .map((h) => `${h.name} (pid ${h.pid})`)
    .join(', ');
}

/** Names of processes holding `filePath`, as "name (pid N)" (for error messages only). */
export function processesHolding(filePath: string): string[] {
  const d = describeHolders(holdersOf(filePath));
  return d ? d.split(', ') : [];
}

function processName(pid: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() || 'process';
  } catch {
    return 'process';
  }
}

let bootTimeMs: number | undefined;

/**
 * When process `pid` started (epoch ms, to 10 ms), where /proc tells (Linux); undefined
 * elsewhere or when it is gone. A pid is reused by an unrelated program once its owner dies:
 * the start time tells the two apart.
 */
export function processStartMs(pid: number): number | undefined {
  if (!canListOpenFiles || !Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    if (bootTimeMs === undefined) {
      const btime = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
      if (!btime) return undefined;
      bootTimeMs = Number(btime[1]) * 1000;
    }
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: fields count from its last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]); // field 22: start time in clock ticks after boot (USER_HZ = 100)
    return Number.isFinite(ticks) ? bootTimeMs + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}
