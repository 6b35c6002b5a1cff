/**
 * The dashboard's scope, "This machine / Team", as pure logic (no vscode, no driver): checking what
 * the webview asked for, the state the scope bar shows, and the tree's "Team database" section.
 * The webview sends only a scope id and a machine name; both are checked here against the host's
 * own list before anything reads the team database.
 */
import { SCOPE_IDS, type ScopeId, type ScopeState } from '../../protocol';
import type { TeamMachineOverview } from './read';
import { redactUrl } from './url';

export interface ScopeSelection {
  scope: ScopeId;
  /** Team scope: one machine, or null for all */
  machine: string | null;
}

export const LOCAL_SCOPE: ScopeSelection = { scope: 'local', machine: null };

/**
 * The selection a `setScope` message asks for, or an Error saying why not: an unknown scope id,
 * a machine the team database does not hold, or Team without a team database configured.
 * This machine's scope has no machine filter.
 */
export function checkScopeRequest(message: { scope?: unknown; machine?: unknown }, teamConfigured: boolean, machines: readonly string[]): ScopeSelection {
  const scope = message.scope;
  if (typeof scope !== 'string' || !(SCOPE_IDS as readonly string[]).includes(scope)) throw new Error(`unknown dashboard scope ${JSON.stringify(scope)}`);
  if (scope === 'local') return LOCAL_SCOPE;
  if (!teamConfigured) throw new Error('no team database is configured (setting telemetryLens.team.database)');
  const machine = message.machine ?? null;
  if (machine === null) return { scope: 'team', machine: null };
  if (typeof machine !== 'string' || !machines.includes(machine)) throw new Error(`the team database has no machine named ${JSON.stringify(String(machine))}`);
  return { scope: 'team', machine };
}

/** The header's label: the local file, or the team URL (no password) and which machines. */
export function scopeLabel(selection: ScopeSelection, localLabel: string, teamUrl: string | undefined): string {
  if (selection.scope === 'local' || !teamUrl) return localLabel;
  return `team ${redactUrl(teamUrl)} — ${selection.machine === null ? 'all machines' : `machine ${selection.machine}`}`;
}

export function scopeState(selection: ScopeSelection, opts: { localLabel: string; teamUrl?: string; machines?: readonly string[]; error?: string }): ScopeState {
  const state: ScopeState = {
    available: !!opts.teamUrl,
    scope: selection.scope,
    machine: selection.scope === 'team' ? selection.machine : null,
    machines: [...(opts.machines ?? [])],
    databaseLabel: scopeLabel(selection, opts.localLabel, opts.teamUrl),
  };
  if (opts.error) state.error = opts.error;
  return state;
}

/** A node of the tree's "Team database" section (the tree's node shape, without vscode). */
export interface TeamTreeNode {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: { codicon: string; color?: string };
  contextValue: string;
  expanded?: boolean;
  children?: TeamTreeNode[];
}

/** "Team database": one node per machine, its data sources (event tables with rows) below it. */
export function teamTreeSection(teamUrl: string, overview: readonly TeamMachineOverview[] | { error: string }): TeamTreeNode {
  const label = redactUrl(teamUrl);
  if (!Array.isArray(overview)) {
    const error = (overview as { error: string }).error;
    return {
      id: 'section:team',
      label: 'Team database',
      description: 'cannot read',
      tooltip: `${label}\n\n${error}`,
      icon: { codicon: 'warning', color: 'list.warningForeground' },
      contextValue: 'teamSection error',
      children: [{ id: 'team:error', label: error, icon: { codicon: 'error', color: 'list.errorForeground' }, contextValue: 'error' }],
    };
  }
  const machines = overview as readonly TeamMachineOverview[];
  const total = machines.reduce((n, m) => n + m.tables.reduce((k, t) => k + t.rows, 0), 0);
  return {
    id: 'section:team',
    label: 'Team database',
    description: `${machines.length} machine${machines.length === 1 ? '' : 's'} · ${total.toLocaleString('en-US')} rows`,
    tooltip: `${label}\n\nEvery machine's synced telemetry (Telemetry: Sync to Team Database).`,
    icon: { codicon: 'organization' },
    contextValue: 'teamSection',
    expanded: true,
    children: machines.map((m) => {
      const rows = m.tables.reduce((k, t) => k + t.rows, 0);
      return {
        id: `team:machine:${m.machine}`,
        label: m.machine,
        description: `${rows.toLocaleString('en-US')} rows · synced ${m.lastSyncedAt.slice(0, 16).replace('T', ' ')} UTC`,
        tooltip: `Machine ${m.machine}: ${m.tables.length} data source${m.tables.length === 1 ? '' : 's'}, last sync ${m.lastSyncedAt}`,
        icon: { codicon: 'vm' },
        contextValue: 'teamMachine',
        children: m.tables.map((t) => ({
          id: `team:machine:${m.machine}:${t.table}`,
          label: t.table,
          description: `${t.rows.toLocaleString('en-US')} rows`,
          icon: { codicon: 'database' },
          contextValue: 'teamSource',
        })),
      };
    }),
  };
}
