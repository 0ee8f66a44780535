#!/usr/bin/env bash
# Packs sprintlens, installs the tarball into a throwaway app and checks that the published
# files work: require and import of the package, --require and --import of the register entry,
# the CLI, and the TypeScript types for CommonJS and ES-module consumers.
set -euo pipefail
export npm_config_loglevel=error
cd "$(dirname "$0")/.."
repo="$PWD"
node="$repo/node_modules/.bin/node"
tsc="$repo/node_modules/typescript/bin/tsc"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

npm pack --pack-destination "$work" >/dev/null
tarball="$(ls "$work"/sprintlens-*.tgz)"
echo "packed $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"
if tar -tzf "$tarball" | grep -E 'package/(test|bench|src|examples|dev-backend)/|\.ts$' | grep -v '\.d\.m\?ts$' ; then
  echo "unexpected files in the package" >&2
  exit 1
fi
# The dev backend ships beside the runtime (dist/dev-backend), for `npx sprintlens dev-backend`.
tar -tzf "$tarball" > "$work/files.txt"
grep -q '^package/dist/dev-backend/cli\.js$' "$work/files.txt" || {
  echo "dist/dev-backend is missing from the package" >&2
  exit 1
}

app="$work/app"
mkdir -p "$app"
cd "$app"
echo '{ "name": "smoke-app", "version": "3.1.4", "private": true }' > package.json
npm install --no-audit --no-fund "$tarball" @opentelemetry/api@^1.10.0 @types/node@^24 >/dev/null

cat > app.cjs <<'JS'
const { trace } = require('@opentelemetry/api');
const sprintlens = require('sprintlens');
if (typeof sprintlens.start !== 'function' || typeof sprintlens.getInstrumentations !== 'function') {
  throw new Error('missing exports');
}
const started = globalThis[Symbol.for('sprintlens.sdk.handle')] !== undefined;
const span = trace.getTracer('smoke').startSpan('x');
console.log(`cjs started=${started} recording=${span.isRecording()}`);
span.end();
JS
cat > app.mjs <<'JS'
import { trace } from '@opentelemetry/api';
import { start, getInstrumentations, VERSION } from 'sprintlens';
const span = trace.getTracer('smoke').startSpan('x');
console.log(`esm version=${VERSION} same=${start() === start()} recording=${span.isRecording()} n=${getInstrumentations().length >= 0}`);
span.end();
JS
export OTEL_SDK_DISABLED=false OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9 SPRINTLENS_SHUTDOWN_TIMEOUT_MS=500 OTEL_LOG_LEVEL=none
out_cjs="$("$node" --require sprintlens/register app.cjs)"
out_esm="$("$node" --import sprintlens/register app.mjs)"
echo "$out_cjs"; echo "$out_esm"
[[ "$out_cjs" == "cjs started=true recording=true" ]]
[[ "$out_esm" == esm\ version=*\ same=true\ recording=true\ n=true ]]
copies="$(find node_modules -path '*/import-in-the-middle/package.json' | wc -l)"
echo "import-in-the-middle copies installed: $copies"
[[ "$copies" == 1 ]]
version="$("$node" node_modules/.bin/sprintlens --version)"
echo "cli --version: $version"

# dev-backend from the published files alone (no devDependencies here, and no protobuf library
# in a user's install: its OTLP decoder is its own), receiving a span from an app started with
# --require.
[[ ! -e node_modules/protobufjs ]] || { echo "protobufjs is in a user's install" >&2; exit 1; }
"$node" node_modules/.bin/sprintlens dev-backend --port 0 --data-file dev-data.jsonl --quiet \
  > dev-backend.out 2>&1 &
backend_pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' dev-backend.out && break
  sleep 0.1
done
backend_url="$(sed -n 's/^sprintlens dev-backend listening on \(http[^ ]*\).*/\1/p' dev-backend.out)"
[[ -n "$backend_url" ]] || { cat dev-backend.out >&2; exit 1; }
SPRINTLENS_ENDPOINT="$backend_url" OTEL_EXPORTER_OTLP_ENDPOINT= OTEL_SERVICE_NAME=smoke-dev \
  "$node" --require sprintlens/register app.cjs > /dev/null
kill -TERM "$backend_pid"
wait "$backend_pid"
grep -q '"type":"span"' dev-data.jsonl
echo "dev-backend: received the app's span ($(grep -c '"type":"span"' dev-data.jsonl) span line)"

cat > consumer.ts <<'TS'
import { start, getInstrumentations, createTraceExporter } from 'sprintlens';
import type { SprintlensOptions, SprintlensHandle } from 'sprintlens';
const options: SprintlensOptions = { serviceName: 'x', logRates: { INFO: 0.5 } };
const handle: SprintlensHandle = start(options);
void handle.shutdown();
void getInstrumentations();
void createTraceExporter({ protocol: 'http/json' });
TS
cp consumer.ts consumer.mts
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "module": "nodenext", "moduleResolution": "nodenext", "strict": true,
  "noEmit": true, "skipLibCheck": false, "types": ["node"], "target": "es2023" },
  "files": ["consumer.ts", "consumer.mts"] }
JSON
"$node" "$tsc" -p tsconfig.json
echo "types: ok for CommonJS and ES-module consumers"
