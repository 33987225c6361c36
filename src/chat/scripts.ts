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

/**
 * Each script this runtime knows (an older Node lacks the newest), with its tests for a text and a character:
 * built on the first name that is not ASCII, not at start (its 340 patterns took 94 ms of every start here).
 */
let scripts: readonly Script[] | undefined;
function knownScripts(): readonly Script[] {
  scripts ??= SCRIPT_CODES.flatMap((code) => {
    try {
      return [{ code, inText: new RegExp(`\\p{scx=${code}}`, 'u'), isChar: new RegExp(`^\\p{scx=${code}}$`, 'u') }];
    } catch {
      return [];
    }
  });
  return scripts;
}

interface Script {
  code: string;
  inText: RegExp;
  isChar: RegExp;
}

/** UTS #39's augmentation: Han is also written as part of Japanese, Chinese (with Bopomofo) and Korean. */
const AUGMENTED: Readonly<Record<string, readonly string[]>> = {
  Hani: ['Hanb', 'Jpan', 'Kore'],
  Hira: ['Jpan'],
  Kana: ['Jpan'],
  Bopo: ['Hanb'],
  Hang: ['Kore'],
};

/** The scripts among `present` a character may belong to (its Script_Extensions, augmented); empty for Common. */
function scriptsOf(ch: string, present: readonly Script[]): Set<string> {
  const found = new Set<string>();
  for (const { code, isChar } of present) {
    if (!isChar.test(ch)) continue;
    found.add(code);
    for (const extra of AUGMENTED[code] ?? []) found.add(extra);
  }
  return found;
}

/**
 * The scripts `text` mixes beyond what "highly restrictive" allows (ISO 15924 codes, e.g. ["Latn", "Cyrl"]),
 * or undefined when it keeps to one script or an allowed combination.
 */
export function mixedScripts(text: string): string[] | undefined {
  if (/^[\x00-\x7f]*$/.test(text)) return undefined; // ASCII: Latin and common characters only
  // The scripts found anywhere in the text first (one test each), then each character against those only:
  // a character against every script costs ~10 µs, and a nick has 32 of them.
  const present = knownScripts().filter((s) => s.inText.test(text));
  if (present.length <= 1) return undefined;
  // UTS #39's resolved script set (the scripts every character may belong to), of all the characters and
  // of those that are not Latin (for Latin with Japanese, Chinese or Korean). Both empty: mixed, and the
  // first character that makes them so is where to stop.
  let all: Set<string> | undefined;
  let notLatin: Set<string> | undefined;
  const seen: string[] = [];
  for (const ch of text) {
    const set = scriptsOf(ch, present);
    if (set.size === 0) continue;
    const first = [...set][0]!;
    if (!seen.includes(first)) seen.push(first);
    all = intersect(all, set);
    if (!set.has('Latn')) notLatin = intersect(notLatin, set);
    if (all.size === 0 && !['Jpan', 'Hanb', 'Kore'].some((s) => notLatin?.has(s))) return seen;
  }
  return undefined;
}

function intersect(a: Set<string> | undefined, b: Set<string>): Set<string> {
  return a === undefined ? new Set(b) : new Set([...a].filter((s) => b.has(s)));
}
