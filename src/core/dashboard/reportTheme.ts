/**
 * Outside VS Code there is no theme, so the report defines the `--vscode-*` variables the
 * dashboard reads, with VS Code's Dark Modern and Light Modern values, chosen by the
 * browser's colour scheme.
 */
export const REPORT_THEME_CSS = `
:root {
  --vscode-font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Ubuntu, "Droid Sans", sans-serif;
  --vscode-font-size: 13px;
  --vscode-font-weight: normal;
  --vscode-foreground: #cccccc;
  --vscode-descriptionForeground: #9d9d9d;
  --vscode-errorForeground: #f85149;
  --vscode-editor-background: #1f1f1f;
  --vscode-editor-foreground: #cccccc;
  --vscode-editorWidget-background: #202020;
  --vscode-sideBar-background: #181818;
  --vscode-panel-background: #181818;
  --vscode-panel-border: #2b2b2b;
  --vscode-widget-border: #313131;
  --vscode-settings-headerBorder: #2b2b2b;
  --vscode-focusBorder: #0078d4;
  --vscode-textLink-foreground: #4daafc;
  --vscode-list-hoverBackground: #2a2d2e;
  --vscode-input-background: #313131;
  --vscode-input-foreground: #cccccc;
  --vscode-input-border: #3c3c3c;
  --vscode-dropdown-background: #313131;
  --vscode-dropdown-foreground: #cccccc;
  --vscode-dropdown-border: #3c3c3c;
  --vscode-button-background: #0078d4;
  --vscode-button-foreground: #ffffff;
  --vscode-button-hoverBackground: #026ec1;
  --vscode-button-secondaryBackground: #313131;
  --vscode-button-secondaryForeground: #cccccc;
  --vscode-button-secondaryHoverBackground: #3c3c3c;
  --vscode-panelTitle-activeForeground: #cccccc;
  --vscode-panelTitle-activeBorder: #0078d4;
  --vscode-panelTitle-inactiveForeground: #9d9d9d;
  --vscode-charts-foreground: #cccccc;
  --vscode-charts-lines: rgba(204, 204, 204, 0.5);
  --vscode-charts-red: #f14c4c;
  --vscode-charts-blue: #3794ff;
  --vscode-charts-yellow: #cca700;
  --vscode-charts-orange: #d18616;
  --vscode-charts-green: #89d185;
  --vscode-charts-purple: #b180d7;
  --vscode-settings-dropdownBackground: #313131;
  --vscode-settings-dropdownForeground: #cccccc;
  --vscode-settings-dropdownBorder: #3c3c3c;
  --vscode-settings-dropdownListBorder: #454545;
  --vscode-list-activeSelectionBackground: #04395e;
  --vscode-list-activeSelectionForeground: #ffffff;
  --vscode-list-focusOutline: #0078d4;
  --vscode-list-hoverForeground: #cccccc;
  --vscode-list-highlightForeground: #2aaaff;
  --vscode-widget-shadow: rgba(0, 0, 0, 0.36);
  --vscode-badge-background: #616161;
  --vscode-badge-foreground: #f8f8f8;
  --vscode-button-border: rgba(255, 255, 255, 0.07);
  color-scheme: dark;
}
@media (prefers-color-scheme: light) {
  :root {
    --vscode-foreground: #3b3b3b;
    --vscode-descriptionForeground: #717171;
    --vscode-errorForeground: #f85149;
    --vscode-editor-background: #ffffff;
    --vscode-editor-foreground: #3b3b3b;
    --vscode-editorWidget-background: #f8f8f8;
    --vscode-sideBar-background: #f8f8f8;
    --vscode-panel-background: #f8f8f8;
    --vscode-panel-border: #e5e5e5;
    --vscode-widget-border: #e5e5e5;
    --vscode-settings-headerBorder: #e5e5e5;
    --vscode-focusBorder: #005fb8;
    --vscode-textLink-foreground: #005fb8;
    --vscode-list-hoverBackground: #f2f2f2;
    --vscode-input-background: #ffffff;
    --vscode-input-foreground: #3b3b3b;
    --vscode-input-border: #cecece;
    --vscode-dropdown-background: #ffffff;
    --vscode-dropdown-foreground: #3b3b3b;
    --vscode-dropdown-border: #cecece;
    --vscode-button-background: #005fb8;
    --vscode-button-foreground: #ffffff;
    --vscode-button-hoverBackground: #0258a8;
    --vscode-button-secondaryBackground: #e5e5e5;
    --vscode-button-secondaryForeground: #3b3b3b;
    --vscode-button-secondaryHoverBackground: #cccccc;
    --vscode-panelTitle-activeForeground: #3b3b3b;
    --vscode-panelTitle-activeBorder: #005fb8;
    --vscode-panelTitle-inactiveForeground: #717171;
    --vscode-charts-foreground: #616161;
    --vscode-charts-lines: rgba(97, 97, 97, 0.5);
    --vscode-charts-red: #e51400;
    --vscode-charts-blue: #1a85ff;
    --vscode-charts-yellow: #bf8803;
    --vscode-charts-orange: #d18616;
    --vscode-charts-green: #388a34;
    --vscode-charts-purple: #652d90;
    --vscode-settings-dropdownBackground: #ffffff;
    --vscode-settings-dropdownForeground: #3b3b3b;
    --vscode-settings-dropdownBorder: #cecece;
    --vscode-settings-dropdownListBorder: #c8c8c8;
    --vscode-list-activeSelectionBackground: #e8e8e8;
    --vscode-list-activeSelectionForeground: #000000;
    --vscode-list-focusOutline: #005fb8;
    --vscode-list-hoverForeground: #3b3b3b;
    --vscode-list-highlightForeground: #0066bf;
    --vscode-widget-shadow: rgba(0, 0, 0, 0.16);
    --vscode-badge-background: #cccccc;
    --vscode-badge-foreground: #3b3b3b;
    --vscode-button-border: rgba(0, 0, 0, 0.1);
    color-scheme: light;
  }
}
`;
