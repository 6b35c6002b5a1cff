// Dashboard webview entry: registers only the VS Code elements the page uses, adopts the
// stylesheet (constructable sheets need no inline-style CSP exception), then waits for `init`.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import { PROTOCOL_VERSION, type HostToWebview } from '../src/protocol';
import { DashboardApp } from './app';
import { h } from './dom';
import css from './styles.css';
import { postToHost } from './vscodeApi';
import { setDisplayZone } from './zone';

const sheet = new CSSStyleSheet();
sheet.replaceSync(css);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

const root = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
let app: DashboardApp | undefined;

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const message = event.data;
  if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
  if (message.type === 'init') {
    if (message.protocolVersion !== PROTOCOL_VERSION) {
      root.textContent = `This dashboard (protocol ${PROTOCOL_VERSION}) does not match the extension (protocol ${message.protocolVersion}). Reload the window.`;
      return;
    }
    app?.dispose();
    setDisplayZone(message.state.timeZone);
    app = new DashboardApp(root, message.state);
    return;
  }
  app?.handle(message);
});

postToHost({ type: 'ready', protocolVersion: PROTOCOL_VERSION });
