/**
 * Attribute and metric names of the OpenTelemetry GenAI semantic conventions that sprintlens
 * emits, plus its own. Kept as plain constants so providers share one spelling.
 */
export const ATTR_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_REQUEST_TOP_K = 'gen_ai.request.top_k';
export const ATTR_REQUEST_FREQUENCY_PENALTY = 'gen_ai.request.frequency_penalty';
export const ATTR_REQUEST_PRESENCE_PENALTY = 'gen_ai.request.presence_penalty';
export const ATTR_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const ATTR_REQUEST_SEED = 'gen_ai.request.seed';
export const ATTR_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count';
export const ATTR_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats';
export const ATTR_OUTPUT_TYPE = 'gen_ai.output.type';
export const ATTR_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_USAGE_CACHE_WRITE_INPUT_TOKENS = 'gen_ai.usage.cache_write.input_tokens';
/** Output tokens spent on reasoning (thinking); part of `gen_ai.usage.output_tokens`. */
export const ATTR_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
export const ATTR_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_HTTP_STATUS_CODE = 'http.response.status_code';

/** Total cost of the call in USD, from the price table (absent when the model is unknown). */
export const ATTR_COST_USD = 'sprintlens.cost.usd';
/** Seconds from the start of the call to the first streamed chunk. */
export const ATTR_STREAM_TIME_TO_FIRST_TOKEN = 'sprintlens.stream.time_to_first_token';
/** Chunks (events) delivered to the caller. */
export const ATTR_STREAM_CHUNKS = 'sprintlens.stream.chunks';
/** How a stream ended: `completed`, `cancelled` (consumer stopped), `aborted`, `error`. */
export const ATTR_STREAM_OUTCOME = 'sprintlens.stream.outcome';

export const METRIC_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_OPERATION_DURATION = 'gen_ai.client.operation.duration';

/** Explicit bucket boundaries the GenAI conventions give for `gen_ai.client.token.usage`. */
export const TOKEN_USAGE_BUCKETS: readonly number[] = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** Explicit bucket boundaries the GenAI conventions give for `gen_ai.client.operation.duration`. */
export const OPERATION_DURATION_BUCKETS: readonly number[] = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
