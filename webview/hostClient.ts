import type { DrillDownRequest, DrillDownResult, EventSpan, HostToWebview, RangeSelection, DashboardTabId, TabPayload } from '../src/protocol';
import { postToHost } from './vscodeApi';

export interface DataReply {
  range: RangeSelection;
  payload: TabPayload;
  /** where the database's events lie; null: it has none; undefined: the host did not say */
  span?: EventSpan | null;
}

export interface RowsReply {
  label: string;
  result: DrillDownResult;
  sampled: boolean;
}

interface Pending {
  resolve(value: never): void;
  reject(error: Error): void;
}

/**
 * Request/response over postMessage: each request gets an id, the matching `data`/`rows`/`error`
 * settles it. Callers drop replies to requests they have since superseded.
 */
export class HostClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  requestData(tab: DashboardTabId, range: RangeSelection): Promise<DataReply> {
    const requestId = this.nextId++;
    const reply = this.wait<DataReply>(requestId);
    postToHost({ type: 'requestData', requestId, tab, range });
    return reply;
  }

  drillDown(label: string, request: DrillDownRequest): Promise<RowsReply> {
    const requestId = this.nextId++;
    const reply = this.wait<RowsReply>(requestId);
    postToHost({ type: 'drillDown', requestId, label, request });
    return reply;
  }

  /** Settles the request a reply belongs to; returns false for messages that are not replies. */
  settle(message: HostToWebview): boolean {
    switch (message.type) {
      case 'data':
        this.take(message.requestId)?.resolve({ range: message.range, payload: message.payload, span: message.span } as never);
        return true;
      case 'rows':
        this.take(message.requestId)?.resolve({ label: message.label, result: message.result, sampled: !!message.sampled } as never);
        return true;
      case 'error':
        if (message.requestId === undefined) return false;
        this.take(message.requestId)?.reject(new Error(message.message));
        return true;
      default:
        return false;
    }
  }

  private wait<T>(id: number): Promise<T> {
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as Pending['resolve'], reject }));
  }

  private take(id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    return p;
  }
}
