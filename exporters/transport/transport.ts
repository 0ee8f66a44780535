/**
 * The export transport of one signal, composed of its parts: the batcher (bounded queue and
 * batches, `batcher.ts`) -> OTLP encoder (`encoder.ts`) -> delivery (compression, retry loop,
 * circuit breaker, adaptive concurrency, `delivery.ts`) over the SDK's HTTP client -> endpoint,
 * with an optional disk spool for what cannot be delivered now (`spool-replay.ts` sends it
 * again). This file does what joins them: enqueue, the pump that starts batches, the 413 split,
 * flush and shutdown. Every record is accounted for in its ledger (`ledger.ts`), which its
 * metrics (`metrics.ts`) and health check (`health.ts`) read.
 */
import * as timers from 'node:timers/promises';
import { debug, reportError, reportWarning } from '../../src/base/diag';
import {
  ExportCompressionRefusedError,
  ExportUndeliveredAtExitError,
  SpoolReadFailedError,
  SpoolWriteFailedError,
} from '../../src/base/errors';
import { HttpClient } from '../../src/base/http-client';
import { redactUrl } from '../../src/base/redact-url';
import { selfMetrics } from '../../src/base/self-metrics';
import type { DiskSpool, WriteResult } from '../spool';
import { Batcher } from './batcher';
import type { Batch } from './batcher';
import { CIRCUIT_STATE_VALUE, CircuitBreaker } from './circuit-breaker';
import { Compressor } from './compressor';
import { AdaptiveConcurrency } from './concurrency';
import { Delivery } from './delivery';
import type { DeliveryState } from './delivery';
import { Drops } from './drops';
import { contentTypeOf } from './encoder';
import { registerTransportHealth } from './health';
import { Ledger } from './ledger';
import type { TransportStats } from './ledger';
import { transportMetrics } from './metrics';
import type { SpoolOpener } from './spool-seam';
import { openDiskSpool } from './spool-seam';
import { SpoolReplay } from './spool-replay';
import type {
  DropReason,
  SignalCodec,
  SignalName,
  TransportTarget,
  TransportTunables,
} from './types';
import { DEFAULT_TRANSPORT_OPTIONS } from './types';

export type { TransportStats } from './ledger';

/** Options of {@link Transport}. */
export interface TransportOptions<T> {
  codec: SignalCodec<T>;
  target: TransportTarget;
  tunables?: Partial<TransportTunables>;
  /** Opens the disk spool when `tunables.spoolDir` is set. Default: `exporters/spool`. */
  openSpool?: SpoolOpener;
  /**
   * Told, once at the end of shutdown, what could not be delivered because the endpoint was
   * unreachable (refused, unresolvable). Default: one `SL_EXPORT_UNDELIVERED_AT_EXIT` warning.
   * `start()` collects the three signals' into one line.
   */
  onUndeliveredAtExit?: (undelivered: UndeliveredAtExit) => void;
}

/** What one signal could not deliver at exit because nothing answered at its endpoint. */
export interface UndeliveredAtExit {
  readonly signal: SignalName;
  /** The endpoint, without credentials or query. */
  readonly url: string;
  /** The network error that showed it unreachable (`ECONNREFUSED`, `ENOTFOUND`, …). */
  readonly code: string;
  /** Records counted as dropped (reason `shutdown`). */
  readonly dropped: number;
  /** Records written to the disk spool for the next process. */
  readonly spooled: number;
  /** The spool directory, when there is one. */
  readonly spoolDir: string | undefined;
}

export class Transport<T> {
  private readonly codec: SignalCodec<T>;
  private readonly options: TransportTunables;
  private readonly target: TransportTarget;
  private readonly ledger = new Ledger();
  private readonly drops: Drops;
  private readonly batcher: Batcher<T>;
  private readonly client: HttpClient;
  private readonly breaker: CircuitBreaker;
  private readonly adaptive: AdaptiveConcurrency;
  private readonly delivery: Delivery;
  private readonly abort = new AbortController();
  private readonly contentType: string;
  private readonly safeUrl: string;

  /** Shutdown begun, a flush waiting, a spool open: what delivery reads. */
  private readonly state: { -readonly [K in keyof DeliveryState]: DeliveryState[K] } = {
    stopping: false,
    flushing: false,
    canPark: false,
  };
  /** Flushes (and the shutdown flush) waiting. */
  private flushes = 0;
  /** Batches from the queue being sent (the spool replay is apart). */
  private batchesActive = 0;
  private idleWaiters: (() => void)[] = [];
  private stopped: Promise<void> | undefined;
  private readonly undelivered = { dropped: 0, spooled: 0 };
  private readonly onUndeliveredAtExit: ((undelivered: UndeliveredAtExit) => void) | undefined;

  private spool: DiskSpool | undefined;
  private replay: SpoolReplay | undefined;
  private readonly spoolReady: Promise<void>;
  private readonly removeMetrics: () => void;
  private readonly unregisterHealth: () => void;

  constructor(options: TransportOptions<T>) {
    this.codec = options.codec;
    this.target = options.target;
    this.onUndeliveredAtExit = options.onUndeliveredAtExit;
    this.options = { ...DEFAULT_TRANSPORT_OPTIONS, ...options.tunables };
    const o = this.options;
    const signal = this.codec.signal;
    this.safeUrl = redactUrl(this.target.url);
    this.contentType = contentTypeOf(this.target.protocol);
    this.drops = new Drops(this.ledger, signal, this.safeUrl);
    this.adaptive = new AdaptiveConcurrency(o);
    this.batcher = new Batcher({
      codec: this.codec,
      ledger: this.ledger,
      adaptive: this.adaptive,
      queueMaxRecords: o.queueMaxRecords,
      queueMaxBytes: o.queueMaxBytes,
      maxBatchBytes: o.maxBatchBytes,
      batchDelayMillis: o.batchDelayMillis,
      onDue: () => this.pump(),
    });
    this.breaker = new CircuitBreaker({
      failureThreshold: o.circuitFailureThreshold,
      openMillis: o.circuitOpenMillis,
      onChange: (state) => {
        this.ledger.circuitChanged();
        debug(`${signal} export circuit ${state}`);
        if (state !== 'open') this.pump();
      },
    });
    this.client = new HttpClient(this.target.url, { maxSockets: o.maxConcurrency + 1 });
    this.delivery = new Delivery({
      name: signal,
      send: (body, headers, abort, timeoutMillis) =>
        this.client.post(body, { headers, signal: abort, timeoutMillis }),
      headers: this.target.headers,
      compressor: new Compressor(this.target.compression),
      breaker: this.breaker,
      adaptive: this.adaptive,
      ledger: this.ledger,
      drops: this.drops,
      tunables: o,
      state: this.state,
      signal: this.abort.signal,
      rejected: (response) => this.codec.rejected(response, this.target.protocol),
      onEncodingRefused: (refused, status, now) =>
        reportWarning(
          new ExportCompressionRefusedError({
            signal,
            url: this.safeUrl,
            status,
            refused,
            now: now ?? 'none',
          }),
        ),
    });
    this.spoolReady =
      o.spoolDir === undefined ? Promise.resolve() : this.openSpool(options.openSpool, o.spoolDir);
    const queue = this.batcher.queue;
    const bounds = { maxBytes: o.queueMaxBytes, maxRecords: o.queueMaxRecords };
    this.removeMetrics = selfMetrics().add(
      transportMetrics({
        signal,
        ledger: this.ledger,
        queue,
        bounds,
        concurrencyLimit: () => this.adaptive.limit,
        circuitState: () => CIRCUIT_STATE_VALUE[this.breaker.state],
      }),
    );
    this.unregisterHealth = registerTransportHealth(signal, () => ({
      stats: this.stats(),
      ledger: this.ledger,
      queueMaxBytes: bounds.maxBytes,
      queueMaxRecords: bounds.maxRecords,
    }));
  }

  /** A snapshot of the accounting; cheap (no prom-client involved). */
  stats(): TransportStats {
    const queue = this.batcher.queue;
    return {
      ...this.ledger.counts,
      droppedByReason: { ...this.ledger.droppedByReason },
      queued: queue.records,
      queuedBytes: queue.bytes,
      concurrencyLimit: this.adaptive.limit,
      batchRecords: this.adaptive.batchRecords,
      circuit: this.breaker.state,
    };
  }

  /**
   * Queues items for export. Returns `false` when some were refused (queue full, or shut
   * down); those are counted as dropped, never silently lost.
   */
  enqueue(items: readonly T[]): boolean {
    let accepted = true;
    for (const item of items) accepted = this.offer(item) && accepted;
    this.batcher.afterOffer();
    return accepted;
  }

  /** {@link enqueue} for one item, without an array (the processors' hot path). */
  enqueueOne(item: T): boolean {
    const accepted = this.offer(item);
    this.batcher.afterOffer();
    return accepted;
  }

  private offer(item: T): boolean {
    const records = this.codec.records(item);
    if (this.state.stopping) {
      this.drops.refused(records, 'shutdown');
      return false;
    }
    if (this.batcher.offer(item, records)) return true;
    this.drops.refused(records, 'queue_full');
    return false;
  }

  /** Sends everything queued now and resolves when nothing is queued or in flight. */
  async flush(): Promise<void> {
    if (this.stopped !== undefined) return this.stopped;
    this.flushing(+1);
    try {
      this.delivery.tryNow();
      this.pump();
      // A flush does not wait out an endpoint where nothing answers: what it holds stays queued
      // (or retrying) and is delivered once the endpoint is back.
      await this.delivery.untilEndpointDown(this.idle());
    } finally {
      this.flushing(-1);
    }
  }

  private flushing(change: 1 | -1): void {
    this.flushes += change;
    this.state.flushing = this.flushes > 0;
  }

  /**
   * Flushes for at most `shutdownFlushMillis`, then aborts what is in flight and spools (or
   * drops and counts) what is left, and closes every socket. Idempotent.
   */
  shutdown(): Promise<void> {
    this.stopped ??= this.stop();
    return this.stopped;
  }

  private async stop(): Promise<void> {
    this.state.stopping = true;
    // A transport shutting down is no longer part of the app's health.
    this.unregisterHealth();
    await this.spoolReady;
    this.flushing(+1);
    // Batches waiting in backoff, or on an open circuit, try once more now.
    this.delivery.tryNow();
    this.pump();
    // Retry waits use unref'd timers so they never hold the app open; during the shutdown flush
    // the process must stay up until the bound (this timer is ref'd), or a batch waiting to retry
    // would vanish uncounted. Cancelled as soon as the flush is done.
    const flushed = new AbortController();
    const bound = timers.setTimeout(this.options.shutdownFlushMillis, undefined, {
      signal: flushed.signal,
    });
    // An endpoint where nothing answers (refused, no such host) is not waited for: what is left
    // goes to the spool or is counted as dropped now, and the process exits at once.
    await Promise.race([
      this.delivery.untilEndpointDown(this.idle()),
      bound.catch(() => undefined),
    ]);
    flushed.abort();
    this.abort.abort();
    await this.idle();
    await this.drainAtShutdown();
    this.reportUndelivered();
    this.batcher.close();
    this.replay?.close();
    this.client.close();
    if (this.spool !== undefined) {
      try {
        await this.spool.close();
      } catch (error) {
        reportError(this.spoolError(SpoolReadFailedError, error));
      }
    }
    // Its gauges go; its counters and histograms stay in the totals. Records offered after
    // this are refused and counted in stats() only: the metrics end with the transport.
    this.removeMetrics();
  }

  /** After the abort: what is still queued goes to the spool, or is dropped and counted. */
  private async drainAtShutdown(): Promise<void> {
    const endpointDown = this.delivery.endpointDown !== undefined;
    while (this.batcher.queue.length > 0) {
      const batch = this.batcher.takeAtShutdown();
      this.ledger.dequeued(batch.records);
      if (this.spool === undefined) {
        if (endpointDown) await this.undeliverable(undefined, batch.records);
        else this.drops.inFlight(batch.records, 'shutdown');
        continue;
      }
      await this.resourcesSettled(batch.items);
      const body = this.encode(batch.items, batch.records);
      if (body === undefined) continue;
      if (endpointDown) await this.undeliverable(body, batch.records);
      else await this.spoolOrDrop(body, batch.records, 'shutdown');
    }
  }

  /**
   * A batch that cannot be delivered at exit because nothing answers at the endpoint: to the
   * spool when there is one, else dropped (reason `shutdown`). Counted for the one line that
   * {@link reportUndelivered} prints, instead of a warning per batch.
   */
  private async undeliverable(body: Uint8Array | undefined, records: number): Promise<void> {
    if (body !== undefined && this.spool !== undefined) {
      if ((await this.spoolOrDrop(body, records, 'shutdown')) === 'spooled') {
        this.undelivered.spooled += records;
        return;
      }
    } else {
      this.ledger.droppedInFlight(records, 'shutdown');
    }
    this.undelivered.dropped += records;
  }

  private reportUndelivered(): void {
    const { dropped, spooled } = this.undelivered;
    const code = this.delivery.endpointDown;
    if (code === undefined || dropped + spooled === 0) return;
    const undelivered: UndeliveredAtExit = {
      signal: this.codec.signal,
      url: this.safeUrl,
      code,
      dropped,
      spooled,
      spoolDir: this.spool === undefined ? undefined : this.options.spoolDir,
    };
    try {
      if (this.onUndeliveredAtExit !== undefined) this.onUndeliveredAtExit(undelivered);
      else reportWarning(new ExportUndeliveredAtExitError([undelivered]));
    } catch (error) {
      debug('reporting undelivered records failed', error);
    }
  }

  // ---- sending batches ------------------------------------------------------------------

  /** Starts as many batches as the concurrency limit allows. */
  private pump(): void {
    if (this.abort.signal.aborted) {
      this.checkIdle();
      return;
    }
    if (!this.state.stopping) this.replay?.maybeStart();
    const queue = this.batcher.queue;
    while (queue.length > 0) {
      if (!this.batcher.due(this.state.flushing)) break;
      // While the circuit is open without a spool, data waits in the queue.
      if (this.spool === undefined && this.breaker.blocked && this.batchesActive > 0) break;
      if (!this.adaptive.tryAcquire()) break;
      const batch = this.batcher.take();
      this.ledger.dequeued(batch.records);
      this.batchesActive += 1;
      void this.run(batch);
    }
    this.checkIdle();
  }

  private async run(batch: Batch<T>): Promise<void> {
    try {
      await this.send(batch.items, batch.records, batch.bytes, batch.full);
    } catch (error) {
      // Not expected: every path accounts for its records. Keep the identity anyway.
      debug('export batch failed unexpectedly', error);
    } finally {
      this.batchesActive -= 1;
      this.adaptive.release();
      this.pump();
    }
  }

  /** Async resource detectors must finish before the resource is read (as OTel's processors do). */
  private async resourcesSettled(items: readonly T[]): Promise<void> {
    let last: unknown;
    for (const item of items) {
      const resource = this.codec.resource(item);
      if (resource === last) continue; // usually one resource for all
      last = resource;
      if (resource.asyncAttributesPending === true) {
        try {
          await resource.waitForAsyncAttributes?.();
        } catch (error) {
          debug('resource detection failed', error);
        }
      }
    }
  }

  private encode(items: readonly T[], records: number): Uint8Array | undefined {
    try {
      return this.codec.encode(items, this.target.protocol);
    } catch (error) {
      debug('OTLP encoding failed', error);
      this.drops.inFlight(records, 'encode_error');
      return undefined;
    }
  }

  /** Encodes, pre-splits above the body limit, delivers; splits again on 413. */
  private async send(items: T[], records: number, estimated: number, full: boolean): Promise<void> {
    await this.resourcesSettled(items);
    const body = this.encode(items, records);
    if (body === undefined) return;
    this.batcher.encoded(estimated, body.length);
    const splittable = items.length > 1 && this.codec.mergeable;
    if (this.batcher.overLearnedLimit(body.length) && splittable) {
      await this.sendHalves(items);
      return;
    }
    if (body.length > this.options.maxBatchBytes) {
      this.drops.inFlight(records, 'too_large');
      return;
    }
    const outcome = await this.delivery.deliver(body, records, full, this.contentType);
    switch (outcome) {
      case 'done':
        return;
      case 'split':
        if (splittable) {
          this.batcher.tooLarge(body.length);
          await this.sendHalves(items);
        } else {
          this.drops.inFlight(records, 'too_large');
        }
        return;
      case 'exhausted':
        await this.spoolOrDrop(body, records, 'retry_exhausted');
        return;
      case 'park':
      case 'aborted':
        await this.spoolOrDrop(body, records, 'shutdown');
        return;
      case 'unreachable':
        await this.undeliverable(body, records);
        return;
    }
  }

  private async sendHalves(items: T[]): Promise<void> {
    const middle = Math.ceil(items.length / 2);
    for (const half of [items.slice(0, middle), items.slice(middle)]) {
      let records = 0;
      for (const item of half) records += this.codec.records(item);
      await this.send(half, records, 0, false);
    }
  }

  // ---- spool ----------------------------------------------------------------------------

  private async openSpool(opener: SpoolOpener | undefined, dir: string): Promise<void> {
    try {
      const spool = await (opener ?? openDiskSpool)({
        dir,
        maxBytes: this.options.spoolMaxBytes,
        signal: this.codec.signal,
        // Entries already on disk; the batch being written is counted from write()'s result.
        onEvict: ({ records }) => this.ledger.lostFromSpool(records, 'spool_evicted'),
        onCorrupt: ({ records }) => this.ledger.lostFromSpool(records, 'spool_corrupt'),
      });
      this.spool = spool;
      this.state.canPark = true;
      this.replay = new SpoolReplay({
        spool,
        delivery: this.delivery,
        breaker: this.breaker,
        adaptive: this.adaptive,
        ledger: this.ledger,
        drops: this.drops,
        signal: this.abort.signal,
        retryMillis: this.options.spoolAfterWaitMillis,
        spoolError: (cause) => this.spoolError(SpoolReadFailedError, cause),
        onIdle: () => this.pump(),
      });
      const { records } = spool.stats();
      if (records > 0) {
        this.ledger.recoveredFromSpool(records);
        this.replay.noteData();
        this.pump();
      }
    } catch (error) {
      reportError(this.spoolError(SpoolReadFailedError, error));
    }
  }

  private spoolError<E>(
    Kind: new (details: { signal: string; path: string; cause?: unknown }) => E,
    cause: unknown,
  ): E {
    return new Kind({ signal: this.codec.signal, path: this.options.spoolDir ?? '', cause });
  }

  /**
   * In flight to the spool when there is one; else dropped with `reason`. A batch the spool
   * could not keep is dropped as `spool_evicted` or `spool_failed` (the spool reported why).
   */
  private async spoolOrDrop(
    body: Uint8Array,
    records: number,
    reason: DropReason,
  ): Promise<'spooled' | 'dropped'> {
    const spool = this.spool;
    if (spool === undefined) {
      this.drops.inFlight(records, reason);
      return 'dropped';
    }
    let written: WriteResult;
    try {
      written = await spool.write({ body, records, contentType: this.contentType });
    } catch (error) {
      // Only an invalid batch is refused this way.
      this.ledger.droppedInFlight(records, 'spool_failed');
      reportError(this.spoolError(SpoolWriteFailedError, error));
      return 'dropped';
    }
    if (written.kept) {
      this.ledger.spooledFromFlight(records);
      this.replay?.noteData();
      return 'spooled';
    }
    const lost = written.reason === 'evicted' ? 'spool_evicted' : 'spool_failed';
    this.ledger.droppedInFlight(records, lost);
    return 'dropped';
  }

  // ---- idle -----------------------------------------------------------------------------

  private idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    const aborted = this.abort.signal.aborted;
    const queueDone = this.batcher.queue.length === 0 || aborted;
    // A spool replay runs in the background: flush() does not wait for it, shutdown does.
    const replayDone = this.replay?.replaying !== true || !aborted;
    return queueDone && this.batchesActive === 0 && replayDone;
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
