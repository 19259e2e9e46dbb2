import STCharacters from 'opencc-js/dict/STCharacters';
import TWVariants from 'opencc-js/dict/TWVariants';

/** OpenCC's dictionary format as opencc-js ships it: `from to|from to|...`, first choice only. */
function pairs(dictionary: string): Map<string, string> {
  return new Map(dictionary.split('|').map((pair) => pair.split(' ') as [string, string]));
}

let written: Set<string> | undefined;

/**
 * The characters that Simplified-to-Taiwan conversion changes on their own: characters a text
 * written in traditional Chinese would not have. About 3,900 characters from OpenCC's character
 * tables, gathered on first use, in place of a whole cn->tw converter: its phrase table held 42 of
 * the 79 MB a running server's heap kept (188,000 Maps, which every full collection marks) to
 * answer one yes-or-no question.
 */
function simplifiedCharacters(): Set<string> {
  if (written) return written;
  const toTraditional = pairs(STCharacters);
  const toTaiwan = pairs(TWVariants);
  written = new Set();
  for (const [from, to] of toTraditional) if ((toTaiwan.get(to) ?? to) !== from) written.add(from);
  for (const [from, to] of toTaiwan) if (!toTraditional.has(from) && to !== from) written.add(from);
  return written;
}

/**
 * Whether the text has a character that Taiwan's traditional script writes differently. Phrase
 * context is not consulted: a text whose every character is also traditional (周末, 好困) is not
 * taken as simplified, where OpenCC's phrases would turn it into 週末 or 好睏.
 */
export function hasSimplifiedCharacter(text: string): boolean {
  const set = simplifiedCharacters();
  for (const c of text) if (set.has(c)) return true;
  return false;
}
