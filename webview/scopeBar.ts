import type { ScopeId, ScopeState } from '../src/protocol';
import { h } from './dom';

const ALL_MACHINES = '';

/**
 * "This machine / Team" and, in Team, the machine filter (all machines or one). Hidden until the
 * host says a team database is configured. It only ever sends a scope id and a machine name
 * (`setScope`); the host checks both and answers with the state to show.
 */
export class ScopeBar {
  readonly element: HTMLElement;
  private readonly local: HTMLElement;
  private readonly team: HTMLElement;
  private readonly machine: HTMLSelectElement;
  private state: ScopeState | undefined;

  constructor(private readonly onChange: (scope: ScopeId, machine: string | null) => void) {
    this.local = h('vscode-button', { id: 'scope-local', 'data-scope': 'local', title: "This machine's database", 'aria-pressed': 'true' }, 'This machine');
    this.team = h('vscode-button', { id: 'scope-team', 'data-scope': 'team', secondary: true, title: 'Every machine in the team database', 'aria-pressed': 'false' }, 'Team');
    this.machine = h('select', { id: 'scope-machine', 'aria-label': 'Machine', hidden: true }) as HTMLSelectElement;
    this.element = h('div', { class: 'scope-bar', id: 'scope-bar', role: 'group', 'aria-label': 'Dashboard scope', hidden: true }, this.local, this.team, this.machine);
    this.local.addEventListener('click', () => this.pick('local'));
    this.team.addEventListener('click', () => this.pick('team'));
    this.machine.addEventListener('change', () => this.pick('team'));
  }

  /** The host's answer (after `init` and after every `setScope`). */
  show(state: ScopeState): void {
    this.state = state;
    this.element.hidden = !state.available;
    const team = state.scope === 'team';
    this.local.toggleAttribute('secondary', team);
    this.team.toggleAttribute('secondary', !team);
    this.local.setAttribute('aria-pressed', String(!team));
    this.team.setAttribute('aria-pressed', String(team));
    this.element.dataset.scope = state.scope;
    this.machine.replaceChildren(
      h('option', { value: ALL_MACHINES }, 'All machines'),
      ...state.machines.map((m) => h('option', { value: m }, m)),
    );
    this.machine.value = team && state.machine !== null ? state.machine : ALL_MACHINES;
    this.machine.hidden = !team;
  }

  private pick(scope: ScopeId): void {
    if (!this.state?.available) return;
    const machine = scope === 'team' && this.state.scope === 'team' && this.machine.value !== ALL_MACHINES ? this.machine.value : null;
    this.onChange(scope, machine);
  }
}
