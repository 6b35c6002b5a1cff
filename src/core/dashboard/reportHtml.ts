import { randomBytes } from 'node:crypto';
import type { ReportData } from './reportData';
import { REPORT_THEME_CSS } from './reportTheme';

/**
 * Makes text safe inside a <script> element: the HTML parser ends a script at `</script`
 * and treats `<!--` specially, whatever the JavaScript means. Both only occur inside JS
 * strings, regexes or comments, where `<\/` and `<\!` mean the same characters.
 */
export function escapeScriptText(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON for a `<script type="application/json">`: `<` escaped so no tag can close it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A dev build points at webview.js.map, which does not travel with the report. */
function withoutSourceMap(js: string): string {
  return js.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
}

export interface ReportHtmlInput {
  /** dist/webview.js, the same bundle the VS Code panel loads */
  webviewBundle: string;
  data: ReportData;
  title?: string;
  /** for tests; a fresh random nonce otherwise */
  nonce?: string;
}

/**
 * One self-contained HTML file: theme variables, the report data and the dashboard bundle (whose
 * in-page host, webview/reportHost.ts, answers the dashboard from that data), all inline under
 * a CSP that allows nothing but those nonce'd elements (no network of any kind, no eval).
 */
export function buildReportHtml(input: ReportHtmlInput): string {
  const nonce = input.nonce ?? randomBytes(18).toString('base64');
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'img-src data:',
    'font-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = escapeHtml(input.title ?? `Telemetry Lens — ${input.data.init.databaseLabel}`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Telemetry Lens">
<title>${title}</title>
<style nonce="${nonce}">${REPORT_THEME_CSS}</style>
</head>
<body class="telemetry-lens-report">
<main id="app" aria-busy="true"><p>Loading the dashboard… (this report needs JavaScript)</p></main>
<script type="application/json" id="tl-report-data" nonce="${nonce}">${jsonForScript(input.data)}</script>
<script nonce="${nonce}">${escapeScriptText(withoutSourceMap(input.webviewBundle))}</script>
</body>
</html>
`;
}
