// The 47 prefectures (都道府県) by JIS X 0401 code.
// Source: prefectures.csv from the public repository code4fukui/localgovjp, CC0 1.0.
// Codes are strings: the leading zero matters.

export interface Prefecture {
  readonly code: string;
  readonly ja: string;
  readonly kana: string;
  readonly en: string;
}

export const PREFECTURES: readonly Prefecture[] = [
  { code: '01', ja: '北海道', kana: 'ほっかいどう', en: 'Hokkaido' },
  { code: '02', ja: '青森県', kana: 'あおもりけん', en: 'Aomori' },
  { code: '03', ja: '岩手県', kana: 'いわてけん', en: 'Iwate' },
  { code: '04', ja: '宮城県', kana: 'みやぎけん', en: 'Miyagi' },
  { code: '05', ja: '秋田県', kana: 'あきたけん', en: 'Akita' },
  { code: '06', ja: '山形県', kana: 'やまがたけん', en: 'Yamagata' },
  { code: '07', ja: '福島県', kana: 'ふくしまけん', en: 'Fukushima' },
  { code: '08', ja: '茨城県', kana: 'いばらきけん', en: 'Ibaraki' },
  { code: '09', ja: '栃木県', kana: 'とちぎけん', en: 'Tochigi' },
  { code: '10', ja: '群馬県', kana: 'ぐんまけん', en: 'Gunma' },
  { code: '11', ja: '埼玉県', kana: 'さいたまけん', en: 'Saitama' },
  { code: '12', ja: '千葉県', kana: 'ちばけん', en: 'Chiba' },
  { code: '13', ja: '東京都', kana: 'とうきょうと', en: 'Tokyo' },
  { code: '14', ja: '神奈川県', kana: 'かながわけん', en: 'Kanagawa' },
  { code: '15', ja: '新潟県', kana: 'にいがたけん', en: 'Niigata' },
  { code: '16', ja: '富山県', kana: 'とやまけん', en: 'Toyama' },
  { code: '17', ja: '石川県', kana: 'いしかわけん', en: 'Ishikawa' },
  { code: '18', ja: '福井県', kana: 'ふくいけん', en: 'Fukui' },
  { code: '19', ja: '山梨県', kana: 'やまなしけん', en: 'Yamanashi' },
  { code: '20', ja: '長野県', kana: 'ながのけん', en: 'Nagano' },
  { code: '21', ja: '岐阜県', kana: 'ぎふけん', en: 'Gifu' },
  { code: '22', ja: '静岡県', kana: 'しずおかけん', en: 'Shizuoka' },
  { code: '23', ja: '愛知県', kana: 'あいちけん', en: 'Aichi' },
  { code: '24', ja: '三重県', kana: 'みえけん', en: 'Mie' },
  { code: '25', ja: '滋賀県', kana: 'しがけん', en: 'Shiga' },
  { code: '26', ja: '京都府', kana: 'きょうとふ', en: 'Kyoto' },
  { code: '27', ja: '大阪府', kana: 'おおさかふ', en: 'Osaka' },
  { code: '28', ja: '兵庫県', kana: 'ひょうごけん', en: 'Hyogo' },
  { code: '29', ja: '奈良県', kana: 'ならけん', en: 'Nara' },
  { code: '30', ja: '和歌山県', kana: 'わかやまけん', en: 'Wakayama' },
  { code: '31', ja: '鳥取県', kana: 'とっとりけん', en: 'Tottori' },
  { code: '32', ja: '島根県', kana: 'しまねけん', en: 'Shimane' },
  { code: '33', ja: '岡山県', kana: 'おかやまけん', en: 'Okayama' },
  { code: '34', ja: '広島県', kana: 'ひろしまけん', en: 'Hiroshima' },
  { code: '35', ja: '山口県', kana: 'やまぐちけん', en: 'Yamaguchi' },
  { code: '36', ja: '徳島県', kana: 'とくしまけん', en: 'Tokushima' },
  { code: '37', ja: '香川県', kana: 'かがわけん', en: 'Kagawa' },
  { code: '38', ja: '愛媛県', kana: 'えひめけん', en: 'Ehime' },
  { code: '39', ja: '高知県', kana: 'こうちけん', en: 'Kochi' },
  { code: '40', ja: '福岡県', kana: 'ふくおかけん', en: 'Fukuoka' },
  { code: '41', ja: '佐賀県', kana: 'さがけん', en: 'Saga' },
  { code: '42', ja: '長崎県', kana: 'ながさきけん', en: 'Nagasaki' },
  { code: '43', ja: '熊本県', kana: 'くまもとけん', en: 'Kumamoto' },
  { code: '44', ja: '大分県', kana: 'おおいたけん', en: 'Oita' },
  { code: '45', ja: '宮崎県', kana: 'みやざきけん', en: 'Miyazaki' },
  { code: '46', ja: '鹿児島県', kana: 'かごしまけん', en: 'Kagoshima' },
  { code: '47', ja: '沖縄県', kana: 'おきなわけん', en: 'Okinawa' },
];

const BY_CODE: ReadonlyMap<string, Prefecture> = new Map(PREFECTURES.map((p) => [p.code, p]));

/** The prefecture with this JIS code ('01'…'47'), or undefined. */
export function prefectureByCode(code: string): Prefecture | undefined {
  return BY_CODE.get(code);
}

/** The prefecture name in the given language, or the raw code when unknown. */
export function prefectureName(code: string, lang: 'ja' | 'en'): string {
  const p = BY_CODE.get(code);
  return p ? p[lang] : code;
}
