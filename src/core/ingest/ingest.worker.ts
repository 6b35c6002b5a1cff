/**
 * Worker thread of ingestWorker.ts: runs one migrate, verify, audit, preview, schema-steps, rejects,
 * health, migrations up/down, backup or restore job with the engine choice it was given, posts progress as messages, turns an `abort` message into its AbortController, and
 * ends with the result or the error as plain data.
 */
import { parentPort, workerData } from 'worker_threads';
import { setDefaultEngine } from '../db/engine';
import { auditSources, previewSources } from './audit';
import { checkDatabaseHealth } from '../db/health';
import { createBackup, restoreBackup } from '../db/backup';
import { migrateFileDown, migrateFileUp, previewRollback, readStatus } from '../schema/fileOperations';
import { cutOverSource, listCutoverCandidates, rollBackCutover } from './cutover';
import { migrateSources } from './migrate';
import { listRejectsOfFile } from './rejects';
import { pendingSchemaSteps } from './schemaStep';
import type { IngestProgress } from './types';
import { verifySources } from './verify';
import { serialiseError, type IngestWorkerJob, type IngestWorkerReply, type IngestWorkerRequest, type IngestWorkerResult } from './ingestWorker';

async function main(): Promise<void> {
  const job = workerData as IngestWorkerJob;
  const port = parentPort!;
  const post = (msg: IngestWorkerReply) => port.postMessage(msg);
  const controller = new AbortController();
  port.on('message', (msg: IngestWorkerRequest) => {
    if (msg.type === 'abort') controller.abort();
  });
  try {
    setDefaultEngine(job.engine);
    const onProgress = 'progress' in job && job.progress ? (progress: IngestProgress) => post({ type: 'progress', progress }) : undefined;
    let result: IngestWorkerResult;
    switch (job.kind) {
      case 'migrate':
        result = await migrateSources(job.dbPath, job.paths, { ...job.options, signal: controller.signal, onProgress });
        break;
      case 'verify':
        result = await verifySources(job.dbPath, job.paths, { ...job.options, signal: controller.signal });
        break;
      case 'audit':
        result = await auditSources(job.paths, { ...job.options, signal: controller.signal, onProgress });
        break;
      case 'preview':
        result = await previewSources(job.paths, { ...job.options, signal: controller.signal, onProgress });
        break;
      case 'pendingSchemaSteps':
        result = await pendingSchemaSteps(job.dbPath, job.userMigrationsDir);
        break;
      case 'rejects':
        result = await listRejectsOfFile(job.dbPath, { limit: job.limit });
        break;
      case 'health':
        result = await checkDatabaseHealth(job.dbPath, { engine: job.engine });
        break;
      case 'migrationsUp':
        result = await migrateFileUp(job.dbPath, { userDir: job.userDir, tz: job.tz, write: { tool: job.tool } });
        break;
      case 'migrationsDown':
        result = await migrateFileDown(job.dbPath, { userDir: job.userDir, force: true, write: { tool: job.tool } });
        break;
      case 'backup':
        result = await createBackup(job.dbPath);
        break;
      case 'restore':
        result = await restoreBackup(job.dbPath, job.backupPath, { tool: job.tool });
        break;
      case 'migrationStatus':
        result = await readStatus(job.dbPath, { userDir: job.userDir });
        break;
      case 'previewRollback':
        result = await previewRollback(job.dbPath, { userDir: job.userDir });
        break;
      case 'cutover':
        result = await cutOverSource(job.dbPath, job.source, { tz: job.tz });
        break;
      case 'rollBackCutover':
        result = await rollBackCutover(job.dbPath, job.source);
        break;
      case 'cutoverCandidates':
        result = await listCutoverCandidates(job.dbPath);
        break;
    }
    post({ type: 'done', result });
  } catch (e) {
    post({ type: 'error', error: serialiseError(e) });
  } finally {
    // the abort listener would keep the thread alive (the parent also ends it once it has the reply)
    port.removeAllListeners('message');
    port.unref();
  }
}


void main();
