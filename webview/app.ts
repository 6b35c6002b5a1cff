import { PRESET_SECONDS, TAB_IDS, TAB_TITLES, type DashboardTabId, type DashboardViewState, type EventSpan, type HostToWebview, type InitState, type RangeSelection, type ResolvedRange, type SpecTabInfo } from '../src/protocol';
import type { ChartCard } from './charts/chartCard';
import type { DrillTarget } from './charts/chartSpec';
import { clear, h } from './dom';
import { DrillDownPanel } from './drillDownPanel';
import { fmtDateTime } from './format';
import { HostClient, type DataReply } from './hostClient';
import { RangeBar, rangeText } from './rangeBar';
import { ScopeBar } from './scopeBar';
import { payloadRange, payloadTab, renderTab } from './tabs/renderTab';
import type { TabContext } from './tabs/tabContext';
import { watchTheme } from './theme';
import { displayZone } from './zone';
import { postToHost, savedViewState, saveViewState } from './vscodeApi';

const DEFAULT_VIEW: DashboardViewState = { tab: 'overview', range: { preset: '7d' } };
const REFRESH_DEBOUNCE_MS = 400;
/** Rolling ranges ("last 24 hours") move and "… ago" ages grow even when nothing is written. */
const CLOCK_REFRESH_MS = 5 * 60_000;

/** The tab bar: the hand-written tabs, then the spec tabs the host listed in `init`. */
function tabsOf(init: InitState): SpecTabInfo[] {
  const tabs: SpecTabInfo[] = TAB_IDS.map((id) => ({ id, title: TAB_TITLES[id] }));
  for (const t of init.specTabs ?? []) if (typeof t?.id === 'string' && !tabs.some((x) => x.id === t.id)) tabs.push({ id: t.id, title: String(t.title) });
  return tabs;
}

/**
 * The dashboard page: header (range, refresh, status), one tab per dataset group, and the
 * drill-down rows. Data is requested per tab and range; a `databaseChanged` from the host
 * re-requests the visible tab and marks the others stale, so the page can stay open all day.
 */
export class DashboardApp {
  private readonly client = new HostClient();
  private view: DashboardViewState;
  private readonly tabList: SpecTabInfo[];
  private readonly panels = new Map<DashboardTabId, HTMLElement>();
  private readonly rendered = new Map<DashboardTabId, string>();
  private charts: ChartCard[] = [];
  private readonly tabs: HTMLElement & { selectedIndex: number };
  private readonly status = h('span', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly drill: DrillDownPanel;
  private lastDrill: DrillTarget | undefined;
  private dataToken = 0;
  private drillToken = 0;
  private refreshTimer: number | undefined;
  private lastLoadedAt = 0;
  private rangeIsDefault: boolean;
  private readonly rangeBar: RangeBar;
  private readonly scopeBar = new ScopeBar((scope, machine) => postToHost({ type: 'setScope', scope, machine }));
  /** the scope the shown data belongs to ("local", "team:", "team:alpha") */
  private scopeKey = 'local';
  private readonly dbLabel: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly init: InitState,
  ) {
    this.tabList = tabsOf(init);
    const isTab = (v: unknown): v is DashboardTabId => typeof v === 'string' && this.tabList.some((t) => t.id === v);
    const saved = savedViewState();
    this.view = {
      tab: isTab(init.view?.tab) ? init.view.tab : isTab(saved?.tab) ? saved.tab : DEFAULT_VIEW.tab,
      range: init.view?.range ?? saved?.range ?? DEFAULT_VIEW.range,
    };
    if (this.view.range.preset === 'custom' && !init.capabilities.customRange) this.view.range = DEFAULT_VIEW.range;
    // Neither restored nor preset by the host: the first reply may move the range to where the data is.
    this.rangeIsDefault = !init.view?.range && !saved?.range;

    this.drill = new DrillDownPanel({
      canOpenSource: init.capabilities.openSource,
      openSource: (path, line) => postToHost({ type: 'openSource', path, line }),
      loadMore: (offset) => this.lastDrill && this.runDrill(this.lastDrill, offset),
    });
    const rangeBar = new RangeBar(this.view.range, init.capabilities.customRange, (range) => this.setRange(range));
    this.rangeBar = rangeBar;
    const refresh = h('vscode-button', { id: 'refresh', secondary: true, title: 'Reload the data of this tab' }, 'Refresh');
    refresh.addEventListener('click', () => this.load(true));

    this.tabs = h('vscode-tabs', { id: 'tabs', panel: true }) as HTMLElement & { selectedIndex: number };
    for (const { id: tab, title } of this.tabList) {
      const panel = h('div', { class: 'tab-content', 'data-tab': tab });
      this.panels.set(tab, panel);
      this.tabs.append(
        h('vscode-tab-header', { slot: 'header', id: `tab-${tab}`, 'data-tab': tab }, title),
        h('vscode-tab-panel', { id: `panel-${tab}`, 'data-tab': tab }, panel),
      );
    }
    this.tabs.selectedIndex = this.indexOf(this.view.tab);
    this.tabs.addEventListener('vsc-tabs-select', (e) => {
      const tab = this.tabList[(e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex]?.id;
      if (tab && tab !== this.view.tab) this.setTab(tab);
    });

    const source =
      init.mode === 'report'
        ? `Static report of ${init.databaseLabel}${init.generatedAt ? `, generated ${fmtDateTime(init.generatedAt)}` : ''}`
        : init.databaseLabel;
    this.dbLabel = h('span', { class: 'db-label', id: 'db-label', title: source }, source);
    const header = h(
      'header',
      { class: 'toolbar' },
      h('div', { class: 'title' }, h('h1', {}, 'Telemetry Lens'), this.dbLabel),
      this.scopeBar.element,
      rangeBar.element,
      init.mode === 'live' ? refresh : null,
      this.status,
    );
    clear(root);
    root.append(header, this.tabs, this.drill.element);

    this.register(watchTheme(() => this.charts.forEach((c) => c.retheme())));
    if (init.mode === 'live') this.keepCurrent();
    // saved from the start, so a restored panel (WebviewPanelSerializer) reopens this view
    saveViewState(this.view);
    this.load(false);
  }

  /** Refreshes a visible live dashboard every few minutes, and on becoming visible if due. */
  private keepCurrent(): void {
    const due = () => document.visibilityState === 'visible' && Date.now() - this.lastLoadedAt >= CLOCK_REFRESH_MS;
    const timer = window.setInterval(() => due() && this.load(true), CLOCK_REFRESH_MS);
    const onVisible = () => due() && this.load(true);
    document.addEventListener('visibilitychange', onVisible);
    this.register({ dispose: () => (window.clearInterval(timer), document.removeEventListener('visibilitychange', onVisible)) });
  }

  dispose(): void {
    window.clearTimeout(this.refreshTimer);
    for (const c of this.charts) c.dispose();
    this.charts = [];
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private readonly disposables: Array<{ dispose(): void }> = [];
  private register(d: { dispose(): void }): void {
    this.disposables.push(d);
  }

  /** Messages that are not replies to a request. */
  handle(message: HostToWebview): void {
    if (this.client.settle(message)) return;
    switch (message.type) {
      case 'databaseChanged':
        this.rendered.clear();
        window.clearTimeout(this.refreshTimer);
        this.refreshTimer = window.setTimeout(() => this.load(true), REFRESH_DEBOUNCE_MS);
        break;
      case 'showTab':
        if (this.indexOf(message.tab) < 0) break;
        this.tabs.selectedIndex = this.indexOf(message.tab);
        this.setTab(message.tab);
        break;
      case 'error':
        this.setStatus(message.message, true);
        break;
      case 'scope': {
        const state = message.state;
        this.scopeBar.show(state);
        this.dbLabel.textContent = state.databaseLabel;
        this.dbLabel.title = state.databaseLabel;
        const key = state.scope === 'team' ? `team:${state.machine ?? ''}` : 'local';
        if (key !== this.scopeKey) {
          // other rows: every tab asks again, the drill-down rows belonged to the old scope
          this.scopeKey = key;
          this.rendered.clear();
          this.drill.hide();
          this.root.dataset.scope = key;
          this.load(true);
        }
        if (state.error) this.setStatus(state.error, true);
        break;
      }
      default:
        break;
    }
  }

  private indexOf(tab: DashboardTabId): number {
    return this.tabList.findIndex((t) => t.id === tab);
  }

  private titleOf(tab: DashboardTabId): string {
    return this.tabList.find((t) => t.id === tab)?.title ?? tab;
  }

  private setTab(tab: DashboardTabId): void {
    this.view = { ...this.view, tab };
    saveViewState(this.view);
    this.drill.hide();
    this.load(false);
  }

  private setRange(range: RangeSelection): void {
    this.rangeIsDefault = false;
    this.view = { ...this.view, range };
    saveViewState(this.view);
    this.rendered.clear();
    this.drill.hide();
    this.load(false);
  }

  /** Shows the current tab for the current range, asking the host unless it is already shown. */
  private load(quietRefresh: boolean): void {
    const { tab, range } = this.view;
    const key = JSON.stringify(range);
    if (!quietRefresh && this.rendered.get(tab) === key) return;
    const token = ++this.dataToken;
    this.root.setAttribute('aria-busy', 'true');
    this.setStatus(quietRefresh ? 'Refreshing…' : 'Loading…');
    this.client.requestData(tab, range).then(
      (reply) => token === this.dataToken && this.show(reply, key),
      (err: Error) => {
        if (token !== this.dataToken) return;
        this.root.removeAttribute('aria-busy');
        this.setStatus(`Could not load ${this.titleOf(tab)}`, true);
        this.showError(tab, err.message);
      },
    );
  }

  private show(reply: DataReply, key: string): void {
    // The default "last 7 days" of a database whose newest event is older (a frozen source, an
    // exported history) would show every tab empty: open on the shortest preset that holds data.
    const opening = this.rangeIsDefault;
    this.rangeIsDefault = false;
    const better = opening && reply.span ? rangeHolding(reply.span, reply.range, payloadRange(reply.payload)) : undefined;
    if (better) {
      this.rangeBar.show(better);
      this.setRange(better);
      return;
    }
    const tab = payloadTab(reply.payload);
    const panel = this.panels.get(tab);
    if (!panel) return;
    // Charts of the other tabs are gone with their canvases; only the visible tab keeps charts.
    for (const c of this.charts) c.dispose();
    this.charts = [];
    for (const [t, p] of this.panels) if (t !== tab) clear(p), this.rendered.delete(t);
    const scroll = window.scrollY;
    clear(panel);
    const ctx: TabContext = {
      range: reply.range,
      resolved: payloadRange(reply.payload),
      rangeText: rangeText(reply.range),
      mode: this.init.mode,
      drill: (t: DrillTarget) => this.runDrill(t, 0),
      openSource: (path: string, line: number) => postToHost({ type: 'openSource', path, line }),
      charts: this.charts,
    };
    panel.append(renderTab(reply.payload, ctx));
    const empty = panel.querySelector('.empty-state');
    if (empty && reply.span) empty.append(this.whereTheDataIs(reply.span, reply.range));
    window.scrollTo({ top: scroll });
    this.rendered.set(tab, key);
    this.lastLoadedAt = Date.now();
    this.root.removeAttribute('aria-busy');
    this.root.dataset.loadedTab = tab;
    this.root.dataset.loadedScope = this.scopeKey;
    this.setStatus(this.init.mode === 'live' ? `Updated ${new Date().toLocaleTimeString(undefined, { timeZone: displayZone() })}` : '');
  }

  /** "Your events run from … to …" with one click to a range that shows them. */
  private whereTheDataIs(span: EventSpan, range: RangeSelection): HTMLElement {
    const line = h('p', { class: 'empty-span', 'data-empty-span': '' }, `This database has events from ${fmtDateTime(span.first)} to ${fmtDateTime(span.last)}.`);
    if (range.preset !== 'all') {
      const all: RangeSelection = { preset: 'all' };
      const button = h('vscode-button', { id: 'show-all-time', secondary: true }, 'Show all time');
      button.addEventListener('click', () => {
        this.rangeBar.show(all);
        this.setRange(all);
      });
      line.append(' ', button);
    }
    return line;
  }

  /** The tab shows why it has no data (and what to do) instead of stale or blank content. */
  private showError(tab: DashboardTabId, message: string): void {
    for (const c of this.charts) c.dispose();
    this.charts = [];
    const panel = this.panels.get(tab)!;
    clear(panel);
    panel.append(h('div', { class: 'empty-state error', 'data-empty': 'error', role: 'alert' }, h('p', { class: 'empty-title' }, `Could not load ${this.titleOf(tab)}.`), h('p', { class: 'empty-next' }, message)));
    this.rendered.delete(tab);
    this.root.dataset.loadedTab = tab;
  }

  private runDrill(target: DrillTarget, offset: number): void {
    this.lastDrill = target;
    const token = ++this.drillToken;
    if (offset === 0) this.drill.showLoading(target.label);
    this.client.drillDown(target.label, { ...target.request, offset }).then(
      (rows) => token === this.drillToken && this.drill.show(rows, offset > 0),
      (err: Error) => token === this.drillToken && this.drill.showError(target.label, err.message),
    );
  }

  private setStatus(text: string, isError = false): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', isError);
  }
}

/**
 * The preset to open on instead of `range` when `range` holds none of the events in `span`:
 * the shortest rolling preset that reaches the newest event, else all time. Undefined: keep it.
 */
export function rangeHolding(span: EventSpan, range: RangeSelection, resolved: ResolvedRange): RangeSelection | undefined {
  if (range.preset === 'all' || range.preset === 'custom') return undefined;
  if (resolved.fromSeconds === null || span.last >= resolved.fromSeconds) return undefined;
  // "now" of the reply: rolling presets end there (a report's is its generation time)
  const now = resolved.toSeconds ?? resolved.fromSeconds + PRESET_SECONDS[range.preset];
  return now - span.last <= 30 * 86400 ? { preset: '30d' } : { preset: 'all' };
}

