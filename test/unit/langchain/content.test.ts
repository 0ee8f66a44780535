/**
 * What the LangChain instrumentation captures when capture is on, from real @langchain/core
 * messages and documents: the GenAI message shape, redaction, the cut, and the shape bounds.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ContentCapture, TRUNCATED } from '../../../instrumentations/genai/content';
import {
  capturedValue,
  chatInput,
  modelOutput,
  retrievedDocuments,
  toolResult,
} from '../../../instrumentations/langchain/content';

const requireHere = createRequire(__filename);
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const { AIMessage, HumanMessage, SystemMessage, ToolMessage } = requireHere(
  '@langchain/core/messages',
) as Any;
const { Document } = requireHere('@langchain/core/documents') as Any;

const capture = new ContentCapture({ maxChars: 40 });

describe('LangChain content capture', () => {
  it('chat input: system messages apart, tool calls and tool results as parts, secrets redacted', () => {
    const input = chatInput(
      [
        [
          new SystemMessage('Be terse.'),
          new HumanMessage('Mail jane.doe@example.com'),
          new AIMessage({
            content: '',
            tool_calls: [{ id: 'call_1', name: 'send_mail', args: { to: 'jane.doe@example.com' } }],
          }),
          new ToolMessage({ content: 'sent', tool_call_id: 'call_1' }),
        ],
      ],
      capture,
    )!;
    expect(JSON.parse(input.system!)).toEqual([{ type: 'text', content: 'Be terse.' }]);
    expect(JSON.parse(input.messages)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Mail [REDACTED:email]' }] },
      {
        role: 'assistant',
        parts: [
          {
            type: 'tool_call',
            id: 'call_1',
            name: 'send_mail',
            arguments: '{"to":"[REDACTED:email]"}',
          },
        ],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'sent' }] },
    ]);
  });

  it('model output: each generation with its finish reason; long text cut with the marker', () => {
    const long = 'x'.repeat(100);
    const out = modelOutput(
      {
        generations: [
          [{ message: new AIMessage(long), generationInfo: { finish_reason: 'length' } } as never],
        ],
      },
      capture,
    );
    expect(JSON.parse(out)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'x'.repeat(40) + TRUNCATED }],
        finish_reason: 'length',
      },
    ]);
  });

  it('documents, tool messages and odd values: bounded shapes, no functions', () => {
    const docs = retrievedDocuments(
      [new Document({ pageContent: 'Paris is sunny.', id: 'd1', metadata: { page: 2 } })],
      capture,
    );
    expect(JSON.parse(docs)).toEqual([
      { content: 'Paris is sunny.', id: 'd1', metadata: { page: 2 } },
    ]);
    expect(toolResult(new ToolMessage({ content: 'done', tool_call_id: 'c' }), capture)).toBe(
      'done',
    );
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    const captured = capturedValue(
      { deep, wide: Array.from({ length: 500 }, (_, i) => i), fn: () => 1 },
      capture,
    );
    const parsed = JSON.parse(captured) as { wide: number[]; fn?: unknown };
    expect(parsed.wide).toHaveLength(100);
    expect(parsed).not.toHaveProperty('fn');
    expect(captured).toContain('[…]');
    expect(captured).not.toContain('leaf');
  });
});
