import { describe, expect, it } from 'vitest';
import { foldForSearch, isKatakana, toKatakana } from './kana';

describe('toKatakana', () => {
  it('turns hiragana into katakana', () => {
    expect(toKatakana('やまだ はなこ')).toBe('ヤマダ ハナコ');
    expect(toKatakana('ゔぁいおりん')).toBe('ヴァイオリン');
  });

  it('widens half-width katakana, joining voiced marks', () => {
    expect(toKatakana('ﾔﾏﾀﾞ')).toBe('ヤマダ');
    expect(toKatakana('ﾊﾟｰｷﾝｿﾝ')).toBe('パーキンソン');
  });

  it('leaves katakana and kanji as they are', () => {
    expect(toKatakana('サトウ')).toBe('サトウ');
    expect(toKatakana('山田')).toBe('山田');
  });
});

describe('isKatakana', () => {
  it('accepts katakana readings only', () => {
    expect(isKatakana('ヤマダ')).toBe(true);
    expect(isKatakana('ヤマダ　ハナコ')).toBe(true);
    expect(isKatakana('やまだ')).toBe(false);
    expect(isKatakana('ﾔﾏﾀﾞ')).toBe(false);
  });
});

describe('foldForSearch', () => {
  it('ignores width, script and spaces', () => {
    expect(foldForSearch('ﾔﾏﾀﾞ ﾊﾅｺ')).toBe(foldForSearch('やまだはなこ'));
    expect(foldForSearch('ＡＢＣ')).toBe('abc');
    expect(foldForSearch('９７')).toBe('97');
  });
});
