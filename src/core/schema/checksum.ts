import { createHash } from 'crypto';

/** Line endings and a leading BOM are not edits: CRLF, CR and LF hash the same. */
export function normaliseScript(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** SHA-256 (hex) of the normalised script; a built-in's step version is part of it. */
export function migrationChecksum(script: string, stepVersion?: number): string {
  const h = createHash('sha256').update(normaliseScript(script), 'utf8');
  if (stepVersion !== undefined) h.update(`\n-- step v${stepVersion}`);
  return h.digest('hex');
}
