import { createRequire } from 'node:module';

/**
 * The confusables skeleton of Unicode Technical Standard #39 (section 4): two strings that look alike
 * (Cyrillic "а" and Latin "a", "rn" and "m", "0" and "O") have the same skeleton. A skeleton is a key for
 * comparing, never a text to show.
 *
 * The prototype table is Unicode's confusables.txt, from the `unhomoglyph` package (its data.json, one
 * prototype string for each of 6,311 single code points, Unicode 13.0). Later versions added lookalikes
 * from scripts encoded since; a nick mixing such a script with Latin is refused by its script check instead.
 */
const require = createRequire(import.meta.url);
const PROTOTYPES: ReadonlyMap<string, string> = new Map(Object.entries(require('unhomoglyph/data.json') as Record<string, string>));

const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;

/** skeleton(X) = NFD(prototypes of NFD(X) with default-ignorable characters removed). Case-sensitive. */
export function skeleton(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFD')) {
    if (DEFAULT_IGNORABLE.test(ch)) continue;
    out += PROTOTYPES.get(ch) ?? ch;
  }
  return out.normalize('NFD');
}
