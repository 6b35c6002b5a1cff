/**
 * Chart colours come from the VS Code theme at runtime (`--vscode-*` variables), so light,
 * dark and high-contrast themes all work; VS Code changes the body class when the theme
 * changes, and we re-read the variables then.
 */
export interface ChartTheme {
  series: string[];
  foreground: string;
  grid: string;
  background: string;
  fontFamily: string;
  fontSize: number;
  success: string;
  failure: string;
  highContrast: boolean;
}

const SERIES_VARS = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-yellow',
  '--vscode-charts-red',
];

function cssVar(name: string, fallbackVar?: string): string {
  const style = getComputedStyle(document.body);
  const value = style.getPropertyValue(name).trim();
  if (value || !fallbackVar) return value;
  return style.getPropertyValue(fallbackVar).trim();
}

export function readChartTheme(): ChartTheme {
  const fg = cssVar('--vscode-charts-foreground', '--vscode-foreground') || cssVar('--vscode-editor-foreground');
  const series = SERIES_VARS.map((v) => cssVar(v)).filter((c) => c !== '');
  return {
    series: series.length > 0 ? series : [fg],
    foreground: fg,
    grid: cssVar('--vscode-charts-lines', '--vscode-widget-border') || cssVar('--vscode-panel-border'),
    background: cssVar('--vscode-editor-background'),
    fontFamily: cssVar('--vscode-font-family') || 'sans-serif',
    fontSize: parseFloat(cssVar('--vscode-font-size')) || 13,
    success: cssVar('--vscode-charts-green') || series[0] || fg,
    failure: cssVar('--vscode-charts-red') || series[1] || fg,
    highContrast: document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light'),
  };
}

/** Calls `onChange` whenever VS Code switches theme (it rewrites the body's class list). */
export function watchTheme(onChange: () => void): { dispose(): void } {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  return { dispose: () => observer.disconnect() };
}

/** A colour with alpha, for fills under lines (works for #rgb/#rrggbb and rgb()/rgba()). */
export function withAlpha(colour: string, alpha: number): string {
  const c = colour.trim();
  if (c.startsWith('#')) {
    const hex = c.length === 4 ? [...c.slice(1)].map((h) => h + h).join('') : c.slice(1, 7);
    const n = parseInt(hex, 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const m = /rgba?\(([^)]+)\)/.exec(c);
  if (m) {
    const [r, g, b] = m[1].split(',').map((s) => s.trim());
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return c;
}
