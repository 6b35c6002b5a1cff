import type { SpecTabDefinition } from '../specTab';
import { permissionsTab } from './permissions';

/**
 * The spec tabs, in tab-bar order after the hand-written ones: one line per tab
 * (docs/recipes.md "Add a dashboard tab"). The tab bar, the static report, the data requests and
 * the benchmark all read this list.
 */
export const SPEC_TABS: readonly SpecTabDefinition[] = [permissionsTab];
