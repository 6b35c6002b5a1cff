/**
 * Which storage engine runs (docs/architecture.md "Storage model"): `auto` takes native (node:sqlite)
 * wherever it loads with what the engine needs, else wasm (sql.js); `native` and `wasm` force
 * one. The default comes from the CLI's --engine / the telemetryLens.engine setting
 * (setDefaultEngine), else the TL_ENGINE environment variable (how CI runs the suite on both).
 */
import { UsageError } from './errors';
import { loadNodeSqlite } from './nativeSqlite';

export type EngineChoice = 'auto' | 'native' | 'wasm';
export type EngineName = 'native' | 'wasm';
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'native', 'wasm'];

/** The engine that runs and why, e.g. { name: 'wasm', reason: 'this runtime (Node 20.19.0) has no node:sqlite' }. */
export interface EngineInfo {
  name: EngineName;
  reason: string;
}

let configured: EngineChoice | undefined;

export function isEngineChoice(v: unknown): v is EngineChoice {
  return typeof v === 'string' && (ENGINE_CHOICES as readonly string[]).includes(v);
}

/** Sets the process-wide default (CLI --engine, the extension's setting); undefined = env/auto. */
export function setDefaultEngine(choice: EngineChoice | undefined): void {
  configured = choice;
}

/** The choice in effect when a call names none: setDefaultEngine(), else TL_ENGINE, else auto. */
export function defaultEngineChoice(): EngineChoice {
  if (configured) return configured;
  const env = process.env.TL_ENGINE?.trim().toLowerCase();
  return isEngineChoice(env) ? env : 'auto';
}

/** Resolves a choice to the engine that will run. `native` where it cannot load is a usage error (exit 2). */
export function resolveEngine(choice: EngineChoice = defaultEngineChoice()): EngineInfo {
  if (choice === 'wasm') return { name: 'wasm', reason: 'chosen (engine = wasm)' };
  const native = loadNodeSqlite();
  if (choice === 'native') {
    if (!native.module) throw new UsageError(`the native engine cannot run: ${native.reason}`);
    return { name: 'native', reason: `chosen (engine = native); ${native.reason}` };
  }
  return native.module ? { name: 'native', reason: native.reason } : { name: 'wasm', reason: native.reason };
}

/** One line for people: "native: node:sqlite loaded (Node 22.23.5)". */
export function describeEngine(info: EngineInfo): string {
  return `${info.name}: ${info.reason}`;
}
