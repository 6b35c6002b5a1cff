/**
 * Connecting to the team database. The URL is a libpq-style `postgresql://` URL; `sslmode` in it
 * is honoured by pg (disable / prefer / require / verify-ca / verify-full). The password may sit
 * in the URL, come from PGPASSWORD, or (the extension) from SecretStorage; it never appears in
 * anything we print: every message that could carry the URL goes through redact().
 */
import { Client, type ClientConfig } from 'pg';
import { TelemetryError, UsageError } from '../db/errors';

/** Exit 3: the team database could not be reached or refused the write. */
export class TeamDatabaseError extends TelemetryError {
  constructor(message: string) {
    super(message, 3);
  }
}

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

export interface TeamConnectOptions {
  /** password from elsewhere (SecretStorage); wins over one in the URL */
  password?: string;
  /** application_name shown in pg_stat_activity */
  applicationName?: string;
  connectTimeoutMs?: number;
}

export function clientConfig(url: string, opts: TeamConnectOptions = {}): ClientConfig {
  if (!isTeamUrl(url)) throw new UsageError(`not a postgresql:// URL: ${redactUrl(url)}`);
  const config: ClientConfig = {
    connectionString: url,
    application_name: opts.applicationName ?? 'telemetry-lens',
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 15000,
  };
  if (opts.password !== undefined) config.password = opts.password;
  return config;
}

/** A connected client; errors are TeamDatabaseError with the URL redacted (exit 3). */
export async function connectTeam(url: string, opts: TeamConnectOptions = {}): Promise<Client> {
  const client = new Client(clientConfig(url, opts));
  // an idle client whose server goes away emits 'error'; without a listener that kills the process
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new TeamDatabaseError(`cannot connect to ${redactUrl(url)}: ${redactText(errorText(e), url, [opts.password])}`);
  }
  return client;
}

export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: string }).code;
    return e.message + (code && /^[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : '');
  }
  return String(e);
}
