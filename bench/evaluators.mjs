// Time to evaluate 10,000 item runs with each built-in evaluator that calls no model, on the
// built package (the figure docs/performance.md quotes).
//
// Usage: npm run build && node_modules/.bin/node bench/evaluators.mjs [--items N] [--rounds R]
//   --root DIR  a built checkout to measure instead of this one (its dist/ and node_modules)
//   --items N   item runs per round (default 10000)
//   --rounds R  timed rounds per evaluator, after one warm-up round (default 7); the median
//               and the fastest round are printed (on a busy machine the fastest is the
//               better estimate of the evaluator's own cost)
//
// The items are made here from a seeded generator, so every run measures the same data:
// references of 15-40 words from a 400-word vocabulary, outputs that copy them with about 20%
// of the words replaced, dropped or added (ROUGE-L and BLEU do real work), JSON objects for the
// JSON evaluators, and a 256-dimension hashed bag of words as the "embedding" (so the
// semanticSimilarity row is the evaluator's own cost, not a model's). Each evaluation is
// awaited, as the runner does.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from './log-sampling/inputs.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const flag = (name, fallback) => Number(option(name) ?? fallback);

const ROOT = resolve(option('--root') ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const require = createRequire(join(ROOT, 'package.json'));
const evaluators = require('./dist/src/evaluation/evaluators/index.js');
const ITEMS = flag('--items', 10_000);
const ROUNDS = flag('--rounds', 7);

const random = rng(20260101);
const pick = (list) => list[Math.floor(random() * list.length)];
const VOCABULARY = Array.from({ length: 400 }, (_, i) => {
  let word = '';
  for (let n = i + 1; n > 0; n = Math.floor(n / 7)) word += 'aeioulnrstkmpd'[(n * 5 + i) % 14];
  return word + 'a'.repeat(i % 3);
});

function reference() {
  const length = 15 + Math.floor(random() * 26);
  return Array.from({ length }, () => pick(VOCABULARY));
}

function perturbed(words) {
  const out = [];
  for (const word of words) {
    const r = random();
    if (r < 0.07) continue; // dropped
    if (r < 0.14)
      out.push(pick(VOCABULARY)); // replaced
    else out.push(word);
    if (r > 0.94) out.push(pick(VOCABULARY)); // added
  }
  return out;
}

const EMBED_DIMENSIONS = 256;
function embed(text) {
  const vector = new Array(EMBED_DIMENSIONS).fill(0);
  for (const word of text.split(' ')) {
    let h = 2166136261;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
    vector[(h >>> 0) % EMBED_DIMENSIONS] += 1;
  }
  return vector;
}

const items = Array.from({ length: ITEMS }, (_, i) => {
  const ref = reference();
  const out = random() < 0.3 ? ref : perturbed(ref);
  const expected = ref.join(' ');
  const output = (i % 2 === 0 ? out.join(' ') : out.join(' ') + '.').replace(/^./, (c) =>
    c.toUpperCase(),
  );
  return {
    text: { input: `question ${i}`, output, expected, latencyMs: 50 + (i % 400), costUsd: 0.0004 },
    json: {
      input: `question ${i}`,
      output: JSON.stringify({
        answer: output,
        confidence: (i % 100) / 100,
        tags: ref.slice(0, 3),
      }),
      latencyMs: 80,
    },
  };
});

const SCHEMA = {
  type: 'object',
  properties: {
    answer: { type: 'string', minLength: 1 },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 5 },
  },
  required: ['answer', 'confidence'],
  additionalProperties: false,
};

const CASES = [
  ['exactMatch', evaluators.exactMatch({ ignoreCase: true }), 'text'],
  [
    'contains',
    evaluators.contains({ substrings: [VOCABULARY[3], VOCABULARY[7]], mode: 'any' }),
    'text',
  ],
  ['regex', evaluators.regex({ pattern: /\b(?:sorry|apolog\w*)\b/i, negate: true }), 'text'],
  ['validJson', evaluators.validJson(), 'json'],
  ['jsonSchema', evaluators.jsonSchema({ schema: SCHEMA }), 'json'],
  ['editDistance', evaluators.editDistance({ threshold: 0.8 }), 'text'],
  ['rougeL', evaluators.rougeL({ threshold: 0.5 }), 'text'],
  ['bleu', evaluators.bleu({ threshold: 0.3 }), 'text'],
  ['semanticSimilarity', evaluators.semanticSimilarity({ embed, threshold: 0.8 }), 'text'],
  ['latencyBudget', evaluators.latencyBudget({ maxMs: 300 }), 'text'],
  ['costBudget', evaluators.costBudget({ maxUsd: 0.001 }), 'text'],
];

async function round(evaluator, kind) {
  const start = process.hrtime.bigint();
  let sum = 0;
  for (const item of items) sum += (await evaluator.evaluate(item[kind])).score ?? 0;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, mean: sum / items.length };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

console.log(
  `Built-in evaluators, ${ITEMS} item runs each, ${ROUNDS} rounds after a warm-up ` +
    `(Node ${process.version}, ${process.platform}/${process.arch})`,
);
console.log('');
console.log(
  '| evaluator | ms per 10,000 items, median | fastest | µs per item, median | fastest | mean score |',
);
console.log('|---|---:|---:|---:|---:|---:|');
const totals = { median: 0, fastest: 0 };
const row = (name, medianMs, fastestMs, score) => {
  const per10k = (ms) => ((ms * 10_000) / ITEMS).toFixed(1);
  const perItem = (ms) => ((ms * 1000) / ITEMS).toFixed(2);
  console.log(
    `| ${name} | ${per10k(medianMs)} | ${per10k(fastestMs)} | ${perItem(medianMs)} | ` +
      `${perItem(fastestMs)} | ${score} |`,
  );
};
for (const [name, evaluator, kind] of CASES) {
  await round(evaluator, kind); // warm-up: lazy requires, JIT
  const rounds = [];
  let mean = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const result = await round(evaluator, kind);
    rounds.push(result.ms);
    mean = result.mean;
  }
  const medianMs = median(rounds);
  const fastestMs = Math.min(...rounds);
  totals.median += medianMs;
  totals.fastest += fastestMs;
  row(name, medianMs, fastestMs, mean.toFixed(3));
}
row('all of the above', totals.median, totals.fastest, '');
