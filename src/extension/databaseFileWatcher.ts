import * as fs from 'fs';
import * as path from 'path';
import { Disposable, toDisposable } from '../core/lifecycle';

/**
 * Calls `onChange` (debounced) when the database file, its -wal or -journal changes on disk —
 * also when another program (a hook script, the CLI) wrote it. Watches the folder, since
 * SQLite and our atomic write-back replace files rather than edit them in place.
 */
export class DatabaseFileWatcher extends Disposable {
  private timer: NodeJS.Timeout | undefined;
  /** True when the folder could not be watched (e.g. it does not exist yet). */
  failed = false;

  constructor(
    readonly dbPath: string,
    private readonly onChange: () => void,
    private readonly debounceMs = 750,
  ) {
    super();
    const base = path.basename(dbPath);
    const relevant = new Set([base, `${base}-wal`, `${base}-journal`]);
    try {
      const watcher = fs.watch(path.dirname(dbPath), { persistent: false }, (_event, file) => {
        if (file === null || relevant.has(file.toString())) this.schedule();
      });
      watcher.on('error', () => watcher.close());
      this.register(toDisposable(() => watcher.close()));
    } catch {
      // folder does not exist yet: the tree retries on its next refresh
      this.failed = true;
    }
    this.register(toDisposable(() => this.timer && clearTimeout(this.timer)));
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.isDisposed) this.onChange();
    }, this.debounceMs);
  }
}
