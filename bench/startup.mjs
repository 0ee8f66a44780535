// Start-up cost and peak memory of the register entries, side by side in one run:
//   bare node, sprintlens (this checkout, or `--sprintlens DIR`), sprintlens before
//   (`--before DIR`, another built checkout) and `@opentelemetry/auto-instrumentations-node`
//   (the alternative), each on `-e 0` and on a tiny Express 5 app that starts listening and
//   exits (bench/express-app.cjs / .mjs), under `--require` (CommonJS) and `--import` (ES
//   module; for the contrib register with its documented loader hook).
// `--breakdown` measures instead where sprintlens's cost goes: `node -e` requiring the layers
// it loads one after the other (the OpenTelemetry SDK, the bundled instrumentations, …).
// Every run is wrapped in /usr/bin/time: wall time from spawn to exit, CPU time (user +
// system) and the kernel's peak resident set size (ru_maxrss) of the process; nothing is
// injected into it. Runs are interleaved (ABCD… ABCD…) so that machine noise hits every
// variant alike.
// Usage: npm run bench:setup && npm run build &&
//   node_modules/.bin/node bench/startup.mjs [runs] [--before DIR] [--sprintlens DIR]
//     [--also 'LABEL=DIR' …]   (more sprintlens builds as rows, e.g. a proposed change)
//   node_modules/.bin/node bench/startup.mjs [runs] --breakdown [--sprintlens DIR]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { variantEnv } from './variant-env.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    before: { type: 'string' },
    sprintlens: { type: 'string', default: join(benchDir, '..') },
    breakdown: { type: 'boolean', default: false },
    also: { type: 'string', multiple: true, default: [] },
  },
});
const runs = Number(positionals[0] ?? 20);
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) {
  console.error('/usr/bin/time is missing (Debian package `time`): it measures peak RSS');
  process.exit(1);
}
if (!existsSync(join(benchDir, 'node_modules/@opentelemetry/auto-instrumentations-node'))) {
  console.error('bench dependencies missing: run `npm run bench:setup` first');
  process.exit(1);
}

/** The CommonJS and ES-module register entries of a built sprintlens checkout. */
function entries(dir) {
  const root = resolve(dir);
  const cjs = join(root, 'dist/src/register/register.js');
  if (!existsSync(cjs)) {
    console.error(`${dir} has no build (${cjs}): run \`npm run build\` there`);
    process.exit(1);
  }
  return { root, cjs, esm: pathToFileURL(join(root, 'dist/src/register/register.mjs')).href };
}
const current = entries(flags.sprintlens);
const before = flags.before === undefined ? undefined : entries(flags.before);
// Each build compared: `label` goes into the row names ('' for this checkout).
const builds = [
  { label: '', ...current },
  ...(before ? [{ label: ' before', ...before }] : []),
  ...flags.also.map((spec) => {
    const at = spec.indexOf('=');
    return { label: ` (${spec.slice(0, at)})`, ...entries(spec.slice(at + 1)) };
  }),
];

const variants = flags.breakdown ? breakdownVariants() : comparisonVariants();
// `base` names the row a variant is compared with.
for (const [index, v] of variants.entries()) {
  v.base ??= flags.breakdown ? variants[Math.max(index - 1, 0)].name : v.name;
}

/** Each entry on `-e 0` and on the Express app; `base`: the same program uninstrumented. */
function comparisonVariants() {
  const cjsApp = join(benchDir, 'express-app.cjs');
  const esmApp = join(benchDir, 'express-app.mjs');
  const autoRegister = '@opentelemetry/auto-instrumentations-node/register';
  // OpenTelemetry's documented ES-module set-up: its loader hook, then the register entry.
  const autoEsm = ['--experimental-loader=@opentelemetry/instrumentation/hook.mjs', '--import'];
  const rows = [];
  const add = (group, name, args, base) => rows.push({ group, name, args, base });
  add('-e 0', 'node -e 0', ['-e', '0']);
  for (const b of builds) {
    add('-e 0', `--require sprintlens${b.label}`, ['--require', b.cjs, '-e', '0'], 'node -e 0');
    add('-e 0', `--import sprintlens${b.label}`, ['--import', b.esm, '-e', '0'], 'node -e 0');
  }
  add(
    '-e 0',
    '--require auto-instrumentations',
    ['--require', autoRegister, '-e', '0'],
    'node -e 0',
  );
  add(
    '-e 0',
    '--import auto-instrumentations (+ loader hook)',
    [...autoEsm, autoRegister, '-e', '0'],
    'node -e 0',
  );
  add('Express app', 'node app.cjs', [cjsApp]);
  for (const b of builds) {
    const args = ['--require', b.cjs, cjsApp];
    add('Express app', `--require sprintlens${b.label} app.cjs`, args, 'node app.cjs');
  }
  const autoCjs = ['--require', autoRegister, cjsApp];
  add('Express app', '--require auto-instrumentations app.cjs', autoCjs, 'node app.cjs');
  add('Express app', 'node app.mjs', [esmApp]);
  for (const b of builds) {
    const args = ['--import', b.esm, esmApp];
    add('Express app', `--import sprintlens${b.label} app.mjs`, args, 'node app.mjs');
  }
  const autoMjs = [...autoEsm, autoRegister, esmApp];
  add(
    'Express app',
    '--import auto-instrumentations (+ loader hook) app.mjs',
    autoMjs,
    'node app.mjs',
  );
  return rows;
}

/**
 * `node -e` loading, from sprintlens's own node_modules, what `--require sprintlens/register`
 * loads, one layer more per row; the last row is the register entry itself.
 */
function breakdownVariants() {
  const sdk = ['api', 'core', 'semantic-conventions', 'resources'];
  const providers = ['sdk-trace', 'sdk-logs', 'sdk-metrics', 'context-async-hooks', 'api-logs'];
  const bundled = [
    ['instrumentation-http', 'HttpInstrumentation'],
    ['instrumentation-undici', 'UndiciInstrumentation'],
    ['instrumentation-express', 'ExpressInstrumentation'],
    ['instrumentation-koa', 'KoaInstrumentation'],
  ];
  const req = `require('node:module').createRequire(${JSON.stringify(join(current.root, 'package.json'))})`;
  const load = (names) => names.map((n) => `r('@opentelemetry/${n}');`).join('');
  const layers = [
    ['node -e 0', ''],
    ['+ @opentelemetry/api, core, semantic-conventions, resources', load(sdk)],
    ['+ sdk-trace, sdk-logs, sdk-metrics, context-async-hooks, api-logs', load(providers)],
    ['+ @opentelemetry/instrumentation (require/import hooks)', load(['instrumentation'])],
    [
      '+ instrumentation-http, -undici, -express, -koa (constructed), node:http',
      `${bundled.map(([p, c]) => `new (r('@opentelemetry/${p}').${c})();`).join('')}r('node:http');`,
    ],
    ['+ node:https (with node:tls)', "r('node:https');"],
    ['+ prom-client (which loads node:https, zlib, v8, perf_hooks)', "r('prom-client');"],
  ];
  const rows = [];
  let code = '';
  for (const [name, more] of layers) {
    code += more;
    rows.push({ group: 'breakdown', name, args: ['-e', code ? `const r=${req};${code}` : '0'] });
  }
  // sprintlens itself, with fewer instrumentations each row up to all of them: each compared
  // with the floor (the SDK and the bundled OpenTelemetry instrumentations, no sprintlens).
  const floor = rows[4].name;
  const ours = 'openai,anthropic,pino,winston,bunyan,console';
  const theirs = 'http,undici,express,koa,fastify';
  const register = ['--require', current.cjs, '-e', '0'];
  rows.push(
    {
      group: 'breakdown',
      name: '`--require sprintlens/register -e 0`, no instrumentation',
      args: register,
      env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: `${theirs},${ours}` },
      base: floor,
    },
    {
      group: 'breakdown',
      name: '`--require sprintlens/register -e 0`, HTTP and frameworks only',
      args: register,
      env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: ours },
      base: floor,
    },
    {
      group: 'breakdown',
      name: '`--require sprintlens/register -e 0` (everything)',
      args: register,
      base: floor,
    },
  );
  return rows;
}

// A local OTLP sink answering 200 to everything, so that whatever a variant exports at exit
// succeeds at once: we measure start-up and a clean exit, not a retry loop against a dead port.
// Each variant exports under its own path prefix, so the sink can say who exported what.
const exportsBy = new Map();
const sink = createServer((req, res) => {
  const key = req.url.split('/')[1];
  exportsBy.set(key, (exportsBy.get(key) ?? 0) + 1);
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
await new Promise((done) => sink.listen(0, '127.0.0.1', done));
const sinkUrl = `http://127.0.0.1:${sink.address().port}`;

const env = variantEnv();

const scratch = mkdtempSync(join(tmpdir(), 'sprintlens-startup-'));
function timeRun(v, index) {
  const out = join(scratch, `${index}.time`);
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(TIME, ['-f', '%M %U %S', '-o', out, process.execPath, ...v.args], {
      cwd: benchDir,
      env: { ...env, ...v.env, OTEL_EXPORTER_OTLP_ENDPOINT: `${sinkUrl}/${index}` },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) {
        fail(new Error(`${v.args.join(' ')} exited ${code}\n${stderr}`));
        return;
      }
      const [rssKiB, user, system] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ');
      done({ ms, cpuMs: (Number(user) + Number(system)) * 1000, rssKiB: Number(rssKiB) });
    });
  });
}

const samples = variants.map(() => ({ ms: [], cpuMs: [], rssKiB: [] }));
for (let i = 0; i < runs + 2; i++) {
  for (const [index, v] of variants.entries()) {
    const sample = await timeRun(v, index);
    if (i < 2) continue; // two warm-up rounds fill the disk cache
    for (const key of Object.keys(sample)) samples[index][key].push(sample[key]);
  }
}
sink.close();
rmSync(scratch, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
const byName = new Map(variants.map((v, index) => [v.name, index]));

console.log(
  `Node ${process.version}, ${runs} runs each, interleaved; wall time from spawn to exit and ` +
    `CPU time (user + system) through /usr/bin/time (10 ms resolution), peak RSS (ru_maxrss)\n`,
);
const added = flags.breakdown ? 'added over the row above' : 'added';
for (const group of [...new Set(variants.map((v) => v.group))]) {
  if (!flags.breakdown) console.log(`### ${group}\n`);
  console.log(
    `| command | median ms | p90 ms | ${added} ms | CPU ms (median) | ${added}, CPU ms | ` +
      `peak RSS MiB (median) | ${added} MiB | exports at exit per run |`,
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [index, v] of variants.entries()) {
    if (v.group !== group) continue;
    const s = samples[index];
    const base = samples[byName.get(v.base)];
    const isBase = v.base === v.name;
    const diff = (key, scale = 1) =>
      isBase ? '' : ((median(s[key]) - median(base[key])) / scale).toFixed(1);
    const exported = (exportsBy.get(String(index)) ?? 0) / (runs + 2);
    const name = v.name.startsWith('`') || v.name.startsWith('+') ? v.name : `\`${v.name}\``;
    console.log(
      `| ${name} | ${median(s.ms).toFixed(1)} | ${p90(s.ms).toFixed(1)} | ${diff('ms')} | ` +
        `${median(s.cpuMs).toFixed(0)} | ${diff('cpuMs')} | ` +
        `${(median(s.rssKiB) / 1024).toFixed(1)} | ${diff('rssKiB', 1024)} | ${exported.toFixed(1)} |`,
    );
  }
  if (flags.breakdown) {
    console.log(
      '\nThe `--require sprintlens/register` rows are compared with the bundled-instrumentations ' +
        'row (the floor), not with the row above.',
    );
  }
  console.log('');
}
