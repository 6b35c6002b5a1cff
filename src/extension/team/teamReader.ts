/**
 * The extension's read side of the team database, in one place: the dashboard's Team scope and
 * the tree's "Team database" section. Through src/core/team (the only code that speaks
 * PostgreSQL's dialect): one machine's, or every machine's, rollups are computed in PostgreSQL into
 * the local schema in memory, plus the rows a request reads directly (TeamRollupImage), so the
 * very same metrics run over them. An image is kept per machine filter while the team's
 * watermarks stay the same (one small query per request).
 * The password comes from SecretStorage (asked once: src/core/team/password.ts).
 */
import * as vscode from 'vscode';
import type { SqlDatabase } from '../../core/db/database';
import { Disposable } from '../../core/lifecycle';
import type { DrillDownRequest, DrillDownResult, MetricsOptions, TimeRange } from '../../core/metrics/types';
import type { TeamMachineOverview } from '../../core/team/read';
import type { TeamRollupImage } from '../../core/team/rollupImage';
import { isTeamUrl, redactText } from '../../core/team/url';
import type { ExtensionServices } from '../services';
import { teamPasswords, teamSettings } from './teamSync';

interface CachedCopy {
  url: string;
  version: string;
  image: TeamRollupImage;
}

export class TeamReader extends Disposable {
  private readonly copies = new Map<string, CachedCopy>();
  private loading = new Map<string, Promise<TeamRollupImage>>();
  private readonly changedEmitter = this.register(new vscode.EventEmitter<void>());
  /** fires after this window synced, or when the team settings changed */
  readonly onDidChange = this.changedEmitter.event;

  constructor(private readonly services: ExtensionServices) {
    super();
    this.register({ dispose: () => this.closeAll() });
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('telemetryLens.team')) this.changed();
      }),
    );
  }

  /** Something was synced (or the settings moved): readers ask again. */
  changed(): void {
    this.changedEmitter.fire();
  }

  /** The configured team URL (no password), or undefined. */
  get url(): string | undefined {
    const url = teamSettings(this.services).url;
    return isTeamUrl(url) ? url : undefined;
  }

  /** Machines and their data sources. Interactive: may ask for the password (once). */
  async overview(interactive: boolean): Promise<TeamMachineOverview[]> {
    const url = this.requireUrl();
    const { teamOverview } = await import('../../core/team/read');
    return this.withPassword(url, interactive, (password) => teamOverview(url, { password, applicationName: 'telemetry-lens vscode' }));
  }

  /**
   * The team's metrics (one machine's, or all with `machine` null) as a database the metrics read:
   * rollups computed in PostgreSQL, plus the rows `need`'s range reads directly (TeamRollupImage).
   * The same object is returned while nothing was synced since; the caller must not close it.
   */
  async snapshot(machine: string | null, interactive = false, need?: { range: TimeRange; options: MetricsOptions; rowTables?: readonly string[] }): Promise<SqlDatabase> {
    const image = await this.image(machine, interactive);
    // the image's own connections redact the URL and the password from any error
    if (need) await image.prepareFor(need.range, need.options, need.rowTables);
    return image.db;
  }

  /** A drill-down over the team's rows: the page from the newest matching rows, the total counted in PostgreSQL. */
  async drillDown(machine: string | null, request: DrillDownRequest): Promise<DrillDownResult> {
    const image = await this.image(machine, false);
    return image.drillDown(request);
  }

  private async image(machine: string | null, interactive: boolean): Promise<TeamRollupImage> {
    const url = this.requireUrl();
    const key = machine === null ? '\u0000all' : machine;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const work = this.load(url, key, machine, interactive).finally(() => this.loading.delete(key));
    this.loading.set(key, work);
    return work;
  }

  private async load(url: string, key: string, machine: string | null, interactive: boolean): Promise<TeamRollupImage> {
    const { teamVersion } = await import('../../core/team/read');
    const { TeamRollupImage } = await import('../../core/team/rollupImage');
    return this.withPassword(url, interactive, async (password) => {
      const opts = { password, applicationName: 'telemetry-lens vscode' };
      const version = await teamVersion(url, opts);
      const cached = this.copies.get(key);
      if (cached && cached.url === url && cached.version === version) return cached.image;
      const image = await TeamRollupImage.open(url, { ...opts, machine: machine ?? undefined });
      this.copies.get(key)?.image.close();
      this.copies.set(key, { url, version, image });
      return image;
    });
  }

  private async withPassword<T>(url: string, interactive: boolean, work: (password: string | undefined) => Promise<T>): Promise<T> {
    let used: string | undefined;
    try {
      const result = await teamPasswords(this.services).withPassword(url, interactive, (password) => ((used = password), work(password)));
      if (result === undefined) throw new Error('no password given for the team database');
      return result;
    } catch (e) {
      throw new Error(redactText(e instanceof Error ? e.message : String(e), url, [used]));
    }
  }

  private requireUrl(): string {
    const url = this.url;
    if (!url) throw new Error('no team database is configured (setting telemetryLens.team.database)');
    return url;
  }

  private closeAll(): void {
    for (const c of this.copies.values()) c.image.close();
    this.copies.clear();
  }
}
