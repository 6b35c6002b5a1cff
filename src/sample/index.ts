/** Sample telemetry: see generateTelemetry.ts (corpus), appendTelemetry.ts (live appends), bigRoutingMetrics.ts (benchmarks). */
export * from './generateTelemetry';
export * from './appendTelemetry';
export * from './bigRoutingMetrics';
export { Prng } from './prng';
