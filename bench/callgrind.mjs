// Instruction counts of a child process under `valgrind --tool=callgrind`, for benchmarks that
// compare hot paths by instructions (repeatable) as well as by CPU time (noisy on a shared
// machine). Run a child twice with two iteration counts: the difference of the totals over
// the difference of the counts is the cost of one iteration (start-up, module loading and
// warm-up cancel out).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Total instructions (callgrind's Ir) of `node --predictable <args...>`. Needs valgrind. */
export function callgrindInstructions(args) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-callgrind-'));
  try {
    const out = join(dir, 'callgrind.out');
    // --predictable: no background compiler or GC threads and no timer-driven heuristics, so
    // the count is repeatable (to a few in 100,000).
    const run = spawnSync(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${out}`,
        process.execPath,
        '--predictable',
        ...args,
      ],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`valgrind failed: ${run.stderr}`);
    const summary = /^summary:\s+(\d+)/m.exec(readFileSync(out, 'utf8'));
    if (summary === null) throw new Error(`no summary in ${out}`);
    return Number(summary[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * As {@link callgrindInstructions}, without blocking this process's event loop (for benches
 * whose child talks to a server living in this process).
 */
export async function callgrindInstructionsAsync(args) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-callgrind-'));
  try {
    const out = join(dir, 'callgrind.out');
    const child = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${out}`,
        process.execPath,
        '--predictable',
        ...args,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const status = await new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (status !== 0) throw new Error(`valgrind failed: ${stderr}`);
    const summary = /^summary:\s+(\d+)/m.exec(readFileSync(out, 'utf8'));
    if (summary === null) throw new Error(`no summary in ${out}`);
    return Number(summary[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
