/**
 * `node --require sprintlens/register app.js`: starts sprintlens before the app's first line.
 * Main thread only: worker threads (and pino's transport workers) inherit NODE_OPTIONS, and
 * their telemetry belongs to the main thread's SDK, not to a second one per worker.
 */
import { isMainThread } from 'node:worker_threads';
import { start } from '../start/start';

if (isMainThread) start();
