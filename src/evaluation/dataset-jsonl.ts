/**
 * JSON Lines: one JSON value per line. Blank lines are skipped silently; a line that is not
 * JSON is a problem of its own line, and the lines after it are read as usual.
 */
import type { RawProblem, RawRecord } from './dataset';

/** The values of `text`'s lines (1-based line numbers), and the lines that are not JSON. */
export function parseJsonlDataset(text: string): {
  records: RawRecord[];
  problems: RawProblem[];
} {
  const records: RawRecord[] = [];
  const problems: RawProblem[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] as string;
    const line = index === 0 ? raw.replace(/^\uFEFF/, '') : raw; // a byte-order mark
    if (line.trim() === '') continue;
    try {
      records.push({ line: index + 1, value: JSON.parse(line) as unknown });
    } catch (error) {
      // Only the position: V8's message may quote the line, and a dataset's content stays out
      // of diagnostics.
      const position = error instanceof SyntaxError ? /position (\d+)/.exec(error.message) : null;
      const detail = position === null ? '' : ` (at character ${Number(position[1]) + 1})`;
      problems.push({ line: index + 1, reason: `not JSON${detail}` });
    }
  }
  return { records, problems };
}
