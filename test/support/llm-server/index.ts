/**
 * A local LLM server for tests: `new LlmServer()` plus provider routes (`addOpenAIRoutes`;
 * Anthropic's go beside it). See server.ts for the route table and scenarios.
 */
export { LlmServer, LlmResponder, sleep } from './server';
export type { LlmHandler, LlmRequest } from './server';
export { addOpenAIRoutes, REPLY, REPLY_WORDS, USAGE } from './openai';
export { addAnthropicRoutes, CLAUDE_REPLY, CLAUDE_USAGE } from './anthropic';
export { addGeminiRoutes, GEMINI_REPLY, GEMINI_REPORT_PATH, GEMINI_USAGE } from './gemini';
export type { GeminiReport } from './gemini';
export {
  BedrockServer,
  startBedrockServer,
  BEDROCK_CLAUDE_MODEL,
  BEDROCK_REPLY,
  BEDROCK_TOOL_USE,
  BEDROCK_USAGE,
} from './bedrock';
export type { BedrockRequest } from './bedrock';

import { LlmServer } from './server';
import { addOpenAIRoutes } from './openai';
import { addAnthropicRoutes } from './anthropic';
import { addGeminiRoutes } from './gemini';

/** A started server with every provider's routes. */
export async function startLlmServer(): Promise<LlmServer> {
  const server = new LlmServer();
  addOpenAIRoutes(server);
  addAnthropicRoutes(server);
  addGeminiRoutes(server);
  return server.start();
}
