/**
 * The team database password in the extension: kept in a secret store (VS Code's SecretStorage),
 * asked for once, stored only after the server accepted it, forgotten when the server refuses it.
 * No vscode import: the extension passes its SecretStorage and an input box; tests pass their own.
 */
import { redactUrl } from './url';

/** What VS Code's SecretStorage offers (context.secrets). */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** Asks the user; undefined = cancelled, '' = the server needs no password. */
export type PasswordPrompt = (redactedUrl: string, retry: boolean) => PromiseLike<string | undefined>;

/** One password per server/user/database: the URL without password or options. */
export function teamSecretKey(url: string): string {
  return `telemetryLens.team.password:${redactUrl(url).replace(/[?#].*$/, '')}`;
}

/** The server refused the login (wrong or missing password). */
export function isRefusedLogin(e: unknown): boolean {
  const code = (e as { code?: string } | undefined)?.code;
  const text = e instanceof Error ? e.message : String(e);
  return code === '28P01' || /password authentication failed|SQLSTATE 28P01|client password must be a string|SASL: SCRAM-SERVER-FIRST-MESSAGE: client password/.test(text);
}

export class TeamPasswords {
  constructor(
    private readonly secrets: SecretStore,
    private readonly prompt: PasswordPrompt,
  ) {}

  /**
   * Runs `work` with the password for `url`: the stored one, else (interactive) one typed now.
   * A typed password — '' too, for servers that need none — is stored once the server took it,
   * so the user is asked once. A refused password is forgotten; an interactive run then asks
   * once more and retries. Undefined: the user cancelled.
   */
  async withPassword<T>(url: string, interactive: boolean, work: (password: string | undefined) => Promise<T>): Promise<T | undefined> {
    const key = teamSecretKey(url);
    let stored = await this.secrets.get(key);
    let typed: string | undefined;
    for (let attempt = 0; ; attempt++) {
      if (stored === undefined && typed === undefined && interactive) {
        typed = await this.prompt(redactUrl(url), attempt > 0);
        if (typed === undefined) return undefined;
      }
      const password = typed ?? stored;
      try {
        const result = await work(password === '' ? undefined : password);
        if (typed !== undefined && typed !== stored) await this.secrets.store(key, typed);
        return result;
      } catch (e) {
        if (!isRefusedLogin(e)) throw e;
        if (stored !== undefined) await this.secrets.delete(key);
        // a stored password that no longer works: ask once (interactive); a typed one: give up
        if (!interactive || typed !== undefined || attempt > 0) throw e;
        stored = undefined;
      }
    }
  }
}
