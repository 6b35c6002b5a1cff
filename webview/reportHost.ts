import type { DrillDownRequest, HostToWebview, ReportData, WebviewToHost } from '../src/protocol';
import type { VsCodeApi } from './vscodeApi';

/**
 * The static report's stand-in for the extension host. A report page has no VS Code around it:
 * it inlines its data as JSON (`#tl-report-data`, built by src/core/dashboard/reportData.ts) and
 * this host answers the same protocol messages from it — tabs from the precomputed presets,
 * drill-downs by filtering the sampled rows — so the dashboard code is the same in both places.
 */
export function reportHost(dataElement: HTMLElement): VsCodeApi {
  const data = JSON.parse(dataElement.textContent ?? '{}') as ReportData;
  let viewState: unknown;
  const send = (message: HostToWebview) => {
    // asynchronously, as a real host's reply arrives
    setTimeout(() => window.dispatchEvent(new MessageEvent('message', { data: message })), 0);
  };
  const handle = (message: WebviewToHost) => {
    switch (message.type) {
      case 'ready':
        send({ type: 'init', protocolVersion: data.protocolVersion, state: data.init });
        return;
      case 'requestData': {
        const byTab = message.range.preset === 'custom' ? undefined : data.payloads[message.range.preset];
        const payload = byTab?.[message.tab];
        if (!payload) send({ type: 'error', requestId: message.requestId, message: 'This report holds the ranges 24 hours, 7 days, 30 days and all time.' });
        else send({ type: 'data', requestId: message.requestId, range: message.range, payload, span: data.span });
        return;
      }
      case 'drillDown':
      {
        const result = sampledRows(data, message.request);
        // e.g. Claude Code's rows (Usage tab) are not sampled into the report
        if (!result) send({ type: 'error', requestId: message.requestId, message: 'This report holds no sample of these rows; open the dashboard in VS Code to list them.' });
        else send({ type: 'rows', requestId: message.requestId, label: message.label, sampled: true, result });
        return;
      }
      default:
        return; // openSource and the rest: a report has no editor or database to act on
    }
  };
  return { postMessage: handle, getState: () => viewState, setState: (s) => (viewState = s) };
}

/**
 * A drill-down answered from the rows the report carries (its newest rows per table); the
 * target is resolved with the map the host inlined. Undefined when the report holds no sample
 * for the target's kind of rows.
 */
export function sampledRows(data: ReportData, req: DrillDownRequest) {
  const target = req.target;
  let table: string | undefined;
  const filters: Record<string, string | number | null> = {};
  if (target.kind === 'keyed') {
    const keyed = data.keyedRows && Object.hasOwn(data.keyedRows, target.key) ? data.keyedRows[target.key] : undefined;
    if (keyed) {
      table = keyed.table;
      Object.assign(filters, keyed.filters);
    } else table = Object.keys(data.samples).find((t) => data.samples[t].drillKey === target.key);
  } else {
    const spec = data.drillTables[target.kind];
    if (!spec) return undefined;
    table = spec.table;
    for (const [field, value] of Object.entries(target)) {
      if (field === 'kind' || value === undefined || !(field in spec.fields)) continue;
      filters[spec.fields[field]] = typeof value === 'boolean' ? (value ? 1 : 0) : (value as string | number | null);
    }
  }
  if (table === undefined) return undefined;
  const sample = data.samples[table];
  if (!sample) return { table, columns: [], rows: [], total: 0, limit: 0, offset: 0 };
  const range = req.range ?? {};
  const rows = sample.rows.filter((row) => {
    const t = row.values[sample.timeColumn];
    if (typeof t === 'number') {
      if (typeof range.from === 'number' && t < range.from) return false;
      if (typeof range.to === 'number' && t >= range.to) return false;
      if (req.day && dayKey(t, req.timeZone) !== req.day) return false;
    }
    for (const [column, value] of Object.entries(filters)) {
      if ((row.values[column] ?? null) !== value) return false;
    }
    return true;
  });
  return { table, columns: sample.columns, rows, total: rows.length, limit: rows.length, offset: 0 };
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** 'YYYY-MM-DD' of an epoch second in a zone (the machine's when none or unknown). */
function dayKey(seconds: number, zone: string | undefined): string {
  const key = zone ?? '';
  let format = dayFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' };
    try {
      format = new Intl.DateTimeFormat('en-CA', { ...options, timeZone: zone || undefined });
    } catch {
      format = new Intl.DateTimeFormat('en-CA', options);
    }
    dayFormats.set(key, format);
  }
  return format.format(new Date(seconds * 1000));
}
