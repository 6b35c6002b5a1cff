// Types of install-code-server.mjs for the TypeScript that uses it (the extension-host memory bench, the test:vscode runner).
export type Flavour = 'wasm' | 'native';
export const CODE_SERVERS: Record<Flavour, { version: string }>;
/** Installs (once, cached) the flavour's code-server; returns its launcher. */
export function installCodeServer(flavour?: Flavour): string;
/** PATH for running the flavour (Node 22 first for the native one). */
export function codeServerPath(flavour?: Flavour): string;
