import type { RangePreset, RangeSelection } from '../src/protocol';
import { h } from './dom';
import { dayKeyOf, displayZone, startOfDay } from './zone';

const PRESET_LABELS: Record<RangePreset, string> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  all: 'All time',
  custom: 'Custom…',
};

/** "in the last 7 days" — the range in words, for empty states and summaries. */
export function rangeText(r: RangeSelection): string {
  switch (r.preset) {
    case '24h':
      return 'in the last 24 hours';
    case '7d':
      return 'in the last 7 days';
    case '30d':
      return 'in the last 30 days';
    case 'all':
      return 'in this database';
    case 'custom':
      return `from ${r.from ? toDateInput(r.from) : 'the start'} to ${r.to ? toDateInput(r.to - 1) : 'now'}`;
  }
}

/** yyyy-mm-dd of the day in the configured zone, as <input type=date> wants it. */
function toDateInput(epochSeconds: number): string {
  return dayKeyOf(epochSeconds);
}

/** Midnight, in the configured zone, of a yyyy-mm-dd day (+ `plusDays`, so DST days keep their real length). */
function fromDateInput(value: string, plusDays = 0): number | undefined {
  return startOfDay(value, plusDays);
}

/**
 * Time range picker: a select of presets, plus from/to day inputs for "Custom…" (days of the
 * zone the host counts in, `telemetryLens.timezone`; `to` includes the whole day).
 */
export class RangeBar {
  readonly element: HTMLElement;
  private readonly select: HTMLElement & { value: string };
  private readonly custom: HTMLElement;
  private readonly from: HTMLInputElement;
  private readonly to: HTMLInputElement;

  constructor(
    private range: RangeSelection,
    allowCustom: boolean,
    private readonly onChange: (range: RangeSelection) => void,
  ) {
    const presets = (Object.keys(PRESET_LABELS) as RangePreset[]).filter((p) => allowCustom || p !== 'custom');
    this.select = h(
      'vscode-single-select',
      { id: 'range-select', 'aria-label': 'Time range' },
      ...presets.map((p) => h('vscode-option', { value: p, selected: p === range.preset }, PRESET_LABELS[p])),
    ) as HTMLElement & { value: string };
    this.from = h('input', { type: 'date', id: 'range-from', 'aria-label': 'From day' });
    this.to = h('input', { type: 'date', id: 'range-to', 'aria-label': 'To day (inclusive)' });
    const apply = h('vscode-button', { id: 'range-apply' }, 'Apply');
    const zone = displayZone() ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.custom = h(
      'span',
      { class: 'custom-range', hidden: range.preset !== 'custom' },
      h('label', {}, 'From ', this.from),
      h('label', {}, 'to ', this.to),
      // the days are the zone's days (telemetryLens.timezone), which may not be this machine's
      h('span', { class: 'range-label', id: 'range-zone' }, zone),
      apply,
    );
    if (range.preset === 'custom') this.fillCustom(range);
    this.element = h(
      'div',
      { class: 'range-bar' },
      h('span', { class: 'range-label', id: 'range-label', title: `Days and hours in ${zone} (setting telemetryLens.timezone)` }, 'Time range'),
      this.select,
      this.custom,
    );

    this.select.addEventListener('change', () => {
      const preset = this.select.value as RangePreset;
      if (preset === 'custom') {
        this.custom.hidden = false;
        if (!this.from.value) this.fillCustom({ preset, from: Math.floor(Date.now() / 1000) - 7 * 86400, to: Math.floor(Date.now() / 1000) });
        this.from.focus();
        return;
      }
      this.custom.hidden = true;
      this.set({ preset });
    });
    apply.addEventListener('click', () => this.applyCustom());
    for (const input of [this.from, this.to]) input.addEventListener('keydown', (e) => e.key === 'Enter' && this.applyCustom());
  }

  /** Shows a range chosen elsewhere (no change event). */
  show(range: RangeSelection): void {
    this.range = range;
    this.select.value = range.preset;
    this.custom.hidden = range.preset !== 'custom';
    if (range.preset === 'custom') this.fillCustom(range);
  }

  get value(): RangeSelection {
    return this.range;
  }

  private fillCustom(r: RangeSelection): void {
    if (r.from) this.from.value = toDateInput(r.from);
    if (r.to) this.to.value = toDateInput(r.to - 1);
  }

  private applyCustom(): void {
    const from = fromDateInput(this.from.value);
    // `to` is exclusive in the protocol: the start of the day after the chosen last day.
    const to = fromDateInput(this.to.value, 1);
    if (from !== undefined && to !== undefined && from >= to) {
      this.to.setCustomValidity('The last day must not be before the first day.');
      this.to.reportValidity();
      return;
    }
    this.to.setCustomValidity('');
    this.set({ preset: 'custom', from, to });
  }

  private set(range: RangeSelection): void {
    this.range = range;
    this.onChange(range);
  }
}
