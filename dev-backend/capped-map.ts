/**
 * A map with a cap on its keys, for the summaries: past the cap, new keys are folded into one
 * {@link OTHER} entry, so memory stays bounded whatever the traffic.
 */

/** Key of the entry that collects what is past a grouping's cap. */
export const OTHER = '(other)';

/** A map that folds keys past its cap into {@link OTHER}. */
export class CappedMap<V extends object> {
  private readonly map = new Map<string, V>();

  constructor(
    private readonly cap: number,
    private readonly create: (key: string) => V,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** The entry of `key` (or of {@link OTHER} once the cap is reached). */
  entry(key: string): V {
    let value = this.map.get(key);
    if (value !== undefined) return value;
    const slot = this.map.size >= this.cap ? OTHER : key;
    value = this.map.get(slot);
    if (value === undefined) {
      value = this.create(slot);
      this.map.set(slot, value);
    }
    return value;
  }

  values(): V[] {
    return [...this.map.values()];
  }

  /** Copies of the entries (a snapshot must not share live ones), sorted by `compare` if given. */
  copies(compare?: (a: V, b: V) => number): V[] {
    const values = this.values();
    if (compare !== undefined) values.sort(compare);
    return values.map((value) => ({ ...value }));
  }
}
