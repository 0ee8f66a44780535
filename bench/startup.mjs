// Start-up cost of the register entries, side by side in one run:
//   node -e 0                                                        (baseline)
//   node --require sprintlens/register -e 0
//   node --import  sprintlens/register -e 0
//   node --require @opentelemetry/auto-instrumentations-node/register -e 0   (the alternative)
// Runs are interleaved (ABCD ABCD …) so that machine noise hits every variant alike.
// Usage: npm run bench:setup && npm run build && node_modules/.bin/node bench/startup.mjs [runs]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.argv[2] ?? 30);

const link = join(benchDir, 'node_modules/sprintlens');
if (!existsSync(join(benchDir, 'node_modules/@opentelemetry/auto-instrumentations-node'))) {
  console.error('bench dependencies missing: run `npm run bench:setup` first');
  process.exit(1);
}
if (!existsSync(link)) {
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync('../..', link, 'dir');
}

const variants = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: '--require sprintlens/register', args: ['--require', 'sprintlens/register', '-e', '0'] },
  { name: '--import sprintlens/register', args: ['--import', 'sprintlens/register', '-e', '0'] },
  {
    name: '--require @opentelemetry/auto-instrumentations-node/register',
    args: ['--require', '@opentelemetry/auto-instrumentations-node/register', '-e', '0'],
  },
];

// Same environment for all: nothing listens on the default OTLP port, nothing is exported.
// A local OTLP sink answering 200 to everything, so that whatever a variant exports at exit
// succeeds at once: we measure start-up and a clean exit, not a retry loop against a dead port.
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkUrl = `http://127.0.0.1:${sink.address().port}`;

// Resource detectors limited to what sprintlens detects (env, host, os, process): the contrib
// default also probes cloud metadata endpoints, which stalls for seconds on a machine without them.
const env = {
  ...process.env,
  OTEL_LOG_LEVEL: 'none',
  OTEL_SERVICE_NAME: 'bench',
  OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
  OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
};

function timeRun(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: benchDir, env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`${args.join(' ')} exited ${code}`));
    });
  });
}
for (const key of Object.keys(env)) if (key.startsWith('SPRINTLENS_')) delete env[key];

const times = variants.map(() => []);
for (let i = 0; i < runs + 2; i++) {
  for (const [v, variant] of variants.entries()) {
    const ms = await timeRun(variant.args);
    if (i >= 2) times[v].push(ms); // two warm-up rounds fill the disk cache
  }
}
sink.close();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
const base = median(times[0]);
const alternative = median(times[3]) - base;
console.log(`Node ${process.version}, ${runs} runs each, interleaved\n`);
console.log(
  '| command | median ms | p90 ms | added vs `node -e 0` | added, ratio to auto-instrumentations |',
);
console.log('|---|---:|---:|---:|---:|');
variants.forEach((variant, v) => {
  const m = median(times[v]);
  const added = m - base;
  const ratio = v === 0 ? '' : (added / alternative).toFixed(2);
  console.log(
    `| \`${variant.name}\` | ${m.toFixed(1)} | ${p90(times[v]).toFixed(1)} | ${v === 0 ? '' : added.toFixed(1)} | ${ratio} |`,
  );
});
