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

/**
 * Processes that have `filePath` open, as "name (pid N)" (Linux /proc only; elsewhere empty).
 * Used to name the concurrent writer in error messages, never to decide anything.
 */
export function processesHolding(filePath: string, limit = 5): string[] {
  if (os.platform() !== 'linux') return [];
  let target: string;
  try {
    target = fs.realpathSync(filePath);
  } catch {
    return [];
  }
  const found: string[] = [];
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  } catch {
    return [];
  }
  for (const pid of pids) {
    if (found.length >= limit) break;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (link === target) {
        found.push(`${processName(pid)} (pid ${pid})`);
        break;
      }
    }
  }
  return found;
}

function processName(pid: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() || 'process';
  } catch {
    return 'process';
  }
}
