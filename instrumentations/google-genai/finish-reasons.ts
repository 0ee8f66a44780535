/**
 * Gemini's `finishReason` (`STOP`, `MAX_TOKENS`, `SAFETY`, …) as `gen_ai.response.finish_reasons`
 * values: the conventions' own (`stop`, `length`, `content_filter`, `tool_call`, `error`) where
 * one means the same, else Gemini's value in lower case (`other`, `language`,
 * `too_many_tool_calls`, …), so every value on a span has one spelling.
 */
const CONVENTION_VALUES: Readonly<Record<string, string>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_RECITATION: 'content_filter',
  MALFORMED_FUNCTION_CALL: 'error',
  UNEXPECTED_TOOL_CALL: 'error',
  MALFORMED_RESPONSE: 'error',
};

/**
 * The finish reason of one candidate. `STOP` on a candidate that calls functions is `tool_call`:
 * Gemini ends a function-calling turn with `STOP`, and what the app must do next is run the
 * tools, which is what the conventions' `tool_call` says.
 */
export function finishReason(reason: string, calledFunctions: boolean): string {
  if (reason === 'STOP' && calledFunctions) return 'tool_call';
  return CONVENTION_VALUES[reason] ?? reason.toLowerCase();
}

/** The finish reason of a response whose prompt was blocked (`promptFeedback.blockReason`). */
export const PROMPT_BLOCKED = 'content_filter';
