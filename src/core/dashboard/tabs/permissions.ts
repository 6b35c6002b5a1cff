import { EventQuery, type SpecTabDefinition } from '../specTab';

const TABLE = 'permission_events';

/**
 * Permissions: seed 003's agent permission grants and revocations (`permission_events`,
 * src/core/formats/catalogue.ts). A spec tab: this module, one line in ./index.ts, its test.
 */
export const permissionsTab: SpecTabDefinition = {
  id: 'permissions',
  title: 'Permissions',
  tables: [TABLE],
  load(db, range, options) {
    const q = new EventQuery(db, TABLE, range, options);
    const events = q.count();
    // Claude Code's permission log of the same name (tool decisions) has no agent_id: not this tab's
    if (!q.usable('event_type', 'agent_id') || events === 0) return q.view({ empty: { title: 'No permission events', files: 'permission_events.jsonl' } });
    const grants = q.countContaining('event_type', 'GRANT');
    const revocations = q.countContaining('event_type', 'REVOK');
    return q.view({
      kpis: [
        { id: 'permission-events', label: 'Permission events', value: events, format: 'count' },
        { id: 'permission-grants', label: 'Grants', value: grants, format: 'count', sub: `vs ${revocations.toLocaleString('en-US')} revocations` },
        { id: 'permission-revocations', label: 'Revocations', value: revocations, format: 'count' },
        { id: 'permission-agents', label: 'Agents', value: q.distinct('agent_id'), format: 'count' },
      ],
      charts: [
        { kind: 'time', id: 'permission-events-per-day', title: 'Permission events by type', unit: 'events', chart: 'bar', stacked: true, series: q.series('Events', 'event_type') },
        { kind: 'categories', id: 'permission-levels', title: 'Permission levels', unit: 'events', chart: 'doughnut', categories: q.groups('permission_level', 8) },
      ],
      tables: [
        {
          id: 'permission-top-agents',
          title: 'Top agents',
          columns: [{ label: 'Agent' }, { label: 'Events', format: 'count' }],
          rows: q.groups('agent_id', 10).map((g) => ({ cells: [g.label, g.value], drillKey: g.drillKey })),
          empty: 'No agents in this range.',
        },
      ],
    });
  },
};
