import { describe, test } from 'node:test';
import { getActivity, getOverview } from '../../src/core/metrics';
import { emptyDatabase, insert } from './fixture';
import { assertClose } from './helpers';

const utc = (iso: string) => Date.parse(iso) / 1000;

describe('days in zones with a :30/:45 offset (a local midnight inside an hour)', async () => {
  test('India (UTC+5:30): events just after local midnight count on the new day', async () => {
    const db = await emptyDatabase();
    for (const iso of ['2026-01-10T18:20:00Z', '2026-01-10T18:40:00Z', '2026-01-10T18:59:00Z', '2026-01-10T19:10:00Z', '2026-01-11T12:00:00Z']) {
      insert(db, 'tool_events', { timestamp: utc(iso), tool: 'Bash' });
    }
    // IST: 23:50 Jan 10 | 00:10, 00:29, 00:40, 17:30 Jan 11 — the 18:00Z hour holds both days
    const perDay = (range: { from?: number; to?: number }) =>
      getActivity(db, range, { timeZone: 'Asia/Kolkata' }).toolCallsPerDay.map((d) => [d.day, d.calls]);
    assertClose(perDay({}), [['2026-01-10', 1], ['2026-01-11', 4]]);
    assertClose(perDay({ from: utc('2026-01-10T00:00:00Z'), to: utc('2026-01-12T00:00:00Z') }), [['2026-01-10', 1], ['2026-01-11', 4]]);
    assertClose(perDay({ from: utc('2026-01-10T18:30:00Z') }), [['2026-01-11', 4]]);
    assertClose(
      getOverview(db, {}, { timeZone: 'Asia/Kolkata' }).eventsPerDay.map((d) => [d.day, d.count]),
      [['2026-01-10', 1], ['2026-01-11', 4]],
    );
  });

  test('random events and ranges: per-day counts equal an exact day-by-day count (Intl) in four zones', async () => {
    const db = await emptyDatabase();
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const start = utc('2026-03-01T00:00:00Z'); // spans the March/April DST changes of Adelaide and St John's
    const times: number[] = [];
    for (let i = 0; i < 600; i++) {
      const t = start + Math.floor(rand() * 50 * 86400);
      times.push(t);
      insert(db, 'tool_events', { timestamp: t, tool: 'Bash' });
    }
    for (const zone of ['Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Adelaide', 'America/St_Johns']) {
      const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
      for (let trial = 0; trial < 4; trial++) {
        const from = trial === 0 ? undefined : start + Math.floor(rand() * 20 * 86400);
        const to = trial === 0 ? undefined : from! + Math.floor(rand() * 25 * 86400);
        const expected = new Map<string, number>();
        for (const t of times) {
          if ((from !== undefined && t < from) || (to !== undefined && t >= to)) continue;
          const d = dayOf.format(new Date(t * 1000));
          expected.set(d, (expected.get(d) ?? 0) + 1);
        }
        const want = [...expected].sort((a, b) => (a[0] < b[0] ? -1 : 1));
        const got = getActivity(db, { from, to }, { timeZone: zone }).toolCallsPerDay.map((d) => [d.day, d.calls]);
        assertClose(got, want, `${zone} ${from}-${to}`);
        const overview = getOverview(db, { from, to }, { timeZone: zone }).eventsPerDay.map((d) => [d.day, d.count]);
        assertClose(overview, want, `${zone} overview`);
      }
    }
  });
});
