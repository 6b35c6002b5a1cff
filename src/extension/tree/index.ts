export { MetricsTreeProvider, registerMetricsTree, NO_DATABASE_CONTEXT } from './metricsTreeProvider';
export type { MetricsNode } from './metricsTreeModel';
