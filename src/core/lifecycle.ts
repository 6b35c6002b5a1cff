/** Anything that can be released. Mirrors vscode.Disposable so core code stays vscode-free. */
export interface IDisposable {
  dispose(): void;
}

/**
 * Base class that owns child disposables; `register()` ties a child's lifetime to this object,
 * so listeners and watchers cannot leak (pattern from vscode-pull-request-github's lifecycle.ts).
 */
export abstract class Disposable implements IDisposable {
  private readonly disposables: IDisposable[] = [];
  private disposed = false;

  protected register<T extends IDisposable>(value: T): T {
    if (this.disposed) {
      value.dispose();
    } else {
      this.disposables.push(value);
    }
    return value;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Dispose in reverse creation order: later children may depend on earlier ones.
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // one failing child must not keep the others alive
      }
    }
  }
}

export function toDisposable(fn: () => void): IDisposable {
  return { dispose: fn };
}
