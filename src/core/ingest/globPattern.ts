/**
 * Glob patterns as people write them in a settings entry: `*`, `**`, `?`, `[abc]`/`[!abc]`,
 * `{a,b}` (not nested), matched against forward-slash paths. Used by the exclude rules here and
 * by the extension's expansion of `telemetryLens.sources` globs (written here rather than adding
 * picomatch as a runtime dependency for this one small job).
 */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  let inBraces = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const atSegmentStart = i === 0 || pattern[i - 1] === '/';
        const atSegmentEnd = i + 2 === pattern.length || pattern[i + 2] === '/';
        if (atSegmentStart && atSegmentEnd) {
          // `**/` = zero or more whole folders; a trailing `**` = anything below.
          if (pattern[i + 2] === '/') {
            re += '(?:[^/]+/)*';
            i += 2;
          } else {
            re += '.*';
            i += 1;
          }
          continue;
        }
        i += 1;
      }
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{' && !inBraces) {
      inBraces = true;
      re += '(?:';
    } else if (c === '}' && inBraces) {
      inBraces = false;
      re += ')';
    } else if (c === ',' && inBraces) {
      re += '|';
    } else {
      re += c.replace(/[.+^$()|\\{}]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`, process.platform === 'win32' ? 'i' : '');
}
