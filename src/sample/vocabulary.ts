/** Word lists that make generated telemetry look like a real agent setup's. */
export const MODELS = ['haiku', 'sonnet', 'opus'] as const;
export const TOOLS = ['Bash', 'Read', 'Edit', 'Write', 'Grep', 'Glob', 'Task', 'WebFetch'] as const;
export const COMMANDS = ['npm test', 'git status', 'pytest -q', 'ls -la', 'cargo build', 'make lint', 'git diff --stat', 'npm run build'];
export const FILES = ['src/auth/session.ts', 'src/api/router.py', 'README.md', 'tests/test_models.py', 'package.json', 'src/db/pool.rs', 'docs/setup.md'];
export const REPOS = ['agent-kernel', 'dotfiles', 'webapp', 'data-pipeline'];
export const BRANCHES = ['main', 'main', 'main', 'feature/router-v2', 'fix/flaky-tests'];
export const AUTHORS = ['Ada Lovelace', 'Grace Hopper', 'Linus T.', 'Zoë Ångström'];
export const QUERIES = [
  'fix the failing login test in the auth module',
  'why is the build slow on CI since yesterday',
  'refactor the database pool to use async connections',
  'write a migration that adds an index on created_at',
  'explain this stack trace from the payment worker',
  'summarise the changes in the last three commits',
  'add retry with backoff to the webhook sender',
  'rename the config option and keep the old name working',
  'find where we leak file handles in the uploader',
  'generate unit tests for the rate limiter',
];
export const ERROR_PATTERNS = ['git_lock_file', 'npm_cache_corrupt', 'port_in_use', 'stale_pid_file', 'disk_full_tmp', 'python_venv_missing'];
export const FIXES = ['rm .git/index.lock', 'npm cache clean --force', 'kill stale process', 'rm stale pid file', 'clean /tmp', 'recreate venv'];
export const RECOVERY_CATEGORIES = ['git', 'network', 'permissions', 'dependency', 'timeout'];
export const RECOVERY_ACTIONS = ['stash_and_retry', 'retry_with_backoff', 'chmod_and_retry', 'reinstall_deps', 'increase_timeout'];
export const DOMAINS = ['database', 'frontend', 'devops', 'security', 'testing', 'ml'];
export const STRATEGIES = ['parallel', 'sequential', 'pipeline', 'swarm'];
export const COORD_STATUSES = ['success', 'success', 'success', 'partial', 'failed'];
export const OUTCOMES = ['success', 'success', 'partial', 'failure', 'abandoned'];
export const SKILLS = ['crackerjack-run', 'code-review', 'write-tests', 'debug-session', 'release-notes', 'refactor-module'];
export const WORKFLOWS = ['daily', 'pre-commit', 'release', 'hotfix'];
export const WORKFLOW_PHASES = ['plan', 'execute', 'verify'];
export const FOLLOW_UPS = ['git commit', 'git push', 'open PR', 'run tests', 'update docs'];
export const SKILL_ERRORS = ['timeout', 'tool_error', 'user_cancelled'];
export const PERMISSION_DECISIONS = ['allow', 'allow', 'allow', 'deny', 'ask'];
