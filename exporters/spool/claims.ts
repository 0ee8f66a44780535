import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { crc32 } from 'node:zlib';
import type { Owner } from './names';

/**
 * Who owns a claim or a temp file, and whether that owner is gone.
 *
 * An owner is (host, pid, instance):
 * - `host` tags the host and pid namespace: a pid can only be checked with `kill(pid, 0)` from
 *   the same namespace, and containers sharing a volume each have their own pid 1.
 * - `instance` is random per open spool: a restarted container often gets the same pid again,
 *   so a claim left by the previous incarnation would otherwise look alive forever. The ids
 *   live in this process are kept on `globalThis` (shared even if this module is loaded twice,
 *   e.g. as CommonJS and bundled).
 */
const REGISTRY_KEY = Symbol.for('sprintlens.spool.liveInstances');
const SEQUENCE_KEY = Symbol.for('sprintlens.spool.sequence');

/**
 * How long a claim or temp file of another host (or pid namespace) is trusted. Its owner
 * cannot be asked whether it lives; after this, the claim is taken back (at worst the batch is
 * sent twice) and the temp file deleted (no write takes this long).
 */
export const FOREIGN_OWNER_LEASE_MS = 10 * 60_000;

/** What can be known about an owner from here. */
export type OwnerState = 'alive' | 'gone' | 'foreign';

function liveInstances(): Set<string> {
  const holder = globalThis as { [REGISTRY_KEY]?: Set<string> };
  let set = holder[REGISTRY_KEY];
  if (!set) {
    set = new Set<string>();
    holder[REGISTRY_KEY] = set;
  }
  return set;
}

/**
 * Creates and registers a new instance id for this process. Ids stay registered for the life
 * of the process: a closed spool may still be finishing a write, and its temp file must not be
 * mistaken for a dead writer's.
 */
export function registerInstance(): string {
  const id = randomBytes(4).toString('hex');
  liveInstances().add(id);
  return id;
}

let cachedHostTag: string | undefined;

/** 8 hex digits for this host name and pid namespace (Linux; host name alone elsewhere). */
export function hostTag(): string {
  if (cachedHostTag === undefined) {
    let namespace = '';
    try {
      namespace = readlinkSync('/proc/self/ns/pid');
    } catch {
      // Not Linux, or /proc not mounted: the host name has to do.
    }
    cachedHostTag = (crc32(`${hostname()}\0${namespace}`) >>> 0).toString(16).padStart(8, '0');
  }
  return cachedHostTag;
}

/** The owner identity of a spool instance of this process. */
export function selfOwner(instance: string): Owner {
  return { host: hostTag(), pid: process.pid, instance };
}

/**
 * `gone` when the owner can no longer act on its file: its process does not exist, or it is
 * this process but no live spool instance has its id (a previous incarnation with this pid).
 * `foreign` when it lives in another host or pid namespace, where its pid means nothing here.
 */
export function ownerState(owner: Owner): OwnerState {
  if (owner.host !== hostTag()) return 'foreign';
  if (owner.pid === process.pid) return liveInstances().has(owner.instance) ? 'alive' : 'gone';
  return isProcessAlive(owner.pid) ? 'alive' : 'gone';
}

/** `kill(pid, 0)` sends nothing; it only asks whether the process exists. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A process-wide sequence number, so entries written in the same millisecond by different
 * spool instances of this process still sort in the order they were written.
 */
export function nextSequence(): number {
  const holder = globalThis as { [SEQUENCE_KEY]?: number };
  const seq = holder[SEQUENCE_KEY] ?? 0;
  holder[SEQUENCE_KEY] = (seq + 1) >>> 0;
  return seq;
}
