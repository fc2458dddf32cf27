/**
 * GPT-2/CLIP `bytes_to_unicode`: every byte 0–255 gets a visible character so that BPE can work on
 * strings without ever seeing whitespace or control characters. Printable Latin-1 bytes
 * (`!`–`~`, `¡`–`¬`, `®`–`ÿ`) map to themselves; the remaining 68 bytes, in increasing order, map
 * to U+0100, U+0101, … This is why a space shows up as `Ġ` and the first byte of 一 (0xE4) as `ä`.
 *
 * The table's *order* matters too: it is the order of ids 0–255 in CLIP's vocabulary.
 */

const printable: number[] = [];
for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
for (let b = 0xae; b <= 0xff; b++) printable.push(b);

const order: number[] = [...printable];
const codepoints: number[] = [...printable];
{
  const isPrintable = new Set(printable);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (!isPrintable.has(b)) {
      order.push(b);
      codepoints.push(256 + next++);
    }
  }
}

/** BYTE_SYMBOLS[i] is the character of vocabulary id i (0 ≤ i < 256). */
export const BYTE_SYMBOLS: readonly string[] = codepoints.map((c) => String.fromCodePoint(c));

/** BYTE_TO_ID[b] is the vocabulary id of byte b as a word-internal symbol (add 256 for `</w>`). */
export const BYTE_TO_ID: Uint16Array = (() => {
  const t = new Uint16Array(256);
  order.forEach((b, id) => (t[b] = id));
  return t;
})();

/** ID_TO_BYTE[id] is the byte that vocabulary id `id` (0 ≤ id < 256) stands for. */
export const ID_TO_BYTE: Uint8Array = Uint8Array.from(order);

/** bytes_to_unicode as a byte → character table (index = byte value). */
export const BYTE_TO_UNICODE: readonly string[] = (() => {
  const t: string[] = new Array(256);
  order.forEach((b, id) => (t[b] = BYTE_SYMBOLS[id]));
  return t;
})();

/** Inverse of {@link BYTE_TO_UNICODE}: character → byte value. */
export const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_UNICODE.map((c, b) => [c, b]));
