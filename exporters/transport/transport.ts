/**
 * The export transport of one signal: bounded queue -> batcher -> OTLP encoder -> compressor ->
 * sender (keep-alive pool, retry with full-jitter backoff, Retry-After, 413 split, circuit
 * breaker, adaptive concurrency and batch size) -> endpoint, with an optional disk spool for
 * what cannot be delivered now. Every record is accounted for (see `accounting.ts`).
 */
import * as timers from 'node:timers/promises';
import { debug, reportError, reportWarning, wouldReport } from '../../src/base/diag';
import { redactUrl } from '../../src/base/redact-url';
import {
  AuthRejectedError,
  ExportCompressionRefusedError,
  ExportDroppedError,
  ExportRejectedError,
  ExportUndeliveredAtExitError,
  SpoolReadFailedError,
  SpoolWriteFailedError,
} from '../../src/base/errors';
import type { DiskSpool, SpoolEntry, WriteResult } from '../spool';
import { Accounting } from './accounting';
import type { TransportStats } from './accounting';
import { CIRCUIT_STATE_VALUE, CircuitBreaker } from './circuit-breaker';
import { Compressor } from './compressor';
import { AdaptiveConcurrency } from './concurrency';
import { contentTypeOf } from './encoder';
import { registerTransportHealth } from './health';
import { BoundedQueue } from './queue';
import { backoffMillis, classify, neverSent, unreachable } from './retry-policy';
import { Sender } from './sender';
import { sleep } from './sleep';
import type { SpoolOpener } from './spool-seam';
import { openDiskSpool } from './spool-seam';
import type {
  DropReason,
  SignalCodec,
  SignalName,
  TransportTarget,
  TransportTunables,
} from './types';
import { DEFAULT_TRANSPORT_OPTIONS } from './types';

export type { TransportStats } from './accounting';

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

/** How one batch's sending ended. */
type Outcome = 'done' | 'split' | 'park' | 'aborted' | 'exhausted' | 'unreachable';

/** The diagnostic code of {@link ExportDroppedError}, checked before building one. */
const DROPPED_CODE: ExportDroppedError['code'] = 'SL_EXPORT_DROPPED';

/** Smallest body the learned 413 limit can shrink to. */
const MIN_LEARNED_BYTES = 1024;

export class Transport<T> {
  private readonly codec: SignalCodec<T>;
  private readonly options: TransportTunables;
  private readonly target: TransportTarget;
  private readonly queue: BoundedQueue<T>;
  private readonly accounting: Accounting;
  private readonly compressor: Compressor;
  private readonly sender: Sender;
  private readonly breaker: CircuitBreaker;
  private readonly adaptive: AdaptiveConcurrency;
  private readonly abort = new AbortController();
  private readonly headersByEncoding = new Map<string, Record<string, string>>();
  private readonly contentType: string;
  private readonly safeUrl: string;

  private timer: NodeJS.Timeout | undefined;
  private oldestAt = 0;
  private flushing = 0;
  private batchesActive = 0;
  private idleWaiters: (() => void)[] = [];
  /** No request before this time (an honoured Retry-After pauses the whole signal). */
  private notBefore = 0;
  /** Largest encoded body worth sending, lowered by 413 answers. */
  private learnedMaxBytes: number;
  /** Actual encoded bytes per estimated byte (EWMA), to size batches by estimate. */
  private bytesRatio = 1;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  /** Aborted (and replaced) to end every backoff wait now: flush and shutdown try at once. */
  private wakeup = new AbortController();
  /**
   * The code of the last attempt, made during a flush or shutdown, that found nothing at the
   * endpoint's address; cleared by any HTTP answer. Shutdown then stops waiting.
   */
  private endpointDown: string | undefined;
  private readonly downWaiters = new Set<() => void>();
  private readonly undelivered = { dropped: 0, spooled: 0 };
  private readonly onUndeliveredAtExit: ((undelivered: UndeliveredAtExit) => void) | undefined;

  private spool: DiskSpool | undefined;
  private readonly spoolReady: Promise<void>;
  private spoolHasData = false;
  private replaying = false;
  private replayNotBefore = 0;
  private replayTimer: NodeJS.Timeout | undefined;
  private readonly unregisterHealth: () => void;

  constructor(options: TransportOptions<T>) {
    this.codec = options.codec;
    this.target = options.target;
    this.onUndeliveredAtExit = options.onUndeliveredAtExit;
    this.options = { ...DEFAULT_TRANSPORT_OPTIONS, ...options.tunables };
    const o = this.options;
    this.queue = new BoundedQueue<T>({ maxRecords: o.queueMaxRecords, maxBytes: o.queueMaxBytes });
    this.accounting = new Accounting(this.codec.signal);
    this.compressor = new Compressor(this.target.compression);
    this.sender = new Sender({ url: this.target.url, maxSockets: o.maxConcurrency + 1 });
    this.adaptive = new AdaptiveConcurrency(o);
    this.breaker = new CircuitBreaker({
      failureThreshold: o.circuitFailureThreshold,
      openMillis: o.circuitOpenMillis,
      onChange: (state) => {
        this.accounting.circuitState(CIRCUIT_STATE_VALUE[state]);
        debug(`${this.codec.signal} export circuit ${state}`);
        if (state !== 'open') this.pump();
      },
    });
    this.learnedMaxBytes = o.maxBatchBytes;
    this.contentType = contentTypeOf(this.target.protocol);
    this.safeUrl = redactUrl(this.target.url);
    this.accounting.concurrencyLimit(this.adaptive.limit);
    this.accounting.circuitState(0);
    this.spoolReady =
      o.spoolDir === undefined ? Promise.resolve() : this.openSpool(options.openSpool, o.spoolDir);
    const bounds = { maxBytes: o.queueMaxBytes, maxRecords: o.queueMaxRecords };
    this.accounting.attach(this.queue, bounds);
    this.unregisterHealth = registerTransportHealth(this.codec.signal, () => ({
      stats: this.stats(),
      accounting: this.accounting,
      queueMaxBytes: bounds.maxBytes,
      queueMaxRecords: bounds.maxRecords,
    }));
  }

  /** A snapshot of the accounting; cheap (no prom-client involved). */
  stats(): TransportStats {
    const c = this.accounting.counts;
    return {
      ...c,
      droppedByReason: { ...this.accounting.droppedByReason },
      queued: this.queue.records,
      queuedBytes: this.queue.bytes,
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
    this.afterOffer();
    return accepted;
  }

  /** {@link enqueue} for one item, without an array (the processors' hot path). */
  enqueueOne(item: T): boolean {
    const accepted = this.offer(item);
    this.afterOffer();
    return accepted;
  }

  private offer(item: T): boolean {
    const records = this.codec.records(item);
    if (this.stopping) {
      this.accounting.refused(records, 'shutdown');
      this.warnDropped('shutdown');
      return false;
    }
    const first = this.queue.length === 0;
    if (first) this.oldestAt = Date.now();
    if (this.queue.offer(item, records, this.codec.estimateBytes(item))) {
      this.accounting.enqueued(records, first ? this.oldestAt : undefined);
      return true;
    }
    this.accounting.refused(records, 'queue_full');
    this.warnDropped('queue_full');
    return false;
  }

  private afterOffer(): void {
    if (this.queue.length === 0) return;
    if (this.batchReady()) this.pump();
    else this.armTimer();
  }

  /**
   * Reports a drop (`src/diag` limits it to once a minute per code). Checked before the error
   * object is built, because under overload this runs for every refused record.
   */
  private warnDropped(reason: DropReason): void {
    if (!wouldReport(DROPPED_CODE)) return;
    reportWarning(new ExportDroppedError(this.codec.signal, reason));
  }

  /** Sends everything queued now and resolves when nothing is queued or in flight. */
  async flush(): Promise<void> {
    if (this.stopped !== undefined) return this.stopped;
    this.flushing += 1;
    try {
      this.tryNow();
      this.pump();
      // A flush does not wait out an endpoint where nothing answers: what it holds stays queued
      // (or retrying) and is delivered once the endpoint is back.
      await this.untilEndpointDown(this.idle());
    } finally {
      this.flushing -= 1;
    }
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
    this.stopping = true;
    // A transport shutting down is no longer part of the app's health.
    this.unregisterHealth();
    await this.spoolReady;
    this.flushing += 1;
    this.tryNow();
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
    await Promise.race([this.untilEndpointDown(this.idle()), bound.catch(() => undefined)]);
    flushed.abort();
    this.abort.abort();
    await this.idle();
    await this.drainAtShutdown();
    this.reportUndelivered();
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.replayTimer !== undefined) clearTimeout(this.replayTimer);
    this.sender.close();
    this.accounting.detach();
    if (this.spool !== undefined) {
      try {
        await this.spool.close();
      } catch (error) {
        reportError(this.spoolError(SpoolReadFailedError, error));
      }
    }
  }

  /** After the abort: what is still queued goes to the spool, or is dropped and counted. */
  private async drainAtShutdown(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.take(this.maxTakeRecords(), Number.POSITIVE_INFINITY);
      this.accounting.dequeued(batch.records);
      if (this.spool === undefined) {
        if (this.endpointDown === undefined) this.drop(batch.records, 'shutdown');
        else this.undeliverable(undefined, batch.records);
        continue;
      }
      await this.resourcesSettled(batch.items);
      const body = this.encode(batch.items, batch.records);
      if (body === undefined) continue;
      if (this.endpointDown === undefined) await this.spoolOrDrop(body, batch.records, 'shutdown');
      else await this.undeliverable(body, batch.records);
    }
  }

  /** Flush and shutdown: batches waiting in backoff, or on an open circuit, try once more now. */
  private tryNow(): void {
    this.wakeup.abort();
    this.wakeup = new AbortController();
    this.breaker.probeNow();
  }

  /** `work`, or less: resolves early when an attempt finds nothing at the endpoint's address. */
  private async untilEndpointDown(work: Promise<void>): Promise<void> {
    let waiter: (() => void) | undefined;
    const down = new Promise<void>((resolve) => {
      waiter = resolve;
      this.downWaiters.add(resolve);
    });
    try {
      await Promise.race([work, down]);
    } finally {
      this.downWaiters.delete(waiter!);
    }
  }

  private noteEndpointDown(code: string): void {
    this.endpointDown = code;
    for (const resolve of this.downWaiters) resolve();
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
      this.accounting.droppedInFlight(records, 'shutdown');
    }
    this.undelivered.dropped += records;
  }

  private reportUndelivered(): void {
    const { dropped, spooled } = this.undelivered;
    if (this.endpointDown === undefined || dropped + spooled === 0) return;
    const undelivered: UndeliveredAtExit = {
      signal: this.codec.signal,
      url: this.safeUrl,
      code: this.endpointDown,
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

  // ---- batching -------------------------------------------------------------------------

  private maxTakeRecords(): number {
    // 0 takes exactly one item: metrics are sent one collection per request.
    return this.codec.mergeable ? this.adaptive.batchRecords : 0;
  }

  private batchReady(): boolean {
    if (!this.codec.mergeable) return true;
    return (
      this.queue.records >= this.adaptive.batchRecords ||
      this.queue.bytes * this.bytesRatio >= this.learnedMaxBytes
    );
  }

  private armTimer(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.oldestAt + this.options.batchDelayMillis - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, wait);
    this.timer.unref();
  }

  /** Starts as many batches as the concurrency limit allows. */
  private pump(): void {
    if (this.abort.signal.aborted) {
      this.checkIdle();
      return;
    }
    this.maybeReplay();
    while (this.queue.length > 0) {
      const ready =
        this.batchReady() ||
        this.flushing > 0 ||
        Date.now() - this.oldestAt >= this.options.batchDelayMillis;
      if (!ready) {
        this.armTimer();
        break;
      }
      // While the circuit is open without a spool, data waits in the queue.
      if (this.spool === undefined && this.breaker.blocked && this.batchesActive > 0) break;
      if (!this.adaptive.tryAcquire()) break;
      const batchRecords = this.maxTakeRecords();
      const batch = this.queue.take(batchRecords, this.learnedMaxBytes / this.bytesRatio);
      if (this.queue.length > 0) this.oldestAt = Date.now();
      this.accounting.dequeued(batch.records);
      this.batchesActive += 1;
      void this.run(batch.items, batch.records, batch.bytes, batch.records >= batchRecords);
    }
    this.checkIdle();
  }

  private async run(items: T[], records: number, estimated: number, full: boolean): Promise<void> {
    try {
      await this.deliver(items, records, estimated, full);
    } catch (error) {
      // Not expected: every path accounts for its records. Keep the identity anyway.
      debug('export batch failed unexpectedly', error);
    } finally {
      this.batchesActive -= 1;
      this.adaptive.release();
      this.accounting.concurrencyLimit(this.adaptive.limit);
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
      this.drop(records, 'encode_error');
      return undefined;
    }
  }

  /** Encodes, pre-splits above the body limit, sends; splits again on 413. */
  private async deliver(
    items: T[],
    records: number,
    estimated: number,
    full: boolean,
  ): Promise<void> {
    await this.resourcesSettled(items);
    const body = this.encode(items, records);
    if (body === undefined) return;
    if (estimated > 0) {
      this.bytesRatio += 0.2 * (body.length / estimated - this.bytesRatio);
    }
    if (body.length > this.learnedMaxBytes && items.length > 1 && this.codec.mergeable) {
      await this.deliverHalves(items);
      return;
    }
    if (body.length > this.options.maxBatchBytes) {
      this.drop(records, 'too_large');
      return;
    }
    const outcome = await this.attempt(body, records, full, this.contentType);
    switch (outcome) {
      case 'done':
        return;
      case 'split':
        if (items.length > 1 && this.codec.mergeable) {
          this.learnedMaxBytes = Math.max(MIN_LEARNED_BYTES, Math.floor(body.length / 2));
          await this.deliverHalves(items);
        } else {
          this.drop(records, 'too_large');
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

  private async deliverHalves(items: T[]): Promise<void> {
    const middle = Math.ceil(items.length / 2);
    for (const half of [items.slice(0, middle), items.slice(middle)]) {
      let records = 0;
      for (const item of half) records += this.codec.records(item);
      await this.deliver(half, records, 0, false);
    }
  }

  // ---- sending --------------------------------------------------------------------------

  private headersFor(encoding: string | undefined, contentType: string): Record<string, string> {
    const key = `${encoding ?? ''}|${contentType}`;
    let headers = this.headersByEncoding.get(key);
    if (headers === undefined) {
      headers = { ...this.target.headers, 'content-type': contentType };
      if (encoding !== undefined) headers['content-encoding'] = encoding;
      this.headersByEncoding.set(key, headers);
    }
    return headers;
  }

  /** Sends one body until it is delivered, dropped, must be split, parked or given up. */
  private async attempt(
    body: Uint8Array,
    records: number,
    full: boolean,
    contentType: string,
  ): Promise<Outcome> {
    const o = this.options;
    const signal = this.abort.signal;
    const started = Date.now();
    let compressed = this.compressor.compress(body);
    this.accounting.batch(records, body.length === 0 ? 1 : compressed.body.length / body.length);
    let attempt = 0;
    let answerLost = false;
    /** The encoding a 400 was answered to, while this body is tried once uncompressed. */
    let suspectEncoding: 'gzip' | 'zstd' | undefined;
    for (;;) {
      if (signal.aborted) return 'aborted';
      if (this.stopping && this.endpointDown !== undefined) return 'unreachable';
      const pause = this.notBefore - Date.now();
      if (pause > 0) {
        if (this.spool !== undefined && pause > o.spoolAfterWaitMillis) return 'park';
        await sleep(pause, signal);
        continue;
      }
      if (Date.now() - started > o.retryBudgetMillis) return 'exhausted';
      if (this.spool !== undefined && this.breaker.blocked) return 'park';
      const permit = await this.breaker.acquire(signal);
      if (permit === undefined) return 'aborted';
      if (answerLost) this.accounting.possibleDuplicate(records);
      const t0 = performance.now();
      const result = await this.sender.send({
        body: compressed.body,
        headers: this.headersFor(compressed.encoding, contentType),
        timeoutMillis: o.requestTimeoutMillis,
        signal,
      });
      const rttMillis = performance.now() - t0;
      const retry = attempt > 0;
      let delay: number;
      if (result.kind === 'network-error') {
        if (result.code === 'ABORTED') {
          this.breaker.abandon(permit.probe);
          return 'aborted';
        }
        this.accounting.request({
          retry,
          seconds: rttMillis / 1000,
          outcome: 'network_error',
          records,
        });
        debug(`${this.codec.signal} export network error ${result.code}`);
        answerLost = result.bodySent && !neverSent(result.code);
        this.breaker.failure(permit.probe);
        this.adaptive.feedback({ rttMillis, ok: false, backPressure: true, fullBatch: full });
        if (unreachable(result.code) && (this.stopping || this.flushing > 0)) {
          this.noteEndpointDown(result.code);
          if (this.stopping) return 'unreachable';
        }
        delay = this.backoff(attempt);
      } else {
        const outcome = `${Math.floor(result.status / 100)}xx`;
        this.accounting.request({ retry, seconds: rttMillis / 1000, outcome, records });
        answerLost = false;
        this.endpointDown = undefined;
        const verdict = classify(result.status, result.retryAfter, compressed.encoding);
        // Every retryable answer (429, 503, 408, 5xx) is back-pressure: the limit shrinks.
        switch (verdict.kind) {
          case 'delivered': {
            this.breaker.success(permit.probe);
            this.adaptive.feedback({ rttMillis, ok: true, backPressure: false, fullBatch: full });
            // Taken uncompressed after a 400 to the compressed body: the receiver cannot read it.
            if (suspectEncoding !== undefined) this.encodingRefused(suspectEncoding, 400);
            this.accounting.delivered(records, this.rejectedIn(result.body));
            return 'done';
          }
          case 'split':
            this.breaker.success(permit.probe);
            this.adaptive.feedback({ rttMillis, ok: false, backPressure: false, fullBatch: full });
            return 'split';
          case 'encoding-refused':
            this.breaker.success(permit.probe);
            this.encodingRefused(compressed.encoding!, 415);
            compressed = this.compressor.compress(body);
            continue;
          case 'retry-uncompressed':
            this.breaker.success(permit.probe);
            suspectEncoding = compressed.encoding!;
            compressed = { body, encoding: undefined };
            continue;
          case 'drop':
            this.breaker.success(permit.probe);
            this.drop(records, verdict.reason, result.status);
            return 'done';
          case 'retry':
            this.breaker.failure(permit.probe);
            this.adaptive.feedback({ rttMillis, ok: false, backPressure: true, fullBatch: full });
            if (verdict.retryAfterMillis !== undefined) {
              delay = Math.min(o.maxRetryAfterMillis, verdict.retryAfterMillis);
              this.notBefore = Math.max(this.notBefore, Date.now() + delay);
            } else {
              delay = this.backoff(attempt);
            }
            break;
        }
      }
      attempt += 1;
      if (this.spool !== undefined && delay > o.spoolAfterWaitMillis) return 'park';
      if (Date.now() + delay - started > o.retryBudgetMillis) return 'exhausted';
      await sleep(delay, AbortSignal.any([signal, this.wakeup.signal]));
    }
  }

  /** The receiver refused an encoding: step down for the rest of the process, and say so once. */
  private encodingRefused(encoding: 'gzip' | 'zstd', status: number): void {
    const now = this.compressor.refused(encoding);
    if (now === false) return;
    reportWarning(
      new ExportCompressionRefusedError({
        signal: this.codec.signal,
        url: this.safeUrl,
        status,
        refused: encoding,
        now: now ?? 'none',
      }),
    );
  }

  private backoff(attempt: number): number {
    return backoffMillis({
      attempt,
      initialMillis: this.options.initialBackoffMillis,
      maxMillis: this.options.maxBackoffMillis,
      random: this.options.random,
    });
  }

  private rejectedIn(response: Uint8Array): number {
    if (response.length === 0) return 0;
    try {
      return this.codec.rejected(response, this.target.protocol);
    } catch {
      return 0; // An unreadable answer to a 2xx is still a success.
    }
  }

  private drop(records: number, reason: DropReason, status?: number): void {
    this.accounting.droppedInFlight(records, reason);
    if (reason === 'auth' && status !== undefined) {
      reportError(new AuthRejectedError(this.safeUrl, status));
    } else if (reason === 'rejected' && status !== undefined) {
      reportWarning(new ExportRejectedError(this.codec.signal, status));
    } else {
      this.warnDropped(reason);
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
        onEvict: ({ records }) => this.accounting.lostFromSpool(records, 'spool_evicted'),
        onCorrupt: ({ records }) => this.accounting.lostFromSpool(records, 'spool_corrupt'),
      });
      this.spool = spool;
      const { records } = spool.stats();
      if (records > 0) {
        this.accounting.recoveredFromSpool(records);
        this.spoolHasData = true;
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
      this.drop(records, reason);
      return 'dropped';
    }
    let written: WriteResult;
    try {
      written = await spool.write({ body, records, contentType: this.contentType });
    } catch (error) {
      // Only an invalid batch is refused this way.
      this.accounting.droppedInFlight(records, 'spool_failed');
      reportError(this.spoolError(SpoolWriteFailedError, error));
      return 'dropped';
    }
    if (written.kept) {
      this.accounting.spooledFromFlight(records);
      this.spoolHasData = true;
      return 'spooled';
    }
    const lost = written.reason === 'evicted' ? 'spool_evicted' : 'spool_failed';
    this.accounting.droppedInFlight(records, lost);
    return 'dropped';
  }

  /** Sends spooled batches, oldest first, on one concurrency slot, while the endpoint is up. */
  private maybeReplay(): void {
    if (this.spool === undefined || this.replaying || !this.spoolHasData || this.stopping) return;
    if (this.breaker.blocked) return;
    const wait = this.replayNotBefore - Date.now();
    if (wait > 0) {
      if (this.replayTimer === undefined) {
        this.replayTimer = setTimeout(() => {
          this.replayTimer = undefined;
          this.pump();
        }, wait);
        this.replayTimer.unref();
      }
      return;
    }
    if (!this.adaptive.tryAcquire()) return;
    this.replaying = true;
    this.batchesActive += 1;
    void this.replay(this.spool).finally(() => {
      this.replaying = false;
      this.batchesActive -= 1;
      this.adaptive.release();
      this.pump();
    });
  }

  private async replay(spool: DiskSpool): Promise<void> {
    while (!this.abort.signal.aborted && !this.breaker.blocked) {
      let entry: SpoolEntry | undefined;
      try {
        entry = await spool.claimOldest();
      } catch (error) {
        reportError(this.spoolError(SpoolReadFailedError, error));
        this.replayNotBefore = Date.now() + this.options.spoolAfterWaitMillis;
        return;
      }
      if (entry === undefined) {
        this.spoolHasData = false;
        return;
      }
      this.accounting.claimedFromSpool(entry.records);
      const outcome = await this.attempt(entry.body, entry.records, false, entry.contentType);
      if (outcome === 'split') this.drop(entry.records, 'too_large');
      try {
        if (outcome === 'done' || outcome === 'split') {
          await spool.ack(entry);
          continue;
        }
        await spool.release(entry);
      } catch (error) {
        reportError(this.spoolError(SpoolReadFailedError, error));
      }
      // Not delivered now: it stays on disk; try again later.
      this.accounting.spooledFromFlight(entry.records);
      this.replayNotBefore = Date.now() + this.options.spoolAfterWaitMillis;
      return;
    }
  }

  // ---- idle -----------------------------------------------------------------------------

  private idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    const queueDone = this.queue.length === 0 || this.abort.signal.aborted;
    // A spool replay runs in the background: flush() does not wait for it, shutdown does.
    const background = this.replaying && !this.abort.signal.aborted ? 1 : 0;
    return queueDone && this.batchesActive === background;
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
