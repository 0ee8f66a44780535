import * as nodeModule from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = nodeModule.createRequire(import.meta.url);

/** Waits until the ES-module loader knows every module the instrumentations hooked. */
export type HooksAcknowledged = () => Promise<void>;

interface SyncRegisterModule {
  register(options: { include: (string | RegExp)[] }): void;
}
interface SupportsSyncHooksModule {
  supportsSyncHooks(): boolean;
}
interface IitmMain {
  createAddHookMessageChannel(): {
    registerOptions: { data?: Record<string, unknown>; transferList?: unknown[] };
    waitForAllMessagesAcknowledged(): Promise<void>;
  };
}

/**
 * The directory of the import-in-the-middle copy that @opentelemetry/instrumentation uses.
 * The loader hook and the `Hook()` calls of the instrumentations share state through module
 * instances: with a second copy the hook is registered but never fires, silently.
 */
function iitmDirectory(): string {
  const otelInstrumentation = require.resolve('@opentelemetry/instrumentation');
  const fromOtel = nodeModule.createRequire(otelInstrumentation);
  return dirname(fromOtel.resolve('import-in-the-middle/package.json'));
}

/**
 * Registers the ES-module loader hook, intercepting only `include` (the packages our enabled
 * instrumentations patch; nothing else pays for the hook). Prefers the synchronous in-thread
 * `module.registerHooks` where the running Node supports it for import-in-the-middle
 * (22.22.3+, 24.11.1+); otherwise `module.register` with the message-channel handshake,
 * whose acknowledgement the caller awaits after enabling the instrumentations.
 */
export async function registerEsmHooks(include: (string | RegExp)[]): Promise<HooksAcknowledged> {
  const dir = iitmDirectory();
  const fileUrl = (name: string): string => pathToFileURL(join(dir, name)).href;
  const { supportsSyncHooks } = (await import(
    fileUrl('supports-sync-hooks.mjs')
  )) as SupportsSyncHooksModule;
  const forceAsync = process.env.SPRINTLENS_ESM_LOADER === 'async';
  if (!forceAsync && typeof nodeModule.registerHooks === 'function' && supportsSyncHooks()) {
    const { register } = (await import(fileUrl('register-hooks.mjs'))) as SyncRegisterModule;
    register({ include });
    return () => Promise.resolve();
  }
  const iitm = nodeModule.createRequire(join(dir, 'package.json'))('./') as IitmMain;
  const { registerOptions, waitForAllMessagesAcknowledged } = iitm.createAddHookMessageChannel();
  nodeModule.register(fileUrl('hook.mjs'), import.meta.url, {
    ...registerOptions,
    data: { ...registerOptions.data, include },
  } as nodeModule.RegisterOptions<unknown>);
  return waitForAllMessagesAcknowledged;
}
