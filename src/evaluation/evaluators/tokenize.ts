/**
 * The default tokeniser of the token-based evaluators (ROUGE-L, BLEU): lower-cased words.
 *
 * A token is a maximal run of Unicode letters, combining marks and digits; everything else
 * (spaces, punctuation, symbols) only separates tokens and is dropped. So `"Don't stop!"` gives
 * `["don", "t", "stop"]`. Punctuation is dropped because an LLM's answer differs from a reference
 * in commas and full stops far more often than in meaning, and counting them as words would move
 * scores for nothing. Scripts written without spaces (Chinese, Japanese, Thai) come out as one
 * token per run: pass a `tokenize` function for them (for example one built on `Intl.Segmenter`
 * with `granularity: 'word'`).
 */

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** A tokeniser: text to tokens. */
export type Tokenizer = (text: string) => readonly string[];

/** Words of `text`, in order (see the file's TSDoc for what a word is). */
export function wordTokens(text: string, ignoreCase = true): string[] {
  const source = ignoreCase ? text.normalize('NFC').toLowerCase() : text.normalize('NFC');
  return source.match(WORD) ?? [];
}
