/**
 * `node --import sprintlens/register app.mjs`: registers the ES-module hook, then starts
 * sprintlens, then waits until the hook knows every instrumented module, all before the app's
 * first import is evaluated. Main thread only, like the CommonJS entry.
 */
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { registerEsmHooks } from './esm-hooks.mjs';
import type { HooksAcknowledged } from './esm-hooks.mjs';

const require = createRequire(import.meta.url);

if (isMainThread) {
  const { resolveConfig } =
    require('../config/resolve.js') as typeof import('../config/resolve.js');
  const { hookedModules, selectInstrumentations } =
    require('../config/instrumentation-catalogue.js') as typeof import('../config/instrumentation-catalogue.js');
  const { start } = require('../start/start.js') as typeof import('../start/start.js');
  const { reportWarning } = require('../base/diag.js') as typeof import('../base/diag.js');
  const { EsmHookFailedError } = require('../base/errors.js') as typeof import('../base/errors.js');

  // Warnings of this first look are reported by start(), which resolves the same inputs.
  const { config } = resolveConfig();
  if (!config.disabled) {
    let acknowledged: HooksAcknowledged = () => Promise.resolve();
    try {
      acknowledged = await registerEsmHooks(hookedModules(selectInstrumentations(config)));
    } catch (error) {
      start();
      reportWarning(new EsmHookFailedError(error));
    }
    start();
    await acknowledged();
  }
}
