/**
 * Connecting to the team database. The URL is a libpq-style `postgresql://` URL; `sslmode` in it
 * is honoured by pg (disable / prefer / require / verify-ca / verify-full). The password may sit
 * in the URL, come from PGPASSWORD, or (the extension) from SecretStorage; it never appears in
 * anything we print: every message that could carry the URL goes through redact().
 */
import { Client, type ClientConfig } from 'pg';
import { TelemetryError, UsageError } from '../db/errors';
import { isTeamUrl, redactText, redactUrl } from './url';

export { isTeamUrl, redactText, redactUrl };

/** Exit 3: the team database could not be reached or refused the write. */
export class TeamDatabaseError extends TelemetryError {
  constructor(message: string) {
    super(message, 3);
  }
}

export interface TeamConnectOptions {
  /** password from elsewhere (SecretStorage); wins over one in the URL; '' = none */
  password?: string;
  /** application_name shown in pg_stat_activity */
  applicationName?: string;
  connectTimeoutMs?: number;
}

export function clientConfig(url: string, opts: TeamConnectOptions = {}): ClientConfig {
  if (!isTeamUrl(url)) throw new UsageError(`not a postgresql:// URL: ${redactUrl(url)}`);
  return {
    connectionString: opts.password ? withPasswordParameter(url, opts.password) : url,
    application_name: opts.applicationName ?? 'telemetry-lens',
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 15000,
  };
}

/**
 * The URL with `password=` appended. pg lays the parsed connection string over the other options
 * (`Object.assign({}, config, parse(url))`) and the parse always sets a password — '' when the URL
 * has none — so a `password` option beside the URL never reached the server (the extension's
 * password from SecretStorage was dropped, the login refused, the password asked for again). A
 * `password` query parameter is what the parse reads first, and the last one wins: this one.
 * The result is only handed to the driver; everything printed uses the caller's URL, redacted.
 */
export function withPasswordParameter(url: string, password: string): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  return `${base}${base.includes('?') ? '&' : '?'}password=${encodeURIComponent(password)}`;
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

/** A client for `work`, always ended; anything but our own errors becomes a TeamDatabaseError with the URL and password redacted. */
export async function withTeam<T>(url: string, opts: TeamConnectOptions, work: (c: Client) => Promise<T>): Promise<T> {
  const client = await connectTeam(url, opts);
  try {
    return await work(client);
  } catch (e) {
    if (e instanceof TelemetryError) throw e;
    throw new TeamDatabaseError(`${redactUrl(url)}: ${redactText(errorText(e), url, [opts.password])}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
