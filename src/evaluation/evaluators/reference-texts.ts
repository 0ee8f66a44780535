import { describeValue, textOf } from './shared';

/**
 * The reference texts of an item for the evaluators that accept several (ROUGE-L, BLEU): one
 * text, or a non-empty list of texts. Gives the reason instead when the value is neither.
 */
export function referenceTexts(
  value: unknown,
): { readonly texts: readonly string[] } | { readonly problem: string } {
  const single = textOf(value);
  if (single !== undefined) return { texts: [single] };
  if (Array.isArray(value) && value.length > 0) {
    const texts: string[] = [];
    for (const entry of value as unknown[]) {
      const text = textOf(entry);
      if (text === undefined) {
        return { problem: `a reference in the list is ${describeValue(entry)}, not text` };
      }
      texts.push(text);
    }
    return { texts };
  }
  return { problem: `the expected value is ${describeValue(value)}, not text or a list of texts` };
}
