/**
 * One realistic record per known source kind, in the shapes of telemetry-formats.md.
 * `build(rng, epochMs, index)` returns the object a writer would serialise for an event at
 * that instant; the time form and the shape alternate with the index so every file holds the
 * mixes the formats doc describes (two shapes per file, ms next to s, camelCase, string booleans).
 */
import { Prng } from './prng';
import { formatTime } from './timeForms';
import * as v from './vocabulary';

export type SampleRecord = Record<string, unknown>;
export type RecordBuilder = (rng: Prng, epochMs: number, index: number) => SampleRecord;

const boolForms = (rng: Prng, value: boolean): boolean | string | number =>
  rng.pick([value, value, String(value), value ? 1 : 0]);

export const routingMetrics: RecordBuilder = (rng, t, i) => {
  const complexity = rng.float(0.05, 0.95);
  if (i % 2 === 0) {
    // the router's own line
    return { ts: formatTime(t, i % 6 === 0 ? 'float-seconds' : 'seconds'), query_hash: rng.hex(12), complexity, model: rng.pick(v.MODELS), dq: rng.float(0.4, 0.99), latency_ms: rng.int(3, 40) };
  }
  // the evaluated line: predicted vs actual; ~80 % correct
  const predicted = rng.pick(v.MODELS);
  const actual = rng.chance(0.8) ? predicted : rng.pick(v.MODELS);
  const rec: SampleRecord = {
    ts: formatTime(t, i % 5 === 0 ? 'milliseconds' : 'seconds'),
    query: rng.pick(v.QUERIES),
    predicted_model: predicted,
    actual_model: actual,
    dq_score: rng.float(0.3, 0.99),
    complexity,
    latency_ms: rng.int(8, 120),
  };
  if (i % 3 !== 0) rec.correct = boolForms(rng, predicted === actual); // else derived from the models
  if (rng.chance(0.5)) rec[rng.chance(0.5) ? 'cost_saved' : 'savings'] = rng.float(0, 0.05, 4);
  return rec;
};

export const selfHeal: RecordBuilder = (rng, t, i) => {
  if (i % 10 === 9) {
    // periodic summary line of the health check
    const fixed = rng.int(0, 2);
    return { ts: formatTime(t, 'seconds'), ok: rng.int(8, 14), warn: rng.int(0, 3), error: fixed + rng.int(0, 1), fixed };
  }
  const p = rng.int(0, v.ERROR_PATTERNS.length - 1);
  const success = rng.chance(0.78);
  const rec: SampleRecord = { ts: formatTime(t, 'seconds'), error_pattern: v.ERROR_PATTERNS[p], fix_applied: v.FIXES[p], success: rng.pick([success, success, success ? 1 : 0]), execution_time_ms: rng.int(20, 4000) };
  if (!success) rec.error = `fix did not clear ${v.ERROR_PATTERNS[p]}`;
  return rec;
};

export const recovery: RecordBuilder = (rng, t, i) => {
  const c = rng.int(0, v.RECOVERY_CATEGORIES.length - 1);
  const rec: SampleRecord = { ts: formatTime(t, i % 2 ? 'iso-z' : 'seconds'), category: v.RECOVERY_CATEGORIES[c], action: v.RECOVERY_ACTIONS[c], auto: boolForms(rng, rng.chance(0.7)), error_hash: rng.hex(8), details: `attempted ${v.RECOVERY_ACTIONS[c]} after ${v.RECOVERY_CATEGORIES[c]} error` };
  if (i % 7 !== 3) rec.success = boolForms(rng, rng.chance(0.72)); // absent → 0
  if (rng.chance(0.6)) rec.duration_ms = rng.int(100, 90_000);
  if (rng.chance(0.3)) rec.attempts = rng.int(1, 4);
  return rec;
};

export const gitActivity: RecordBuilder = (rng, t, i) => {
  const rec: SampleRecord = {
    type: rng.pick(['commit', 'commit', 'commit', 'push', 'checkout']),
    repo: rng.pick(v.REPOS),
    branch: rng.pick(v.BRANCHES),
    hash: rng.hex(8),
    message: rng.pick(['fix: flaky retry in uploader', 'feat: router v2 with expertise weighting', 'chore: bump deps', 'docs: explain the self-heal loop', 'refactor: split the ingest stages']),
    author: rng.pick(v.AUTHORS),
    files: rng.int(1, 12),
    insertions: rng.int(0, 400),
    deletions: rng.int(0, 120),
    date: formatTime(t, 'git-ci'),
  };
  // older hook versions wrote only the git date
  if (i % 4 !== 0) return { ts: formatTime(t, 'seconds'), ...rec };
  return rec;
};

export const coordination: RecordBuilder = (rng, t) => ({
  timestamp: formatTime(t, 'iso-naive-micro'),
  task_id: `coord-${rng.hex(8)}`,
  task: rng.pick(v.QUERIES),
  strategy: rng.pick(v.STRATEGIES),
  status: rng.pick(v.COORD_STATUSES),
  duration_seconds: rng.float(0.5, 240, 1),
  total_cost: rng.float(0.001, 0.2, 3),
  agent_count: rng.int(1, 6),
});

export const expertiseRouting: RecordBuilder = (rng, t, i) => {
  const base = rng.pick(v.MODELS);
  const adjustment = rng.pick(['none', 'upgrade', 'downgrade']);
  const final = adjustment === 'upgrade' ? (base === 'haiku' ? 'sonnet' : 'opus') : adjustment === 'downgrade' ? (base === 'opus' ? 'sonnet' : 'haiku') : base;
  const domain = rng.pick(v.DOMAINS);
  return {
    query_preview: rng.pick(v.QUERIES).slice(0, 40),
    detected_domain: domain,
    domain_match_strength: rng.float(0.2, 1),
    expertise_confidence: rng.float(0.1, 0.95),
    base_complexity: rng.float(0.1, 0.9),
    base_model: base,
    final_model: final,
    adjustment,
    reasoning: [`domain ${domain} detected`, `adjustment ${adjustment}`],
    timestamp: formatTime(t, i % 3 === 0 ? 'iso-offset' : 'iso-naive-micro').toString().replace(/\.\d+$/, ''),
  };
};

export const toolUsage: RecordBuilder = (rng, t, i) => {
  const tool = rng.pick(v.TOOLS);
  const success = rng.chance(0.9);
  const rec: SampleRecord = {
    ts: formatTime(t, i % 8 === 5 ? 'numeric-string' : 'seconds'),
    tool,
    session: rng.hex(8),
    model: rng.pick(v.MODELS),
    source: 'hook',
    file_path: tool === 'Bash' ? '' : rng.pick(v.FILES),
    command: tool === 'Bash' ? rng.pick(v.COMMANDS) : '',
    success: boolForms(rng, success),
  };
  if (tool === 'Bash') rec.exit_code = success ? 0 : rng.pick([1, 2, 127]);
  return rec;
};

/** tool-success.jsonl: a second hook writing the same table with other key names. */
export const toolSuccess: RecordBuilder = (rng, t) => ({ timestamp: formatTime(t, 'iso-z'), tool_name: rng.pick(v.TOOLS), sessionId: rng.hex(8), success: rng.chance(0.88) ? 'true' : 'false' });

export const activity: RecordBuilder = (rng, t, i) => {
  if (i % 2 === 0) {
    return { ts: formatTime(t, 'seconds'), type: 'tool_use', tool: rng.pick(v.TOOLS), file_path: '', command: '', success: rng.chance(0.9), pwd: `/home/dev/${rng.pick(v.REPOS)}` };
  }
  // the kernel's writer: milliseconds and camelCase in the same file
  return { type: 'query', timestamp: formatTime(t, 'milliseconds'), datetime: new Date(t).toISOString(), sessionId: rng.hex(8), query: rng.pick(v.QUERIES), model: rng.pick(v.MODELS), dqScore: rng.float(0.4, 0.99), complexity: rng.float(0.1, 0.9), source: 'kernel' };
};

export const sessionOutcomes: RecordBuilder = (rng, t, i) => {
  if (i % 3 === 2) {
    // the whole-file rewriter's shape: date only, title as summary, models as an object
    return { date: formatTime(t, 'date-only'), session_id: `agent-${rng.hex(4)}`, messages: rng.int(4, 120), tools: rng.int(0, 60), title: rng.pick(v.QUERIES), intent: rng.pick(['bugfix', 'feature', 'research', 'refactor']), outcome: rng.pick(v.OUTCOMES), model_efficiency: rng.float(0.3, 1), models_used: { sonnet: rng.int(1, 40), haiku: rng.int(0, 20) }, quality: rng.int(1, 5) };
  }
  return { ts: formatTime(t, 'seconds'), event: 'session_analysis_complete', session_id: rng.hex(8), outcome: rng.pick(v.OUTCOMES), quality: rng.int(1, 5), complexity: rng.float(0.1, 0.9), model_efficiency: rng.float(0.3, 1), dq_score: rng.float(0.3, 0.99), optimal_model: rng.pick(v.MODELS), intent: rng.pick(['bugfix', 'feature', 'research', 'refactor']) };
};

/** One element of skill_metrics.json's `invocations` (older writers: zone-less time, fewer keys). */
export const skillInvocation: RecordBuilder = (rng, t, i) => {
  const completed = rng.chance(0.75);
  const newer = i % 2 === 1;
  const rec: SampleRecord = {
    skill_name: rng.pick(v.SKILLS),
    invoked_at: formatTime(t, newer ? 'iso-z' : 'iso-naive-micro').toString().replace(/(\.\d{3})\d+$/, ''),
    workflow_path: rng.pick(v.WORKFLOWS),
    completed,
    duration_seconds: completed ? rng.float(5, 600, 1) : null,
    follow_up_actions: completed ? [rng.pick(v.FOLLOW_UPS)] : [],
    error_type: completed ? null : rng.pick(v.SKILL_ERRORS),
  };
  if (newer) Object.assign(rec, { session_id: rng.hex(8), user_query: rng.pick(v.QUERIES), workflow_phase: rng.pick(v.WORKFLOW_PHASES) });
  return rec;
};

/** skill-invocations.jsonl: same records one a line, with the `skill`/`ts` aliases. */
export const skillInvocationLine: RecordBuilder = (rng, t, i) => {
  const rec = skillInvocation(rng, t, i);
  const { skill_name, invoked_at, ...rest } = rec;
  return { skill: skill_name, ts: formatTime(t, 'seconds'), ...rest };
};

/** An unknown source (inferred table): nested object, a key that appears later, mixed types. */
export const permissionEvent: RecordBuilder = (rng, t, i) => {
  const rec: SampleRecord = { ts: formatTime(t, 'iso-z'), tool: rng.pick(v.TOOLS), decision: rng.pick(v.PERMISSION_DECISIONS), rule: { pattern: `${rng.pick(v.TOOLS)}(*)`, scope: rng.pick(['user', 'project']) }, reason: i % 5 === 0 ? rng.int(1, 9) : rng.pick(['matched allow rule', 'user approved', 'denied by policy']) };
  if (i % 2 === 1) rec.latency_ms = rng.int(0, 3000); // a key first seen on the second line
  return rec;
};
