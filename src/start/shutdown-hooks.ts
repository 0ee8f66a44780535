/** Signals after which we flush before the process goes away. */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** How a bounded shutdown ended. */
export type ShutdownOutcome = 'done' | 'timed-out';

/** Options of {@link installShutdownHooks}. */
export interface ShutdownHooksOptions {
  /** Flushes and shuts down; resolves within its own bound, never rejects. */
  readonly shutdown: () => Promise<ShutdownOutcome>;
}

/**
 * Flushes telemetry when the process is about to end, without changing how it ends:
 *
 * - `SIGTERM`/`SIGINT`: listening to a signal replaces Node's default (exit). So when ours is
 *   the only listener we flush, then re-raise the signal with our listener removed, and the
 *   process dies by the signal exactly as it would have without us. When the app listens too,
 *   the app decides what happens; we only flush.
 * - `beforeExit`: the event loop is empty, the app is done; we flush. When the flush ends the
 *   loop empties again and the process exits with its own exit code. If a dead endpoint keeps
 *   a socket open past the bound, we end the process ourselves with that same exit code.
 *
 * Returns a function that removes the hooks (used by a manual `shutdown()`).
 */
export function installShutdownHooks(options: ShutdownHooksOptions): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    const appListens = process.listenerCount(signal) > 1;
    uninstall();
    void options.shutdown().then(() => {
      if (!appListens) process.kill(process.pid, signal);
    });
  };
  const onBeforeExit = (): void => {
    uninstall();
    void options.shutdown().then((outcome) => {
      // Work still pending past the bound (a stuck socket): exit as Node would have.
      if (outcome === 'timed-out') process.exit();
    });
  };
  function uninstall(): void {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
  }
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('beforeExit', onBeforeExit);
  return uninstall;
}
