// CPU per streamed chunk of a `FakeListChatModel | StringOutputParser` chain (no network),
// LangChain alone (INST=0) or with sprintlens's LangChain instrumentation patched in (INST=1):
// a quick in-process check of the per-chunk path. ROOT=<built checkout> measures another build.
// Usage: npm run build && INST=0 node bench/langchain-chunk-ab.cjs && INST=1 node bench/langchain-chunk-ab.cjs
const { context, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { TracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace');
const { join } = require('node:path');
const root = process.env.ROOT ?? join(__dirname, '..');
const { LangChainInstrumentation } = require(join(root, 'dist/instrumentations/langchain'));
const r = (m) => require(require.resolve(m, { paths: [root] }));
const lc = {
  manager: r('@langchain/core/callbacks/manager'),
  singletons: r('@langchain/core/singletons'),
  chatModels: r('@langchain/core/language_models/chat_models'),
  runnables: r('@langchain/core/runnables'),
};
const { FakeListChatModel } = r('@langchain/core/utils/testing');
const { StringOutputParser } = r('@langchain/core/output_parsers');
const provider = new TracerProvider({
  spanProcessors: [
    new SimpleSpanProcessor({
      exporter: { export: (s, cb) => cb({ code: 0 }), shutdown: async () => {} },
    }),
  ],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);
if (process.env.INST === '1') {
  const inst = new LangChainInstrumentation({ enabled: false });
  inst.setTracerProvider(provider);
  inst.patchManager(lc.manager);
  inst.patchSingletons(lc.singletons);
  inst.patchChatModels(lc.chatModels);
  inst.patchRunnables(lc.runnables);
}
const text = 'x'.repeat(Number(process.env.CHUNKS || 2000));
const chain = new FakeListChatModel({ responses: [text] }).pipe(new StringOutputParser());
(async () => {
  let chunks = 0;
  const readAll = async () => {
    for await (const chunk of await chain.stream('q')) chunks += chunk.length > 0 ? 1 : 0;
  };
  for (let i = 0; i < 3; i++) await readAll(); // warm-up
  const t0 = process.cpuUsage();
  for (let i = 0; i < 10; i++) await readAll();
  const t = process.cpuUsage(t0);
  if (chunks !== 13 * text.length) throw new Error(`read ${chunks} chunks`);
  console.log(
    process.env.INST === '1' ? 'sprintlens' : 'LangChain alone',
    'µs/chunk',
    ((t.user + t.system) / (10 * text.length)).toFixed(2),
  );
})();
