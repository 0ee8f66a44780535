/**
 * File names in a spool directory. Everything the directory scan needs (order, size, record
 * count, owner of a claim) is in the name, so a scan is one `readdir` and no `stat` per file.
 *
 *     ready    <createdAt:15 digits>-<pid>-<seq:8 hex>-<instance>-<bytes>-<records>.spool
 *     claimed  <ready id>.claimed-<owner host>-<owner pid>-<owner instance>
 *     temp     .tmp-<writer host>-<writer pid>-<writer instance>-<seq>   (never an entry)
 *
 * Owner fields are an {@link Owner}; `host` is a tag of the host and pid namespace.
 *
 * Ready names sort lexicographically in creation order (zero-padded time, then a process-wide
 * sequence), which is the delivery order. The writer's instance id keeps names unique even for
 * a restarted process that got the same pid while the clock stepped back: a rename must never
 * replace another entry. A claimed file keeps its id, so a released entry returns to its place.
 */
export const READY_SUFFIX = '.spool';
const CLAIM_MARK = '.claimed-';
const TEMP_PREFIX = '.tmp-';

/** The process (and spool instance within it) that owns a claim or a temp file. */
export interface Owner {
  /** 8 hex digits identifying the host and pid namespace; pids compare only within one. */
  readonly host: string;
  readonly pid: number;
  readonly instance: string;
}

/** An entry file, ready or claimed. */
export interface EntryName {
  readonly kind: 'ready' | 'claimed';
  readonly name: string;
  /** The ready id (name without suffix), stable across claim and release. */
  readonly id: string;
  readonly bytes: number;
  readonly records: number;
  /** Owner of a claim (claimed files only). */
  readonly owner?: Owner;
}

/** A temporary file a writer has not yet renamed into place. */
export interface TempName {
  readonly kind: 'temp';
  readonly name: string;
  readonly owner: Owner;
}

/** The id of a new entry. */
export function entryId(options: {
  createdAt: number;
  pid: number;
  seq: number;
  instance: string;
  bytes: number;
  records: number;
}): string {
  const time = String(Math.max(0, Math.floor(options.createdAt))).padStart(15, '0');
  const seq = (options.seq >>> 0).toString(16).padStart(8, '0');
  return `${time}-${options.pid}-${seq}-${options.instance}-${options.bytes}-${options.records}`;
}

export function readyName(id: string): string {
  return id + READY_SUFFIX;
}

export function claimedName(id: string, owner: Owner): string {
  return `${id}${CLAIM_MARK}${owner.host}-${owner.pid}-${owner.instance}`;
}

export function tempName(owner: Owner, seq: number): string {
  return `${TEMP_PREFIX}${owner.host}-${owner.pid}-${owner.instance}-${seq}`;
}

/** Parses a directory entry; `undefined` for names that are not ours. */
export function parseName(name: string): EntryName | TempName | undefined {
  if (name.startsWith(TEMP_PREFIX)) {
    const owner = parseOwner(name.slice(TEMP_PREFIX.length), 4);
    return owner && { kind: 'temp', name, owner };
  }
  if (name.endsWith(READY_SUFFIX)) {
    const id = name.slice(0, -READY_SUFFIX.length);
    const sizes = parseId(id);
    return sizes && { kind: 'ready', name, id, ...sizes };
  }
  const mark = name.indexOf(CLAIM_MARK);
  if (mark <= 0) return undefined;
  const id = name.slice(0, mark);
  const sizes = parseId(id);
  const owner = parseOwner(name.slice(mark + CLAIM_MARK.length), 3);
  if (!sizes || !owner) return undefined;
  return { kind: 'claimed', name, id, ...sizes, owner };
}

/** `<host>-<pid>-<instance>[-<seq>]`, with exactly `parts` parts. */
function parseOwner(text: string, parts: number): Owner | undefined {
  const fields = text.split('-');
  if (fields.length !== parts) return undefined;
  const [host, pidText, instance] = fields;
  const pid = toInt(pidText);
  if (!host || pid === undefined || !instance) return undefined;
  return { host, pid, instance };
}

function parseId(id: string): { bytes: number; records: number } | undefined {
  const parts = id.split('-');
  if (parts.length !== 6 || parts[0]?.length !== 15) return undefined;
  const bytes = toInt(parts[4]);
  const records = toInt(parts[5]);
  if (bytes === undefined || records === undefined) return undefined;
  return { bytes, records };
}

function toInt(text: string | undefined): number | undefined {
  if (text === undefined || text.length === 0 || text.length > 15) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
