/**
 * A source the catalogue learns during a test (promote.test.ts, and its killed child runs): until
 * `learnWidgetSource()` the file `widget_events.jsonl` is unknown and imported as an inferred
 * table, exactly as every unknown file is today; afterwards it is a known source whose table no
 * built-in migration creates — the situation of every source added to the catalogue from now on.
 */
import { KNOWN_SOURCES, reindexCatalogue, type KnownSource } from '../../src/core/formats/catalogue';

export const WIDGET_SOURCE: KnownSource = {
  kind: 'widget-events',
  table: 'widget_events',
  files: ['widget_events.jsonl'],
  format: 'jsonl',
  timeColumn: 'timestamp',
  columns: [
    { column: 'timestamp', from: ['timestamp', 'ts'], type: 'ts', required: true },
    { column: 'widget', from: ['widget', 'name'], type: 'text', required: true },
    { column: 'size', from: ['size'], type: 'int' },
    { column: 'ok', from: ['ok', 'success'], type: 'bool' },
    { column: 'note', from: ['note'], type: 'text' },
  ],
  indexes: [['timestamp'], ['widget']],
};

export function learnWidgetSource(): void {
  if (!KNOWN_SOURCES.includes(WIDGET_SOURCE)) KNOWN_SOURCES.push(WIDGET_SOURCE);
  reindexCatalogue();
}

export function forgetWidgetSource(): void {
  const i = KNOWN_SOURCES.indexOf(WIDGET_SOURCE);
  if (i >= 0) KNOWN_SOURCES.splice(i, 1);
  reindexCatalogue();
}
