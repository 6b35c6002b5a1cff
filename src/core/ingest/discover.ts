import type { DiscoverOptions, DiscoveryResult } from './types';

/**
 * Finds telemetry sources under `paths` (files or folders; folders are scanned for `*.jsonl`,
 * rotated siblings and the known JSON documents; node_modules/.git skipped). Missing paths,
 * unreadable files and symlink loops become `issues`, never exceptions.
 */
export async function discoverSources(paths: string[], opts: DiscoverOptions = {}): Promise<DiscoveryResult> {
  void paths;
  void opts;
  throw new Error('discoverSources: not implemented yet');
}
