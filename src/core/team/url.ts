/** Recognising and redacting team-database URLs (no driver import: the extension loads this at activation). */

export function isTeamUrl(value: string | undefined): boolean {
  return !!value && /^postgres(ql)?:\/\//i.test(value.trim());
}

/** The URL with its password replaced by `***` (user, host, port, database and options kept). */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/)([^@/?#]*)@/i, (_m, scheme: string, auth: string) => {
    const colon = auth.indexOf(':');
    return `${scheme}${colon >= 0 ? auth.slice(0, colon) + ':***' : auth}@`;
  }).replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** Every secret we know of (URL password, decoded and raw; extra passwords) removed from `text`. */
export function redactText(text: string, url: string | undefined, extraSecrets: (string | undefined)[] = []): string {
  let out = text;
  const secrets = new Set<string>();
  if (url) {
    const pw = urlPassword(url);
    if (pw) {
      secrets.add(pw);
      try {
        secrets.add(decodeURIComponent(pw));
      } catch {
        /* not percent-encoded */
      }
    }
    out = out.split(url).join(redactUrl(url));
  }
  for (const s of extraSecrets) if (s) secrets.add(s);
  if (process.env.PGPASSWORD) secrets.add(process.env.PGPASSWORD);
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s.length >= 1) out = out.split(s).join('***');
  return out.replace(/postgres(?:ql)?:\/\/[^\s'"]+/gi, (u) => redactUrl(u));
}

function urlPassword(url: string): string | undefined {
  const m = /^postgres(?:ql)?:\/\/([^@/?#]*)@/i.exec(url);
  if (m && m[1].includes(':')) return m[1].slice(m[1].indexOf(':') + 1);
  const q = /[?&]password=([^&#]*)/i.exec(url);
  return q ? q[1] : undefined;
}
