// Fake `openai` and `@anthropic-ai/sdk` modules for the LLM hot-path benches (llm-overhead.mjs
// --micro, llm-hot-path-ab.mjs, llm-build-ab.mjs): what the instrumentations patch, without
// network, so only their own work is measured. `create` returns an APIPromise-like (lazy parse,
// `_thenUnwrap`, `then` through `parse()` as the SDK's), or for `stream: true` a Stream-like of
// `bench_chunks` JSON-parsed chunks (default 1).
/* global AbortController */

/** A fresh fake `openai` module: each variant patches its own copy. */
export function fakeOpenAI() {
  const completion = {
    id: 'c',
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi.' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 20, completion_tokens: 3 },
  };
  const chunkText =
    '{"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"w "},"finish_reason":null}]}';
  const FakeApiPromise = fakeApiPromiseClass(completion, chunkText);
  class Completions {
    constructor() {
      this._client = { baseURL: 'http://127.0.0.1:1/v1' };
    }
    create(body) {
      return new FakeApiPromise(body.stream === true ? (body.bench_chunks ?? 1) : 0);
    }
  }
  // The resources the alternatives patch besides chat (only chat is called).
  class Other {
    create() {}
    generate() {}
    edit() {}
    createVariation() {}
  }
  return {
    OpenAI: {
      Chat: { Completions },
      Completions: class extends Other {},
      Embeddings: class extends Other {},
      Responses: class extends Other {},
      Images: class extends Other {},
    },
  };
}

/**
 * A fresh fake `@anthropic-ai/sdk` module: `messages.create` as above, a `Message` or a stream of
 * `content_block_delta` events; no `_tracer` (as SDKs before 0.134, or with tracing off).
 */
export function fakeAnthropic() {
  const message = {
    id: 'msg',
    type: 'message',
    role: 'assistant',
    model: 'claude-haiku-4-5',
    content: [{ type: 'text', text: 'Hi.' }],
    stop_reason: 'end_turn',
    usage: { input_tokens: 20, output_tokens: 3 },
  };
  const chunkText =
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"w "}}';
  const FakeApiPromise = fakeApiPromiseClass(message, chunkText);
  class Messages {
    constructor() {
      this._client = { baseURL: 'http://127.0.0.1:1' };
    }
    create(body) {
      return new FakeApiPromise(body.stream === true ? (body.bench_chunks ?? 1) : 0);
    }
  }
  return { Anthropic: { Messages } };
}

/** The APIPromise-like class of one fake module: `completion` for plain calls, else a stream. */
function fakeApiPromiseClass(completion, chunkText) {
  // A Stream-like: its own iterator, and tee() as the SDK's (two branches over one source,
  // each with a queue of what the other has read ahead), which some alternatives use.
  const streamOf = (controller, iterator) => ({
    controller,
    iterator,
    [Symbol.asyncIterator]() {
      return this.iterator();
    },
    tee() {
      const source = this.iterator();
      const queues = [[], []];
      const branch = (i) =>
        streamOf(controller, async function* teeBranch() {
          for (;;) {
            if (queues[i].length > 0) {
              yield queues[i].shift();
              continue;
            }
            const next = await source.next();
            if (next.done) return;
            queues[1 - i].push(next.value);
            yield next.value;
          }
        });
      return [branch(0), branch(1)];
    },
  });
  const makeStream = (count) =>
    streamOf(new AbortController(), async function* iterator() {
      for (let i = 0; i < count; i++) yield JSON.parse(chunkText);
    });
  class FakeApiPromise extends Promise {
    /** `chunks`: 0 for a plain call, else the length of the stream. */
    constructor(chunks) {
      super((resolve) => resolve(null));
      this.responsePromise = Promise.resolve({});
      this.parseResponse = async () => (chunks > 0 ? makeStream(chunks) : completion);
    }
    static get [Symbol.species]() {
      return Promise;
    }
    parse() {
      return (this.parsedPromise ??= this.responsePromise.then((d) => this.parseResponse(null, d)));
    }
    then(onFulfilled, onRejected) {
      return this.parse().then(onFulfilled, onRejected);
    }
    // As the SDK's: a new APIPromise whose parsed value goes through `transform`.
    _thenUnwrap(transform) {
      const next = new FakeApiPromise(0);
      const parse = this.parseResponse;
      next.parseResponse = async (client, props) => transform(await parse(client, props), props);
      return next;
    }
  }
  return FakeApiPromise;
}
