import type { DashboardViewState, WebviewToHost } from '../src/protocol';

/** The part of VS Code's webview API the dashboard uses (the static report provides the same). */
interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi() may be called only once per page, so the page shares this one handle. */
const api: VsCodeApi = acquireVsCodeApi();

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
