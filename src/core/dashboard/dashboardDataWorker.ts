/**
 * The dashboard's data on a worker thread (dashboardData.worker.ts), so a host with a UI thread
 * (the extension host) stays responsive while a tab's payload or a drill-down page is computed:
 * node:sqlite's SQL is synchronous, and sql.js's is too. The worker is long-lived: it owns the
 * open snapshot (with wasm the whole image lives there, never in the host) and answers typed
 * requests — the webview's own `requestData` / `drillDown` messages, answered by the same
 * answerDataRequest as in-process — until the database changes (`invalidate`). Only plain data
 * crosses: the request with the settings it needs, and back the protocol reply.
 */
import { Worker } from 'worker_threads';
import type { EngineChoice } from '../db/engine';
import { Disposable, toDisposable, type IDisposable } from '../lifecycle';
import { rebuildError, workerScript, type SerialisedError } from '../ingest/ingestWorker';
import type { DrillDownResult, TableRowsRequest, UsageOptions } from '../metrics';
import type { HostToWebview, WebviewToHost } from '../../protocol';
import type { MetricsTreeData, MetricsTreeDataOptions } from './metricsTreeData';
import type { ReportData, ReportOptions } from './index';

/** The webview messages the data worker answers. */
export type DashboardDataMessage = Extract<WebviewToHost, { type: 'requestData' | 'drillDown' }>;

/** Host → worker. `dbPath` and `engine` ride on each request: a change of either reopens. */
export type DashboardWorkerRequest =
  | { type: 'answer'; id: number; dbPath: string; engine: EngineChoice; message: DashboardDataMessage; metricsOptions: UsageOptions; nowSeconds: number }
  | { type: 'treeData'; id: number; dbPath: string; engine: EngineChoice; options: MetricsTreeDataOptions }
  | { type: 'tableRows'; id: number; dbPath: string; engine: EngineChoice; request: TableRowsRequest }
  | { type: 'reportData'; id: number; dbPath: string; engine: EngineChoice; options: ReportOptions }
  | { type: 'warm'; id: number; dbPath: string; engine: EngineChoice }
  | { type: 'invalidate' };

/** Worker → host: the protocol reply or the tree's data (neither for `warm`), or the error the worker could not turn into a reply. */
export interface DashboardWorkerReply {
  id: number;
  reply?: HostToWebview;
  treeData?: MetricsTreeData;
  rows?: DrillDownResult;
  reportData?: ReportData;
  error?: SerialisedError;
}

export interface DashboardDataWorkerSettings {
  /** the database the dashboard shows (settings may move it) */
  dbPath(): string;
  /** the engine choice in effect here (setDefaultEngine does not reach another thread) */
  engine(): EngineChoice;
  /**
   * How long the thread (and its snapshot) outlives its last lease, so the tree's refreshes after
   * a live ingest reuse it; default 0: it ends at once.
   */
  idleStopMs?: number;
}

export function isDashboardDataMessage(message: WebviewToHost): message is DashboardDataMessage {
  return message.type === 'requestData' || message.type === 'drillDown';
}

export function dashboardDataWorkerAvailable(): boolean {
  return workerScript(__dirname, 'dashboardData') !== null;
}

/**
 * The host's handle on the data worker (the dashboard panel's data and the Metrics tree's). The
 * thread starts on the first request and ends when the last lease (acquire()) is released and no
 * request is in flight (after `idleStopMs`), or on dispose — its snapshot goes with it. A worker that dies fails the requests in flight; the next request starts a new one.
 */
export class DashboardDataWorker extends Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly inFlight = new Map<number, { resolve: (reply: DashboardWorkerReply) => void; reject: (e: Error) => void }>();
  private leases = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly settings: DashboardDataWorkerSettings) {
    super();
    this.register(toDisposable(() => this.stop(new Error('the dashboard data worker was disposed'))));
  }

  /** Keeps the worker (and its warm snapshot) alive until the returned lease is disposed. */
  acquire(): IDisposable {
    this.leases++;
    this.cancelIdleStop();
    let released = false;
    return toDisposable(() => {
      if (released) return;
      released = true;
      this.leases--;
      this.stopWhenUnused();
    });
  }

  /** The protocol reply to a `requestData` / `drillDown` message, computed in the worker. */
  async answer(message: DashboardDataMessage, metricsOptions: UsageOptions, nowSeconds: number): Promise<HostToWebview | undefined> {
    return (await this.send((id) => ({ type: 'answer', id, dbPath: this.settings.dbPath(), engine: this.settings.engine(), message, metricsOptions, nowSeconds }))).reply;
  }

  /** The Metrics tree's data (readMetricsTreeData) from the worker's snapshot. */
  async metricsTreeData(options: MetricsTreeDataOptions): Promise<MetricsTreeData> {
    const { treeData } = await this.send((id) => ({ type: 'treeData', id, dbPath: this.settings.dbPath(), engine: this.settings.engine(), options }));
    if (!treeData) throw new Error('the dashboard data worker sent no tree data');
    return treeData;
  }

  /** The host's own row listing (Show Rows: a table and column filters of a tree node), from the worker's snapshot. */
  async tableRows(request: TableRowsRequest): Promise<DrillDownResult> {
    const { rows } = await this.send((id) => ({ type: 'tableRows', id, dbPath: this.settings.dbPath(), engine: this.settings.engine(), request }));
    if (!rows) throw new Error('the dashboard data worker sent no rows');
    return rows;
  }

  /** Export Dashboard as HTML: the report's data (every tab, every preset) from the worker's snapshot. */
  async reportData(options: ReportOptions): Promise<ReportData> {
    const { reportData } = await this.send((id) => ({ type: 'reportData', id, dbPath: this.settings.dbPath(), engine: this.settings.engine(), options }));
    if (!reportData) throw new Error('the dashboard data worker sent no report data');
    return reportData;
  }

  /** Opens and prepares the current snapshot ahead of the next request (errors are left for that request). */
  async warm(): Promise<void> {
    await this.send((id) => ({ type: 'warm', id, dbPath: this.settings.dbPath(), engine: this.settings.engine() }));
  }

  /** The database changed: the next request reads a new snapshot. Nothing to do if no worker runs. */
  invalidate(): void {
    this.worker?.postMessage({ type: 'invalidate' } satisfies DashboardWorkerRequest);
  }

  /** Whether a worker thread runs now (tests check the lifecycle). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  private send(request: (id: number) => DashboardWorkerRequest & { id: number }): Promise<DashboardWorkerReply> {
    if (this.isDisposed) return Promise.reject(new Error('the dashboard data worker was disposed'));
    this.cancelIdleStop();
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.inFlight.set(id, { resolve, reject });
      // a worker with a request in flight keeps the process alive; an idle one does not
      worker.ref();
      worker.postMessage(request(id));
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const entry = workerScript(__dirname, 'dashboardData');
    if (!entry) throw new Error('dashboard data worker not found');
    const worker = new Worker(entry.code, { eval: entry.eval });
    worker.unref();
    worker.on('message', (msg: DashboardWorkerReply) => {
      const waiting = this.inFlight.get(msg.id);
      if (!waiting) return;
      this.inFlight.delete(msg.id);
      if (msg.error) waiting.reject(rebuildError(msg.error));
      else waiting.resolve(msg);
      this.settled();
    });
    const died = (e: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failInFlight(e);
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`the dashboard data worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private settled(): void {
    if (this.inFlight.size === 0) this.worker?.unref();
    this.stopWhenUnused();
  }

  private stopWhenUnused(): void {
    if (this.leases > 0 || this.inFlight.size > 0 || !this.worker) return;
    const idleMs = this.settings.idleStopMs ?? 0;
    if (idleMs <= 0) return this.stop();
    this.cancelIdleStop();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.leases === 0 && this.inFlight.size === 0) this.stop();
    }, idleMs);
    this.idleTimer.unref();
  }

  private cancelIdleStop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private stop(reason?: Error): void {
    this.cancelIdleStop();
    const worker = this.worker;
    this.worker = undefined;
    if (reason) this.failInFlight(reason);
    if (worker) void worker.terminate();
  }

  private failInFlight(e: Error): void {
    const waiting = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const w of waiting) w.reject(e);
  }
}
