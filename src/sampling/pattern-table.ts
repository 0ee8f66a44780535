/**
 * The bounded table of patterns the sampler has seen: per pattern, its first-occurrence count,
 * its budget state, and its statistics for the current report window.
 *
 * Least-recently-used eviction keeps the table at its bound whatever the app logs. Recency is an
 * intrusive doubly-linked list through the entries, so touching an entry on every record is a
 * few pointer writes, not a `Map` delete-and-reinsert.
 */

/** One pattern's state. Fields are mutated in place by the sampler (no per-record allocation). */
export class PatternEntry {
  prev: PatternEntry | null = null;
  next: PatternEntry | null = null;
  /** Set once the entry left the table; holders of a reference (template cache) re-look up. */
  evicted = false;
  /** Records seen since the entry was created (saturates far above any first-occurrence limit). */
  seen = 0;
  /** Severity class of the last record (reported with the window stats). */
  severity = 2;
  /** Report window statistics. */
  windowCount = 0;
  windowKept = 0;
  /** Budget: start of the current budget window (clock ms) and records in it. */
  budgetStart = 0;
  budgetCount = 0;
  /** Budget: smoothed arrival rate in lines per minute; negative until a window completed. */
  ratePerMinute = -1;
  /** Policy rate cached with the generation it was read from (`NaN`: the policy has none). */
  policyRate = NaN;
  policyGeneration = -1;

  constructor(
    readonly id: string,
    readonly template: string,
  ) {}
}

export class PatternTable {
  private readonly byId = new Map<string, PatternEntry>();
  /** Most recently used. */
  private head: PatternEntry | null = null;
  /** Least recently used: the next to go. */
  private tail: PatternEntry | null = null;
  /** Entries evicted since creation. */
  evictions = 0;

  constructor(readonly maxEntries: number) {}

  get size(): number {
    return this.byId.size;
  }

  /** The entry of `id`, moved to the front, or `undefined`. */
  get(id: string): PatternEntry | undefined {
    const entry = this.byId.get(id);
    if (entry !== undefined) this.touch(entry);
    return entry;
  }

  /** Marks `entry` (which must be in the table) as just used. */
  touch(entry: PatternEntry): void {
    if (this.head === entry) return;
    // Unlink (entry is not the head, so it has a prev).
    const prev = entry.prev;
    const next = entry.next;
    if (prev !== null) prev.next = next;
    if (next !== null) next.prev = prev;
    else this.tail = prev;
    // Link at the front.
    entry.prev = null;
    entry.next = this.head;
    if (this.head !== null) this.head.prev = entry;
    this.head = entry;
    if (this.tail === null) this.tail = entry;
  }

  /** Adds a new entry at the front, evicting the least recently used one when full. */
  insert(id: string, template: string): PatternEntry {
    if (this.byId.size >= this.maxEntries) this.evictTail();
    const entry = new PatternEntry(id, template);
    this.byId.set(id, entry);
    entry.next = this.head;
    if (this.head !== null) this.head.prev = entry;
    this.head = entry;
    if (this.tail === null) this.tail = entry;
    return entry;
  }

  private evictTail(): void {
    const victim = this.tail;
    if (victim === null) return;
    this.tail = victim.prev;
    if (this.tail !== null) this.tail.next = null;
    else this.head = null;
    victim.prev = null;
    victim.next = null;
    victim.evicted = true;
    this.byId.delete(victim.id);
    this.evictions++;
  }

  /** Every entry, most recently used first. */
  *entries(): IterableIterator<PatternEntry> {
    for (let e = this.head; e !== null; e = e.next) yield e;
  }
}
