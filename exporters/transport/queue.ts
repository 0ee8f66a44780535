/**
 * The bounded in-memory queue in front of the batcher, bounded by records and by estimated
 * bytes.
 *
 * Policy when full: **drop newest** (the arriving items are refused and counted as
 * `queue_full`). Why: what is queued is already paid for (estimated, ordered, possibly half of
 * a trace whose other spans were sent); refusing at the door costs O(1) and never touches the
 * batch being assembled; and during a long outage the disk spool, not memory, is the place
 * that keeps older data, so memory keeps the head of the backlog that will be sent first.
 */

interface Entry<T> {
  item: T;
  records: number;
  bytes: number;
}

/** A FIFO of items with running record and byte totals. */
export class BoundedQueue<T> {
  private entries: Entry<T>[] = [];
  private head = 0;
  private recordCount = 0;
  private byteCount = 0;

  constructor(private readonly bounds: { maxRecords: number; maxBytes: number }) {}

  get records(): number {
    return this.recordCount;
  }

  get bytes(): number {
    return this.byteCount;
  }

  get length(): number {
    return this.entries.length - this.head;
  }

  /** Adds an item if it fits in both bounds; `false` (and nothing changed) when it does not. */
  offer(item: T, records: number, bytes: number): boolean {
    if (
      this.recordCount + records > this.bounds.maxRecords ||
      this.byteCount + bytes > this.bounds.maxBytes
    ) {
      return false;
    }
    this.entries.push({ item, records, bytes });
    this.recordCount += records;
    this.byteCount += bytes;
    return true;
  }

  /**
   * Removes items from the head: at most `maxRecords` records and `maxBytes` estimated bytes,
   * but always at least one item when the queue is not empty.
   */
  take(maxRecords: number, maxBytes: number): { items: T[]; records: number; bytes: number } {
    const items: T[] = [];
    let records = 0;
    let bytes = 0;
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head] as Entry<T>;
      if (
        items.length > 0 &&
        (records + entry.records > maxRecords || bytes + entry.bytes > maxBytes)
      ) {
        break;
      }
      items.push(entry.item);
      records += entry.records;
      bytes += entry.bytes;
      this.head += 1;
    }
    this.recordCount -= records;
    this.byteCount -= bytes;
    // Compact now and then, so the array does not grow forever (amortised O(1)).
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return { items, records, bytes };
  }
}
