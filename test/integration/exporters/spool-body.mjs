// The body of spool entry `index`, shared by spool-child.mjs (which writes it from another
// process) and the tests (which recompute it to check what they read back, byte for byte).

/** Deterministic body of `size` bytes for entry `index`. */
export function bodyFor(index, size) {
  const body = new Uint8Array(size);
  let x = Math.imul(index + 1, 2654435761) >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    body[i] = x >>> 24;
  }
  return body;
}
