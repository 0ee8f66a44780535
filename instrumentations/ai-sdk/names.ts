/**
 * Attribute names the AI SDK instrumentation sets besides the shared GenAI ones (genai/semconv.ts).
 */

export const ATTR_AGENT_NAME = 'gen_ai.agent.name';
export const ATTR_WORKFLOW_NAME = 'gen_ai.workflow.name';
export const ATTR_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const ATTR_TOOL_TYPE = 'gen_ai.tool.type';
export const ATTR_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const ATTR_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';
/** Output tokens spent on reasoning; part of `gen_ai.usage.output_tokens`. */
export const ATTR_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';

/** The AI SDK function the operation span stands for (`generateText`, `streamText`, …). */
export const ATTR_AI_SDK_FUNCTION = 'sprintlens.ai_sdk.function';
/**
 * Which span of a model call carries its tokens and cost, when an instrumented SDK (the `openai`
 * package inside a custom provider) made the call under an AI SDK model call: `provider` (the
 * SDK's span does; this one is no LLM call), as the LangChain instrumentation marks its runs.
 */
export const ATTR_USAGE_SOURCE = 'sprintlens.usage.source';

/**
 * The totals of an AI SDK call, on its operation (`invoke_agent` / `invoke_workflow`) span, for
 * reading. They are not `gen_ai.usage.*`: a backend that sums `gen_ai.usage.*` over a trace
 * counts each token once, on the model-call spans; the metrics and the `sprintlens_llm_*`
 * counters count the model calls only.
 */
export const ATTR_TOTAL_INPUT_TOKENS = 'sprintlens.usage.total_input_tokens';
export const ATTR_TOTAL_OUTPUT_TOKENS = 'sprintlens.usage.total_output_tokens';
export const ATTR_TOTAL_CACHE_READ_TOKENS = 'sprintlens.usage.total_cache_read_input_tokens';
export const ATTR_TOTAL_CACHE_WRITE_TOKENS = 'sprintlens.usage.total_cache_write_input_tokens';
export const ATTR_TOTAL_REASONING_TOKENS = 'sprintlens.usage.total_reasoning_output_tokens';
/** Sum of the model calls' `sprintlens.cost.usd`; absent when one of them has no price. */
export const ATTR_TOTAL_COST_USD = 'sprintlens.cost.total_usd';
/** Model calls the operation made (retried attempts included). */
export const ATTR_MODEL_CALLS = 'sprintlens.ai_sdk.model_calls';
