/**
 * A small SQL lexer: enough of SQLite's to split a script into statements at top-level `;` and to
 * read a statement's leading words and a PRAGMA's name and argument, whatever the quoting. It
 * never decides what a statement does by itself; the read-only guard builds on it.
 */

export type SqlTokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct' | 'param';

export interface SqlToken {
  kind: SqlTokenKind;
  /** The token as written. */
  text: string;
  /** Identifier without its quotes ("x", [x], `x`); a string literal without its quotes. */
  value: string;
  start: number;
  end: number;
}

interface Lexed {
  tokens: SqlToken[];
  /** Offsets of top-level `;` (they end statements). */
  semicolons: number[];
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isWordStart = (c: string) => /[A-Za-z_\u0080-\uffff]/.test(c);
const isWordPart = (c: string) => /[A-Za-z0-9_$\u0080-\uffff]/.test(c);

/** Index just past a quoted run that started at `i` with `open` and ends at `close` (doubled = escaped). */
function quotedEnd(sql: string, i: number, close: string, doubling: boolean): number {
  let j = i + 1;
  for (;;) {
    const k = sql.indexOf(close, j);
    if (k < 0) return sql.length;
    if (doubling && sql[k + 1] === close) {
      j = k + 2;
      continue;
    }
    return k + 1;
  }
}

function lex(sql: string): Lexed {
  const tokens: SqlToken[] = [];
  const semicolons: number[] = [];
  let i = 0;
  const push = (kind: SqlTokenKind, end: number, value?: string) => {
    const text = sql.slice(i, end);
    tokens.push({ kind, text, value: value ?? text, start: i, end });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    if (isSpace(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (c === ';') {
      semicolons.push(i);
      i++;
    } else if (c === "'") {
      const end = quotedEnd(sql, i, "'", true);
      push('string', end, sql.slice(i + 1, end - 1).replace(/''/g, "'"));
    } else if ((c === 'x' || c === 'X') && sql[i + 1] === "'") {
      push('string', quotedEnd(sql, i + 1, "'", true));
    } else if (c === '"' || c === '`') {
      const end = quotedEnd(sql, i, c, true);
      push('quoted', end, sql.slice(i + 1, end - 1).split(c + c).join(c));
    } else if (c === '[') {
      const close = sql.indexOf(']', i + 1);
      const end = close < 0 ? sql.length : close + 1;
      push('quoted', end, sql.slice(i + 1, end - 1));
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < sql.length && /[0-9A-Za-z_.]/.test(sql[j])) {
        if ((sql[j] === 'e' || sql[j] === 'E') && (sql[j + 1] === '+' || sql[j + 1] === '-')) j++;
        j++;
      }
      push('number', j);
    } else if (c === '?' || c === ':' || c === '@' || c === '$') {
      let j = i + 1;
      while (j < sql.length && isWordPart(sql[j])) j++;
      push('param', j);
    } else if (isWordStart(c)) {
      let j = i + 1;
      while (j < sql.length && isWordPart(sql[j])) j++;
      push('word', j, sql.slice(i, j).toUpperCase());
    } else {
      push('punct', i + 1);
    }
  }
  return { tokens, semicolons };
}

/** One statement of a script: its text (comments kept, no `;`) and its tokens. */
export interface SqlStatement {
  text: string;
  tokens: SqlToken[];
}

/**
 * Splits at top-level semicolons (not inside strings, quoted names or comments). Pieces holding
 * only blanks and comments are dropped. Trigger bodies (BEGIN … END) are not kept whole: they
 * belong to CREATE TRIGGER, which a read-only query refuses anyway.
 */
export function splitStatements(sql: string): SqlStatement[] {
  const { tokens, semicolons } = lex(sql);
  const out: SqlStatement[] = [];
  let from = 0;
  let t = 0;
  for (const end of [...semicolons, sql.length]) {
    const own: SqlToken[] = [];
    while (t < tokens.length && tokens[t].start < end) own.push(tokens[t++]);
    if (own.length > 0) {
      const shift = from;
      out.push({ text: sql.slice(from, end), tokens: own.map((k) => ({ ...k, start: k.start - shift, end: k.end - shift })) });
    }
    from = end + 1;
  }
  return out;
}
