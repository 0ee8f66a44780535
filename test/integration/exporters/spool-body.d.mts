/** Deterministic body of `size` bytes for spool entry `index`. */
export function bodyFor(index: number, size: number): Uint8Array;
