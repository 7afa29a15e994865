// Readings (フリガナ) are stored in full-width katakana; people type them in hiragana or
// half-width katakana as often as not. The server converts; these helpers show the user
// what will be stored and match text the same forgiving way on screen.

const HIRAGANA_START = 0x3041; // ぁ
const HIRAGANA_END = 0x3096; // ゖ
const KATAKANA_OFFSET = 0x60; // ァ - ぁ

/**
 * Hiragana and half-width katakana as full-width katakana (やまだ, ﾔﾏﾀﾞ → ヤマダ). NFKC joins
 * a half-width voiced mark to its kana; everything else is left as it is.
 */
export function toKatakana(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKC')) {
    const code = ch.codePointAt(0) ?? 0;
    out += code >= HIRAGANA_START && code <= HIRAGANA_END ? String.fromCodePoint(code + KATAKANA_OFFSET) : ch;
  }
  return out;
}

/** Whether the text is made of katakana (and the long-vowel mark, middle dot and spaces) only. */
export function isKatakana(text: string): boolean {
  return /^[\u30A1-\u30FA\u30FC\u30FB\u3000 ]*$/.test(text);
}

/**
 * Text folded for matching: width-insensitive (NFKC), hiragana as katakana, lower case,
 * without spaces. 'ﾊﾟｰｷﾝｿﾝ' and 'ぱーきんそん' both fold to 'パーキンソン'.
 */
export function foldForSearch(text: string): string {
  return toKatakana(text).toLowerCase().replace(/[\s\u3000]+/g, '');
}
