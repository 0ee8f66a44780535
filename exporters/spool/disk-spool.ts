import { mkdir, open, readdir, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { debug, reportWarning } from '../../src/base/diag';
import {
  SpoolCorruptFileError,
  SpoolFullError,
  SpoolReadFailedError,
  SpoolWriteFailedError,
} from '../../src/base/errors';
import {
  FOREIGN_OWNER_LEASE_MS,
  nextSequence,
  ownerState,
  registerInstance,
  selfOwner,
} from './claims';
import { decodeEntry, encodeEntry } from './file-format';
import type { EntryName, Owner } from './names';
import { claimedName, entryId, parseName, readyName, tempName } from './names';

/** The signals that have a spool; each gets its own subfolder of {@link SpoolOptions.dir}. */
export type SpoolSignal = 'traces' | 'logs' | 'metrics';

/** Options of {@link DiskSpool.open}. */
export interface SpoolOptions {
  /** Root spool directory (e.g. `SPRINTLENS_SPOOL_DIR`); entries go to `<dir>/<signal>/`. */
  dir: string;
  /** Bound of the bytes on disk for this signal (entry files, headers included). */
  maxBytes: number;
  signal: SpoolSignal;
  /**
   * Called for each entry already on disk that is deleted to keep the bound. The batch being
   * written is never reported here: {@link DiskSpool.write} resolves whether it was kept.
   */
  onEvict?(e: { records: number; bytes: number }): void;
  /**
   * Called for each damaged file skipped and deleted. `records` and `bytes` are what its
   * name declared (0 if unknown), so the loss can be counted.
   */
  onCorrupt?(e: { file: string; reason: string; records: number; bytes: number }): void;
}

/**
 * What became of a batch handed to {@link DiskSpool.write}: kept on disk, or not kept and
 * counted in {@link SpoolStats} — `evicted` when it cannot fit in the bound (it is larger than
 * the whole bound, or only claimed entries are left to evict), `failed` when it could not be
 * persisted (disk full, no permission). `bytes` is its size as an entry file.
 */
export type WriteResult =
  | { readonly kept: true }
  | { readonly kept: false; readonly reason: 'evicted' | 'failed'; readonly bytes: number };

const KEPT: WriteResult = { kept: true };

/** A claimed entry. Hand it back with {@link DiskSpool.ack} or {@link DiskSpool.release}. */
export interface SpoolEntry {
  /** Stable across claim and release; ids sort in creation order. */
  readonly id: string;
  readonly body: Uint8Array;
  readonly records: number;
  readonly contentType: string;
  /** When it was written, Unix epoch milliseconds. */
  readonly createdAt: number;
}

/** Counters and the size of the spool as of the last directory scan. */
export interface SpoolStats {
  /** Entry files on disk (ready and claimed, by any process) at the last scan, plus own changes. */
  files: number;
  bytes: number;
  records: number;
  /** Of `files`, those claimed by some process (in flight). */
  claimed: number;
  /** Damaged files this instance skipped and deleted, and the records they declared. */
  corruptSkipped: number;
  corruptRecords: number;
  /**
   * Entries this instance evicted to keep the bound, and batches it could not fit in it at all,
   * with their records and bytes.
   */
  evicted: number;
  evictedRecords: number;
  evictedBytes: number;
  /** Batches this instance could not persist, and their records. */
  writeFailed: number;
  writeFailedRecords: number;
}

const SIGNALS: ReadonlySet<string> = new Set<SpoolSignal>(['traces', 'logs', 'metrics']);
/** How long a directory listing is reused for claiming. */
const CANDIDATES_TTL_MS = 1000;

interface Scan {
  /** Ready entries, oldest first. */
  readonly ready: EntryName[];
  readonly totalBytes: number;
}

/**
 * A bounded, crash-safe, multi-process directory of export batches that could not be sent.
 *
 * Every filesystem failure is reported through `src/diag` with an `SL_SPOOL_…` code and the
 * call resolves; only programmer errors (bad options or arguments) reject.
 */
export class DiskSpool {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly signal: SpoolSignal;
  private readonly options: SpoolOptions;
  private readonly instance = registerInstance();
  private readonly owner = selfOwner(this.instance);
  /** Claimed by this instance: id -> claimed file name. */
  private readonly held = new Map<string, string>();
  /** Ready entries from the last listing, oldest first, and the next one to try. */
  private candidates: EntryName[] = [];
  private cursor = 0;
  private candidatesAt = 0;
  private candidatesStale = true;
  private lastTime = 0;
  private closed = false;
  // Writes are serialised (eviction accounting stays simple); claims have their own chain so
  // a slow fsync does not hold up delivery.
  private writeChain: Promise<unknown> = Promise.resolve();
  private claimChain: Promise<unknown> = Promise.resolve();
  private readonly current = { files: 0, bytes: 0, records: 0, claimed: 0 };
  private readonly counters = {
    corruptSkipped: 0,
    corruptRecords: 0,
    evicted: 0,
    evictedRecords: 0,
    evictedBytes: 0,
    writeFailed: 0,
    writeFailedRecords: 0,
  };

  private constructor(options: SpoolOptions) {
    this.options = options;
    this.signal = options.signal;
    this.maxBytes = options.maxBytes;
    this.dir = join(options.dir, options.signal);
  }

  /**
   * Opens (creating if needed) the spool of one signal, deletes temp files of dead writers,
   * makes claims of dead processes claimable again, and scans what is there.
   * Rejects only for invalid options.
   */
  static async open(options: SpoolOptions): Promise<DiskSpool> {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('DiskSpool.open: options must be an object');
    }
    if (typeof options.dir !== 'string' || options.dir.length === 0) {
      throw new TypeError('DiskSpool.open: dir must be a non-empty string');
    }
    if (typeof options.maxBytes !== 'number' || !(options.maxBytes > 0)) {
      throw new TypeError('DiskSpool.open: maxBytes must be a positive number');
    }
    if (!SIGNALS.has(options.signal)) {
      throw new TypeError('DiskSpool.open: signal must be traces, logs or metrics');
    }
    const spool = new DiskSpool(options);
    await spool.ensureDir();
    await spool.scan();
    return spool;
  }

  /**
   * Persists a batch durably (temp file, fsync, rename, fsync of the directory), first
   * evicting the oldest entries if the bound requires. Resolves once the batch is on disk, or
   * once its loss has been counted and reported: the result says which (the callbacks are only
   * for entries already on disk).
   */
  write(batch: { body: Uint8Array; records: number; contentType: string }): Promise<WriteResult> {
    if (typeof batch !== 'object' || batch === null || !(batch.body instanceof Uint8Array)) {
      return Promise.reject(new TypeError('DiskSpool.write: body must be a Uint8Array'));
    }
    if (!Number.isSafeInteger(batch.records) || batch.records < 0 || batch.records > 0xffffffff) {
      return Promise.reject(new TypeError('DiskSpool.write: records must be a uint32'));
    }
    if (typeof batch.contentType !== 'string') {
      return Promise.reject(new TypeError('DiskSpool.write: contentType must be a string'));
    }
    const createdAt = Date.now();
    let encoded: Buffer;
    try {
      encoded = encodeEntry({ ...batch, createdAt });
    } catch (error) {
      // The format's own limits (content type length, body size): a programmer error.
      return Promise.reject(
        new TypeError('DiskSpool.write: the batch does not fit the spool format', {
          cause: error,
        }),
      );
    }
    const records = batch.records;
    const run = this.writeChain.then(() =>
      this.doWrite(encoded, records, createdAt).catch((error: unknown) =>
        // Unexpected: still never thrown at the caller, and the batch is counted as lost.
        this.writeLost(records, encoded.length, error),
      ),
    );
    this.writeChain = run;
    return run;
  }

  /**
   * Claims the oldest entry no process holds, or `undefined` when there is none. The claim is
   * an atomic rename, so no two processes (or instances) get the same entry. Damaged files met
   * on the way are counted, deleted and skipped.
   */
  claimOldest(): Promise<SpoolEntry | undefined> {
    const run = this.claimChain.then(() =>
      this.doClaim().catch((error: unknown) => {
        this.readFailed(error); // unexpected; the entries stay on disk for a later claim
        return undefined;
      }),
    );
    this.claimChain = run;
    return run;
  }

  /** The entry was delivered: delete it. */
  async ack(entry: SpoolEntry): Promise<void> {
    const name = this.takeHeld(entry, 'ack');
    if (name === undefined) return;
    try {
      await unlink(join(this.dir, name));
    } catch (error) {
      if (!isNotFound(error)) this.readFailed(error);
      return;
    }
    this.current.files = Math.max(0, this.current.files - 1);
    this.current.claimed = Math.max(0, this.current.claimed - 1);
    this.current.bytes = Math.max(0, this.current.bytes - bytesOf(entry.id));
    this.current.records = Math.max(0, this.current.records - entry.records);
  }

  /** The entry was not delivered: make it claimable again, in its original place. */
  async release(entry: SpoolEntry): Promise<void> {
    const name = this.takeHeld(entry, 'release');
    if (name === undefined) return;
    await this.unclaim(name, entry.id);
  }

  /** Size as of the last scan (adjusted by this instance's own changes) and counters. */
  stats(): SpoolStats {
    return { ...this.current, ...this.counters };
  }

  /**
   * Stops claiming, waits for pending operations and releases entries still held, so another
   * process (or the next start) can send them. Writes remain possible: batches left at
   * shutdown can still be spooled.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.claimChain, this.writeChain]);
    const held = [...this.held];
    this.held.clear();
    for (const [id, name] of held) await this.unclaim(name, id);
  }

  private async doWrite(encoded: Buffer, records: number, createdAt: number): Promise<WriteResult> {
    // Names sort in creation order even if the wall clock steps back.
    const nameTime = Math.max(createdAt, this.lastTime);
    this.lastTime = nameTime;
    const bytes = encoded.length;
    if (!(await this.makeRoom(bytes))) {
      this.countEvicted({ records, bytes });
      this.reportFull();
      return { kept: false, reason: 'evicted', bytes };
    }
    const seq = nextSequence();
    const id = entryId({
      createdAt: nameTime,
      pid: process.pid,
      seq,
      instance: this.instance,
      bytes,
      records,
    });
    if (await this.persist(id, encoded, seq)) {
      this.current.files++;
      this.current.bytes += bytes;
      this.current.records += records;
      return KEPT;
    }
    return this.writeLost(records, bytes, undefined);
  }

  /** Counts a batch that could not be persisted; `cause` is reported unless already done. */
  private writeLost(records: number, bytes: number, cause: unknown): WriteResult {
    if (cause !== undefined) {
      reportWarning(new SpoolWriteFailedError({ signal: this.signal, path: this.dir, cause }));
    }
    this.counters.writeFailed++;
    this.counters.writeFailedRecords += records;
    return { kept: false, reason: 'failed', bytes };
  }

  /** Evicts the oldest ready entries until `bytes` more fit; false if they never can. */
  private async makeRoom(bytes: number): Promise<boolean> {
    if (bytes > this.maxBytes) return false;
    const scan = await this.scan();
    let total = scan.totalBytes;
    let evictedAny = false;
    for (const oldest of scan.ready) {
      if (total + bytes <= this.maxBytes) break;
      // Gone either way: evicted by us, or taken by another process (evicted or claimed).
      total -= oldest.bytes;
      try {
        await unlink(join(this.dir, oldest.name));
      } catch (error) {
        if (!isNotFound(error)) this.readFailed(error);
        continue;
      }
      evictedAny = true;
      this.current.files = Math.max(0, this.current.files - 1);
      this.current.bytes = Math.max(0, this.current.bytes - oldest.bytes);
      this.current.records = Math.max(0, this.current.records - oldest.records);
      this.countEvicted(oldest);
      const event = { records: oldest.records, bytes: oldest.bytes };
      this.callback(() => this.options.onEvict?.(event));
    }
    if (evictedAny) this.reportFull();
    // Only claimed (in-flight) entries left and still no room: the new batch cannot fit.
    return total + bytes <= this.maxBytes;
  }

  /** Temp file, fsync, rename into place, fsync the directory. False if nothing was kept. */
  private async persist(id: string, encoded: Buffer, seq: number): Promise<boolean> {
    const temp = join(this.dir, tempName(this.owner, seq));
    try {
      const file = await this.openTemp(temp);
      try {
        await file.writeFile(encoded);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, join(this.dir, readyName(id)));
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      reportWarning(
        new SpoolWriteFailedError({ signal: this.signal, path: this.dir, cause: error }),
      );
      return false;
    }
    await this.syncDir();
    return true;
  }

  private async openTemp(path: string) {
    try {
      return await open(path, 'wx', 0o600);
    } catch (error) {
      // The directory was removed under us: recreate it once.
      if (!isNotFound(error)) throw error;
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      return await open(path, 'wx', 0o600);
    }
  }

  /** Makes the rename itself durable. Some platforms (Windows) cannot fsync a directory. */
  private async syncDir(): Promise<void> {
    try {
      const handle = await open(this.dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      debug(`sprintlens spool: directory fsync not possible: ${codeOf(error)}`);
    }
  }

  private async doClaim(): Promise<SpoolEntry | undefined> {
    if (this.closed) return undefined;
    let rescanned = false;
    if (this.candidatesStale || Date.now() - this.candidatesAt >= CANDIDATES_TTL_MS) {
      await this.refreshCandidates();
      rescanned = true;
    }
    for (;;) {
      const candidate = this.candidates[this.cursor];
      if (candidate === undefined) {
        if (rescanned) return undefined;
        await this.refreshCandidates();
        rescanned = true;
        continue;
      }
      this.cursor++;
      const claimed = claimedName(candidate.id, this.owner);
      const claimedPath = join(this.dir, claimed);
      try {
        await rename(join(this.dir, candidate.name), claimedPath);
      } catch (error) {
        if (isNotFound(error)) continue; // another process was first, or it was evicted
        this.readFailed(error);
        return undefined;
      }
      // The claim's age is its mtime: hosts that cannot check our pid go by it.
      const now = new Date();
      await utimes(claimedPath, now, now).catch(() => undefined);
      let file: Buffer;
      try {
        file = await readFile(claimedPath);
      } catch (error) {
        this.readFailed(error);
        await this.unclaim(claimed, candidate.id);
        return undefined;
      }
      const decoded = decodeEntry(file);
      if (!decoded.ok) {
        await this.dropCorrupt(candidate, claimedPath, decoded.reason);
        continue;
      }
      this.held.set(candidate.id, claimed);
      this.current.claimed++;
      return { id: candidate.id, ...decoded.entry };
    }
  }

  /**
   * Lists the directory for claiming. The list is reused while fresh, so draining n entries
   * costs O(n) rather than a listing per claim; entries another process takes meanwhile just
   * fail their rename. Other processes' releases and dead claims are seen at the next listing.
   */
  private async refreshCandidates(): Promise<void> {
    const scan = await this.scan();
    this.candidates = scan.ready;
    this.cursor = 0;
    this.candidatesAt = Date.now();
    this.candidatesStale = false;
  }

  private async dropCorrupt(entry: EntryName, path: string, reason: string): Promise<void> {
    // Deleted rather than moved aside: it can never be delivered, and keeping it would hold
    // disk outside the bound. The loss is counted and reported instead.
    await unlink(path).catch((error: unknown) => {
      if (!isNotFound(error)) this.readFailed(error);
    });
    this.counters.corruptSkipped++;
    this.counters.corruptRecords += entry.records;
    this.current.files = Math.max(0, this.current.files - 1);
    this.current.bytes = Math.max(0, this.current.bytes - entry.bytes);
    this.current.records = Math.max(0, this.current.records - entry.records);
    reportWarning(
      new SpoolCorruptFileError({ signal: this.signal, path: join(this.dir, entry.name), reason }),
    );
    this.callback(() =>
      this.options.onCorrupt?.({
        file: entry.name,
        reason,
        records: entry.records,
        bytes: entry.bytes,
      }),
    );
  }

  /**
   * Lists the directory: ready entries oldest first and the total size of entry files. On the
   * way, deletes temp files whose writer is gone and renames claims whose owner is gone back to
   * ready (both are atomic; when two processes race, one gets ENOENT and moves on).
   */
  private async scan(): Promise<Scan> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if (isNotFound(error)) await this.ensureDir();
      else this.readFailed(error);
      return { ready: [], totalBytes: 0 };
    }
    const ready: EntryName[] = [];
    let totalBytes = 0;
    let records = 0;
    let claimed = 0;
    for (const name of names) {
      const parsed = parseName(name);
      if (parsed === undefined) continue;
      if (parsed.kind === 'temp') {
        if (await this.isAbandoned(parsed.owner, name)) {
          await unlink(join(this.dir, name)).catch(() => undefined);
        }
        continue;
      }
      if (parsed.kind === 'claimed') {
        const owner = parsed.owner;
        if (owner && (await this.isAbandoned(owner, name)) && (await this.reclaim(parsed))) {
          ready.push({
            kind: 'ready',
            name: readyName(parsed.id),
            id: parsed.id,
            ...sizes(parsed),
          });
        } else {
          claimed++;
        }
      } else {
        ready.push(parsed);
      }
      totalBytes += parsed.bytes;
      records += parsed.records;
    }
    ready.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.current.files = ready.length + claimed;
    this.current.bytes = totalBytes;
    this.current.records = records;
    this.current.claimed = claimed;
    return { ready, totalBytes };
  }

  /** Whether a claim or temp file's owner will never act on it again. */
  private async isAbandoned(owner: Owner, name: string): Promise<boolean> {
    const state = ownerState(owner);
    if (state !== 'foreign') return state === 'gone';
    try {
      const { mtimeMs } = await stat(join(this.dir, name));
      return Date.now() - mtimeMs > FOREIGN_OWNER_LEASE_MS;
    } catch {
      return false; // gone already, or unreadable: leave it to the next scan
    }
  }

  private async reclaim(entry: EntryName): Promise<boolean> {
    try {
      await rename(join(this.dir, entry.name), join(this.dir, readyName(entry.id)));
      debug(`sprintlens spool: reclaimed ${entry.name} of a process that is gone`);
      return true;
    } catch (error) {
      if (!isNotFound(error)) this.readFailed(error);
      return false;
    }
  }

  private async unclaim(claimed: string, id: string): Promise<void> {
    try {
      await rename(join(this.dir, claimed), join(this.dir, readyName(id)));
      this.current.claimed = Math.max(0, this.current.claimed - 1);
      // It is older than what the cached list still holds: list again so it goes first.
      this.candidatesStale = true;
    } catch (error) {
      if (!isNotFound(error)) this.readFailed(error);
    }
  }

  private takeHeld(entry: SpoolEntry, what: string): string | undefined {
    if (typeof entry !== 'object' || entry === null || typeof entry.id !== 'string') {
      throw new TypeError(`DiskSpool.${what}: not a spool entry`);
    }
    const name = this.held.get(entry.id);
    if (name === undefined) {
      debug(`sprintlens spool: ${what} of an entry this spool does not hold: ${entry.id}`);
      return undefined;
    }
    this.held.delete(entry.id);
    return name;
  }

  private async ensureDir(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      this.readFailed(error);
    }
  }

  private countEvicted(e: { records: number; bytes: number }): void {
    this.counters.evicted++;
    this.counters.evictedRecords += e.records;
    this.counters.evictedBytes += e.bytes;
  }

  private reportFull(): void {
    reportWarning(
      new SpoolFullError({ signal: this.signal, path: this.dir, maxBytes: this.maxBytes }),
    );
  }

  private readFailed(error: unknown): void {
    reportWarning(new SpoolReadFailedError({ signal: this.signal, path: this.dir, cause: error }));
  }

  /** A throwing user callback must not break the spool. */
  private callback(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      debug(`sprintlens spool: a callback threw: ${codeOf(error)}`);
    }
  }
}

function sizes(entry: EntryName): { bytes: number; records: number } {
  return { bytes: entry.bytes, records: entry.records };
}

function bytesOf(id: string): number {
  const parsed = parseName(readyName(id));
  return parsed && parsed.kind === 'ready' ? parsed.bytes : 0;
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function codeOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? error.name : `${error.name} ${code}`;
  }
  return typeof error;
}
