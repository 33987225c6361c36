/**
 * Which writing systems a name mixes, after UTS #39's "highly restrictive" level (section 5.2): one
 * script, or Latin with the scripts written together with Han (Japanese: Han, Hiragana, Katakana;
 * Chinese: Han, Bopomofo; Korean: Han, Hangul). Characters common to all scripts (digits 0-9, _-.)
 * count for none. A Latin name with one Cyrillic or Greek letter in it is the classic lookalike.
 */

// ISO 15924 codes of every script to Unicode 17, the names the `u` flag's \p{scx=...} accepts.
const SCRIPT_CODES = (
  'Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Berf Bhks Bopo Brah Brai Bugi Buhd Cakm Cans ' +
  'Cari Cham Cher Chrs Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl Egyp Elba Elym Ethi Gara Geor Glag Gong ' +
  'Gonm Goth Gran Grek Gujr Gukh Guru Hang Hani Hano Hatr Hebr Hira Hluw Hmng Hmnp Hung Ital Java Kali Kana ' +
  'Kawi Khar Khmr Khoj Kits Knda Krai Kthi Lana Laoo Latn Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Maka Mand ' +
  'Mani Marc Medf Mend Merc Mero Miao Mlym Modi Mong Mroo Mtei Mult Mymr Nagm Nand Narb Nbat Newa Nkoo Nshu ' +
  'Ogam Olck Onao Orkh Orya Osge Osma Ougr Palm Pauc Perm Phag Phli Phlp Phnx Plrd Prti Rjng Rohg Runr Samr ' +
  'Sarb Saur Sgnw Shaw Shrd Sidd Sidt Sind Sinh Sogd Sogo Sora Soyo Sund Sunu Sylo Syrc Tagb Takr Tale Talu ' +
  'Taml Tang Tavt Tayo Telu Tfng Tglg Thaa Thai Tibt Tirh Tnsa Todr Tols Toto Tutg Ugar Vaii Vith Wara Wcho ' +
  'Xpeo Xsux Yezi Yiii Zanb'
).split(' ');

/** Each script this runtime knows (an older Node lacks the newest), with its test. */
const SCRIPTS: readonly { code: string; test: RegExp }[] = SCRIPT_CODES.flatMap((code) => {
  try {
    return [{ code, test: new RegExp(`^\\p{scx=${code}}$`, 'u') }];
  } catch {
    return [];
  }
});

/** UTS #39's augmentation: Han is also written as part of Japanese, Chinese (with Bopomofo) and Korean. */
const AUGMENTED: Readonly<Record<string, readonly string[]>> = {
  Hani: ['Hanb', 'Jpan', 'Kore'],
  Hira: ['Jpan'],
  Kana: ['Jpan'],
  Bopo: ['Hanb'],
  Hang: ['Kore'],
};

/** The scripts a character may belong to (its Script_Extensions, augmented); empty for Common and Inherited. */
function scriptsOf(ch: string): Set<string> {
  const found = new Set<string>();
  for (const { code, test } of SCRIPTS) {
    if (!test.test(ch)) continue;
    found.add(code);
    for (const extra of AUGMENTED[code] ?? []) found.add(extra);
  }
  return found;
}

/** UTS #39's resolved script set of the characters that belong to some script; undefined when none does. */
function resolved(sets: readonly Set<string>[]): Set<string> | undefined {
  let common: Set<string> | undefined;
  for (const set of sets) common = common === undefined ? new Set(set) : new Set([...common].filter((s) => set.has(s)));
  return common;
}

/**
 * The scripts `text` mixes beyond what "highly restrictive" allows (ISO 15924 codes, e.g. ["Latn", "Cyrl"]),
 * or undefined when it keeps to one script or an allowed combination.
 */
export function mixedScripts(text: string): string[] | undefined {
  if (/^[\x00-\x7f]*$/.test(text)) return undefined; // ASCII: Latin and common characters only
  const sets = [...text].map(scriptsOf).filter((s) => s.size > 0);
  const all = resolved(sets);
  if (all === undefined || all.size > 0) return undefined;
  // Latin with Japanese, Chinese or Korean.
  const rest = resolved(sets.filter((s) => !s.has('Latn')));
  if (rest !== undefined && ['Jpan', 'Hanb', 'Kore'].some((s) => rest.has(s))) return undefined;
  const named = new Set<string>();
  for (const set of sets) {
    const first = [...set].find((s) => SCRIPT_CODES.includes(s));
    if (first !== undefined) named.add(first);
  }
  return [...named];
}
