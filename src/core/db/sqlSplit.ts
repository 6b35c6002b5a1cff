/**
 * Splits SQL text into statements the way sqlite3_complete() decides where one ends: semicolons
 * inside strings, quoted identifiers and comments do not count, and inside CREATE TRIGGER only
 * the `;` after `END` does. node:sqlite prepares only the first statement of a string, so the
 * native engine needs this for exec() and iterateStatements().
 */
export interface SqlPiece {
  /** offset of the statement's first character in the text */
  start: number;
  /** offset just past its terminating `;` (or the end of the text) */
  end: number;
}

const WORD = /[A-Za-z0-9_$\u0080-\uffff]/;

/** Every non-empty statement of `sql` (comment-only and blank pieces are skipped). */
export function splitSqlStatements(sql: string): SqlPiece[] {
  const out: SqlPiece[] = [];
  let i = 0;
  const n = sql.length;
  let start = -1; // first significant character of the current statement
  let words: string[] = []; // leading keywords, to recognise CREATE [TEMP] TRIGGER
  let isTrigger = false;
  let lastWord = '';
  while (i < n) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === ';') {
      if (start >= 0 && (!isTrigger || lastWord === 'END')) {
        out.push({ start, end: i + 1 });
        start = -1;
        words = [];
        isTrigger = false;
      }
      lastWord = ';';
      i++;
      continue;
    }
    if (start < 0) start = i;
    if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      let j = i + 1;
      for (;;) {
        const k = sql.indexOf(close, j);
        if (k < 0) {
          j = n;
          break;
        }
        if (close !== ']' && sql[k + 1] === close) {
          j = k + 2;
          continue;
        }
        j = k + 1;
        break;
      }
      i = j;
      lastWord = '';
      continue;
    }
    if (WORD.test(c)) {
      let j = i + 1;
      while (j < n && WORD.test(sql[j])) j++;
      const w = sql.slice(i, j).toUpperCase();
      if (words.length < 3) {
        words.push(w);
        if (words[0] === 'CREATE' && (w === 'TRIGGER' && (words.length === 2 || (words.length === 3 && (words[1] === 'TEMP' || words[1] === 'TEMPORARY'))))) isTrigger = true;
      }
      lastWord = w;
      i = j;
      continue;
    }
    lastWord = '';
    i++;
  }
  if (start >= 0) out.push({ start, end: n });
  return out;
}
