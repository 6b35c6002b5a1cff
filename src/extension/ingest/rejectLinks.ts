import * as path from 'path';

export interface LocationInLine {
  path: string;
  line: number;
  /** Character range of `file:line` in the text line. */
  start: number;
  end: number;
}

/**
 * Finds the `file:line` an entry line of the rejects document starts with
 * (`  ~/.claude/git-activity.jsonl:17  json (...)  {...}`), `~` expanded.
 */
export function parseLocationLine(text: string, home: string): LocationInLine | undefined {
  const m = /^( {2})((?:~|\/|[A-Za-z]:\\)\S*?(?: \S+?)*?):(\d+)(?= {2}|$)/.exec(text);
  if (!m) return undefined;
  const raw = m[2];
  const abs = raw === '~' || raw.startsWith('~/') ? path.join(home, raw.slice(1)) : raw;
  return { path: abs, line: Number(m[3]), start: m[1].length, end: m[1].length + raw.length + 1 + m[3].length };
}
