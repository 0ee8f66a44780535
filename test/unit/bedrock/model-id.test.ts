import { describe, expect, it } from 'vitest';
import { PriceBook, SHIPPED_PRICES } from '../../../instrumentations/genai';
import { parseModelId } from '../../../instrumentations/bedrock/model-id';

describe('Bedrock model ids', () => {
  it('base model ids: the body family, priced without the :N (and :N:context) suffix', () => {
    expect(parseModelId('anthropic.claude-sonnet-4-5-20250929-v1:0')).toEqual({
      family: 'anthropic',
      priceName: 'anthropic.claude-sonnet-4-5-20250929-v1',
    });
    expect(parseModelId('anthropic.claude-3-sonnet-20240229-v1:0:200k')).toEqual({
      family: 'anthropic',
      priceName: 'anthropic.claude-3-sonnet-20240229-v1',
    });
    expect(parseModelId('amazon.nova-lite-v1:0')).toEqual({
      family: 'nova',
      priceName: 'amazon.nova-lite-v1',
    });
    expect(parseModelId('amazon.titan-text-express-v1')).toEqual({
      family: 'titan-text',
      priceName: 'amazon.titan-text-express-v1',
    });
    expect(parseModelId('amazon.titan-embed-text-v2:0')).toEqual({
      family: 'titan-embed',
      priceName: 'amazon.titan-embed-text-v2',
    });
    expect(parseModelId('meta.llama3-3-70b-instruct-v1:0')).toEqual({
      family: 'llama',
      priceName: 'meta.llama3-3-70b-instruct-v1',
    });
    // Ids without a version suffix, as newer models have them.
    expect(parseModelId('anthropic.claude-sonnet-4-6').priceName).toBe(
      'anthropic.claude-sonnet-4-6',
    );
  });

  it('families with other bodies are generic: other providers, Nova Canvas, Reel and Sonic', () => {
    for (const id of [
      'mistral.mistral-large-2407-v1:0',
      'cohere.command-r-plus-v1:0',
      'amazon.nova-canvas-v1:0',
      'amazon.nova-reel-v1:1',
      'amazon.nova-sonic-v1:0',
    ]) {
      expect(parseModelId(id).family, id).toBeUndefined();
    }
    expect(parseModelId('mistral.mistral-large-2407-v1:0').priceName).toBe(
      'mistral.mistral-large-2407-v1',
    );
  });

  it('inference profiles: geography prefixes dropped, global. kept for its own price', () => {
    expect(parseModelId('us.anthropic.claude-haiku-4-5-20251001-v1:0')).toEqual({
      family: 'anthropic',
      priceName: 'anthropic.claude-haiku-4-5-20251001-v1',
    });
    expect(parseModelId('eu.amazon.nova-pro-v1:0').priceName).toBe('amazon.nova-pro-v1');
    expect(parseModelId('apac.meta.llama3-2-3b-instruct-v1:0').family).toBe('llama');
    expect(parseModelId('us-gov.anthropic.claude-3-haiku-20240307-v1:0').priceName).toBe(
      'anthropic.claude-3-haiku-20240307-v1',
    );
    expect(parseModelId('global.anthropic.claude-sonnet-4-5-20250929-v1:0')).toEqual({
      family: 'anthropic',
      priceName: 'global.anthropic.claude-sonnet-4-5-20250929-v1',
    });
    // A geography this release does not list yet, before a known provider.
    expect(parseModelId('mx.anthropic.claude-sonnet-4-5-20250929-v1:0').priceName).toBe(
      'anthropic.claude-sonnet-4-5-20250929-v1',
    );
  });

  it('ARNs of foundation models and system profiles name their model; other ARNs none', () => {
    expect(
      parseModelId(
        'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0',
      ),
    ).toEqual({ family: 'anthropic', priceName: 'anthropic.claude-3-5-haiku-20241022-v1' });
    expect(
      parseModelId(
        'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.amazon.nova-micro-v1:0',
      ),
    ).toEqual({ family: 'nova', priceName: 'amazon.nova-micro-v1' });
    for (const arn of [
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3',
      'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/xyz',
      'arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.titan-text-express-v1:0:8k/abc',
      'arn:aws:bedrock:us-east-1:123456789012:imported-model/abc',
      'arn:aws:bedrock:us-east-1:123456789012:prompt/PROMPT12345:1',
      'arn:aws:bedrock:us-east-1',
    ]) {
      expect(parseModelId(arn), arn).toEqual({ family: undefined, priceName: undefined });
    }
  });

  it('names that are no model id give nothing; the same id gives the same answer', () => {
    expect(parseModelId('')).toEqual({ family: undefined, priceName: undefined });
    expect(parseModelId('my-model')).toEqual({ family: undefined, priceName: undefined });
    expect(parseModelId('US.Anthropic.Claude-3-Haiku-20240307-V1:0')).toEqual({
      family: 'anthropic',
      priceName: 'anthropic.claude-3-haiku-20240307-v1',
    });
    const id = 'meta.llama4-scout-17b-instruct-v1:0';
    expect(parseModelId(id)).toBe(parseModelId(id));
  });

  it('the shipped table prices the price names of the models it lists', () => {
    const book = new PriceBook([SHIPPED_PRICES]);
    for (const id of [
      'anthropic.claude-3-haiku-20240307-v1:0',
      'anthropic.claude-3-5-sonnet-20241022-v2:0',
      'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
      'global.anthropic.claude-sonnet-4-20250514-v1:0',
      'us.anthropic.claude-opus-4-1-20250805-v1:0',
      'global.anthropic.claude-haiku-4-5-20251001-v1:0',
      'eu.anthropic.claude-opus-4-5-20251101-v1:0',
      'amazon.nova-micro-v1:0',
      'us.amazon.nova-premier-v1:0',
      'amazon.nova-2-lite-v1:0',
      'amazon.titan-text-lite-v1',
      'amazon.titan-embed-text-v1:2:8k',
      'meta.llama3-1-405b-instruct-v1:0',
      'us.meta.llama4-maverick-17b-instruct-v1:0',
    ]) {
      expect(book.lookup(parseModelId(id).priceName), id).toBeDefined();
    }
    // From the Claude 4.5 models on, global profiles cost 10% less than regional ones.
    const regional = book.lookup('anthropic.claude-sonnet-4-5-20250929-v1')!;
    const global = book.lookup('global.anthropic.claude-sonnet-4-5-20250929-v1')!;
    expect(regional.input).toBeCloseTo(global.input * 1.1, 10);
    expect(regional.output).toBeCloseTo(global.output * 1.1, 10);
  });
});
