import type { DashboardViewState, WebviewToHost } from '../src/protocol';
import { reportHost } from './reportHost';

/** The part of VS Code's webview API the dashboard uses (the static report provides the same). */
export interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

/**
 * The page's one handle to its host: VS Code's (acquireVsCodeApi() may be called only once per
 * page), or, in a static report (no VS Code; its data inlined as #tl-report-data), the report's
 * in-page host.
 */
const api: VsCodeApi = pageHost();

function pageHost(): VsCodeApi {
  if (typeof acquireVsCodeApi === 'function') return acquireVsCodeApi();
  const reportData = document.getElementById('tl-report-data');
  if (reportData) return reportHost(reportData);
  throw new Error('the dashboard runs in a VS Code webview or a Telemetry Lens report');
}

export function postToHost(message: WebviewToHost): void {
  api.postMessage(message);
}

export function savedViewState(): Partial<DashboardViewState> | undefined {
  const s = api.getState();
  return s && typeof s === 'object' ? (s as Partial<DashboardViewState>) : undefined;
}

export function saveViewState(view: DashboardViewState): void {
  api.setState(view);
}
