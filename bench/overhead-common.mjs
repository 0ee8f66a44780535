// What the per-call/per-chunk overhead benchmarks (ai-sdk, langchain) share: their CPU rounds, and
// their Markdown tables of the spans each variant emits, CPU time and instruction counts, each
// with the added cost over the `baseline` variant. `unit` names what one operation is (`call`, `invoke`): the key of the
// per-operation figure in each variant's measures and the word in the column headers.
import { formatMicros as fmt, median, runJsonChild } from './llm-bench-support.mjs';

const count = (n) => Math.round(n).toLocaleString('en-US');

/** The spans of one operation and of one stream, per variant (`inventory[v][unit]`, `.stream`). */
export function spanInventory({ variants, labels, inventory, unit, noun = unit }) {
  const lines = [`What each variant emits (spans of one ${noun}, then of one stream):`, ''];
  for (const v of variants) {
    const { [unit]: one, stream } = inventory[v];
    lines.push(`${labels[v]}: ${one.length} spans per ${unit}, ${stream.length} per stream`);
    for (const s of one) lines.push(`    ${s}`);
    if (stream.join() !== one.join()) {
      lines.push('  stream:');
      for (const s of stream) lines.push(`    ${s}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

/** CPU µs per operation, per stream of `chunks` and per chunk, with what each adds. */
export function cpuTable({ variants, labels, timing, unit, chunks, heading }) {
  const base = timing.baseline;
  const lines = [
    heading,
    '',
    `| variant | µs / ${unit} | added µs / ${unit} | µs / stream (${chunks} chunks) | µs / chunk | added µs / chunk |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const v of variants) {
    const t = timing[v];
    const dash = v === 'baseline' || base === undefined;
    lines.push(
      `| ${labels[v]} | ${fmt(t[unit])} | ${dash ? '—' : fmt(t[unit] - base[unit])} | ${fmt(t.stream)} | ${t.chunk.toFixed(2)} | ${dash ? '—' : (t.chunk - base.chunk).toFixed(2)} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** Instructions per operation and per chunk, with what each adds. */
export function instructionsTable({ variants, labels, counts, unit, heading }) {
  const base = counts.baseline;
  const lines = [
    heading,
    '',
    `| variant | instructions / ${unit} | added / ${unit} | instructions / chunk | added / chunk |`,
    '|---|---:|---:|---:|---:|',
  ];
  for (const v of variants) {
    const c = counts[v];
    const dash = v === 'baseline' || base === undefined;
    lines.push(
      `| ${labels[v]} | ${count(c[unit])} | ${dash ? '—' : count(c[unit] - base[unit])} | ${count(c.chunk)} | ${dash ? '—' : count(c.chunk - base.chunk)} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * The CPU section of an overhead benchmark: `rounds` rounds of one child process per variant
 * (`script --child <variant> <url>`, printing its JSON measures), then per variant the median
 * over the rounds of the per-`unit`, per-chunk and per-stream times, and the span inventory of
 * its first run.
 */
export async function cpuRounds({ variants, url, rounds, script, unit }) {
  const runs = Object.fromEntries(variants.map((v) => [v, []]));
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      runs[variant].push(
        await runJsonChild({ name: variant, script, args: ['--child', variant, url] }),
      );
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  const out = {};
  for (const v of variants) {
    out[v] = {
      [unit]: median(runs[v].map((r) => r[unit])),
      chunk: median(runs[v].map((r) => r.chunk)),
      stream: median(runs[v].map((r) => r.stream)),
      inventory: runs[v][0].inventory,
    };
  }
  return out;
}
