/**
 * Messages between the extension host and the dashboard webview — the only module the
 * webview imports from src/. One discriminated union each way, request ids for replies,
 * and a `ready` handshake: the host sends nothing until the webview says it is listening.
 */
export const PROTOCOL_VERSION = 1;

export type WebviewToHost = { type: 'ready'; protocolVersion: number };

export type HostToWebview = { type: 'init'; protocolVersion: number };
