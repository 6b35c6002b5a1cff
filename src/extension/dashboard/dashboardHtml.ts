// No `vscode` import: the Chromium tests build the very same page.

export interface DashboardHtmlInput {
  /** webview.cspSource */
  cspSource: string;
  /** webview.asWebviewUri(dist/webview.js) */
  scriptUri: string;
  nonce: string;
}

/**
 * The panel's page: scripts only by nonce (the bundle), styles only from the extension or
 * by nonce (the bundle adopts its stylesheet), nothing else; no eval, no inline handlers.
 */
export function dashboardCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function dashboardHtml(input: DashboardHtmlInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${dashboardCsp(input.cspSource, input.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Telemetry Lens</title>
</head>
<body>
<main id="app" aria-busy="true"></main>
<script nonce="${input.nonce}" src="${input.scriptUri}"></script>
</body>
</html>
`;
}
