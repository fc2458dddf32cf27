/**
 * Text clean-up that CLIP's tokenizer applies before splitting a prompt into words, done while
 * remembering, for every character of the result, which characters of the input it came from (so a
 * UI can point at the input text behind each token, or at the place where SD1.5 cuts a prompt off).
 *
 * Two variants, because two exist upstream:
 *
 * - `'ftfy'` (default): OpenAI's simple_tokenizer.py and transformers' CLIPTokenizer when the
 *   `ftfy` package is installed (diffusers, A1111): `whitespace_clean(ftfy.fix_text(text)).lower()`.
 *   The fixture ids in ../shared/fixtures/clip_tokenizer come from this path. We implement the
 *   deterministic, table-driven fixes of ftfy 6 (see {@link ftfyLite}); ftfy's mojibake repair
 *   (`fix_encoding`, a heuristic that re-decodes text such as "Ã©" as "é") is not reproduced.
 * - `'basic'`: transformers' CLIPTokenizer *without* ftfy. It then falls back to BERT's
 *   BasicTokenizer: control characters dropped, a space put around every CJK ideograph, NFC,
 *   lower case, no other fix. A stock ComfyUI install (its requirements do not include ftfy, and
 *   it uses the slow CLIPTokenizer) takes this path. It changes ids for CJK text (every ideograph
 *   becomes its own word) and for text ftfy would have repaired; plain English is unaffected.
 *
 * Whitespace follows Python's `str.isspace()` (used by `re`'s `\s` and `str.split()`), spelled out
 * below because JavaScript's `\s` differs (it includes U+FEFF, lacks U+001C–U+001F and U+0085).
 */

/** Characters Python's `str.isspace()` accepts. */
export const PY_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

export type CleanMode = 'ftfy' | 'basic';

/** Text plus, per UTF-16 code unit, the [start, end) range of input code units it came from. */
export interface OffsetText {
  text: string;
  starts: number[];
  ends: number[];
}

export function offsetTextOf(text: string): OffsetText {
  const starts: number[] = new Array(text.length);
  const ends: number[] = new Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // keep a surrogate pair together: both halves span the whole character
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        starts[i] = starts[i + 1] = i;
        ends[i] = ends[i + 1] = i + 2;
        i++;
        continue;
      }
    }
    starts[i] = i;
    ends[i] = i + 1;
  }
  return { text, starts, ends };
}

/**
 * Replaces every match of the global regex `re` by `replace(match)`. Characters of a replacement
 * inherit the span of the whole match; unchanged text keeps its spans.
 */
export function rewrite(src: OffsetText, re: RegExp, replace: (m: RegExpMatchArray) => string): OffsetText {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let last = 0;
  let changed = false;
  const copy = (from: number, to: number) => {
    text += src.text.slice(from, to);
    for (let k = from; k < to; k++) {
      starts.push(src.starts[k]);
      ends.push(src.ends[k]);
    }
  };
  for (const m of src.text.matchAll(re)) {
    const a = m.index ?? 0;
    const b = a + m[0].length;
    if (b === a) continue;
    const r = replace(m);
    if (r === m[0]) continue;
    changed = true;
    copy(last, a);
    const s = src.starts[a];
    const e = src.ends[b - 1];
    text += r;
    for (let k = 0; k < r.length; k++) {
      starts.push(s);
      ends.push(e);
    }
    last = b;
  }
  if (!changed) return src;
  copy(last, src.text.length);
  return { text, starts, ends };
}

function sliceOffsetText(src: OffsetText, from: number, to: number): OffsetText {
  return { text: src.text.slice(from, to), starts: src.starts.slice(from, to), ends: src.ends.slice(from, to) };
}

function concatOffsetTexts(parts: OffsetText[]): OffsetText {
  return {
    text: parts.map((p) => p.text).join(''),
    starts: parts.flatMap((p) => p.starts),
    ends: parts.flatMap((p) => p.ends),
  };
}

// ---------------------------------------------------------------------------------------------
// ftfy 6 (fix_text with its default TextFixerConfig), the deterministic parts

/** Windows-1252 for bytes 0x80–0x9F; the five undefined bytes stay as they are ("sloppy" codec). */
const CP1252_C1 =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

const LIGATURES: Record<string, string> = {
  'Ĳ': 'IJ', 'ĳ': 'ij', 'ŉ': 'ʼn', 'Ǳ': 'DZ', 'ǲ': 'Dz', 'ǳ': 'dz', 'Ǆ': 'DŽ', 'ǅ': 'Dž', 'ǆ': 'dž',
  'Ǉ': 'LJ', 'ǈ': 'Lj', 'ǉ': 'lj', 'Ǌ': 'NJ', 'ǋ': 'Nj', 'ǌ': 'nj',
  'ﬀ': 'ff', 'ﬁ': 'fi', 'ﬂ': 'fl', 'ﬃ': 'ffi', 'ﬄ': 'ffl', 'ﬅ': 'ſt', 'ﬆ': 'st',
};

/**
 * Named HTML entities decoded here: the ones that plausibly appear in prompts copied from web
 * pages. ftfy knows all ~2,200 HTML5 names; rarer ones are left as written (a documented gap).
 */
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\xa0', shy: '\xad',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”',
  bdquo: '„', laquo: '«', raquo: '»', lsaquo: '‹', rsaquo: '›', bull: '•', middot: '·', prime: '′',
  copy: '©', reg: '®', trade: '™', deg: '°', times: '×', divide: '÷', plusmn: '±', micro: 'µ',
  para: '¶', sect: '§', euro: '€', pound: '£', yen: '¥', cent: '¢', iexcl: '¡', iquest: '¿',
  frac12: '½', frac14: '¼', frac34: '¾', sup1: '¹', sup2: '²', sup3: '³', hearts: '♥', star: '☆',
  eacute: 'é', egrave: 'è', agrave: 'à', aacute: 'á', ccedil: 'ç', uuml: 'ü', ouml: 'ö', auml: 'ä',
  ntilde: 'ñ', szlig: 'ß',
};
const ENTITY_TABLE: Map<string, string> = (() => {
  const t = new Map<string, string>();
  for (const [name, ch] of Object.entries(NAMED_ENTITIES)) t.set(`&${name};`, ch);
  // ftfy also decodes all-uppercase spellings of lower-case names (e.g. &NTILDE; → Ñ)
  for (const [name, ch] of Object.entries(NAMED_ENTITIES)) {
    const up = `&${name.toUpperCase()};`;
    if (name === name.toLowerCase() && !t.has(up)) t.set(up, ch.toUpperCase());
  }
  return t;
})();

/** Python's html.unescape for one numeric character reference (&#65; / &#x41;). */
function numericCharref(ref: string): string | null {
  const m = /^&#(?:([0-9]+)|[xX]([0-9a-fA-F]+));$/.exec(ref);
  if (!m) return null;
  const num = m[1] !== undefined ? Number.parseInt(m[1], 10) : Number.parseInt(m[2], 16);
  if (num === 0) return '\ufffd';
  if (num === 0x0d) return '\r';
  if (num >= 0x80 && num <= 0x9f) return CP1252_C1[num - 0x80];
  if ((num >= 0xd800 && num <= 0xdfff) || num > 0x10ffff || !Number.isFinite(num)) return '\ufffd';
  const invalid =
    (num >= 0x1 && num <= 0x8) || num === 0xb || (num >= 0xe && num <= 0x1f) || (num >= 0x7f && num <= 0x9f) ||
    (num >= 0xfdd0 && num <= 0xfdef) || (num & 0xfffe) === 0xfffe;
  return invalid ? '' : String.fromCodePoint(num);
}

const RE_ENTITY = /&#?[0-9A-Za-z]{1,24};/g;
const RE_C1 = /[\x80-\x9f]/g;
const RE_LIGATURE = new RegExp(`[${Object.keys(LIGATURES).join('')}]`, 'g');
const RE_WIDTH = /[\u3000\uff01-\uffef]/g;
const RE_SINGLE_QUOTE = /[\u02bc\u2018-\u201b]/g;
const RE_DOUBLE_QUOTE = /[\u201c-\u201f]/g;
const RE_LINE_BREAK = /\r\n|[\r\u2028\u2029\x85]/g;
const RE_LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const RE_TERMINAL_ESCAPE = /\x1b\[[\p{Nd};]*[a-zA-Z]/gu;
const RE_FTFY_CONTROL = /[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g;

/**
 * A base character with the marks that may compose with it under NFC (combining marks, Hangul
 * medial/final jamo). Normalising cluster by cluster keeps offsets precise; the result is checked
 * against normalising the whole string.
 */
const RE_NFC_CLUSTER = /[^\p{M}\u1160-\u11ff][\p{M}\u1160-\u11ff]+|[\p{M}\u1160-\u11ff]+/gu;

export function nfc(src: OffsetText): OffsetText {
  const whole = src.text.normalize('NFC');
  if (whole === src.text) return src;
  let out = rewrite(src, RE_NFC_CLUSTER, (m) => m[0].normalize('NFC'));
  out = rewrite(out, /[^\x00-\x7f]/gu, (m) => m[0].normalize('NFC')); // singletons such as U+212B Å
  if (out.text === whole) return out;
  // Not expected; keep the text exact and fall back to one span for everything that changed.
  return rewrite(src, /[\s\S]+/g, () => whole);
}

function ftfyPass(src: OffsetText, unescapeHtml: boolean): OffsetText {
  let t = src;
  if (unescapeHtml) {
    t = rewrite(t, RE_ENTITY, (m) => ENTITY_TABLE.get(m[0]) ?? numericCharref(m[0]) ?? m[0]);
  }
  // (ftfy's fix_encoding would run here: heuristic mojibake repair, not reproduced)
  t = rewrite(t, RE_C1, (m) => CP1252_C1[m[0].charCodeAt(0) - 0x80]);
  t = rewrite(t, RE_LIGATURE, (m) => LIGATURES[m[0]]);
  t = rewrite(t, RE_WIDTH, (m) => (m[0] === '\u3000' ? ' ' : m[0].normalize('NFKC')));
  t = rewrite(t, RE_SINGLE_QUOTE, () => "'");
  t = rewrite(t, RE_DOUBLE_QUOTE, () => '"');
  t = rewrite(t, RE_LINE_BREAK, () => '\n');
  t = rewrite(t, RE_LONE_SURROGATE, () => '\ufffd');
  t = rewrite(t, RE_TERMINAL_ESCAPE, () => '');
  t = rewrite(t, RE_FTFY_CONTROL, () => '');
  return nfc(t);
}

/**
 * ftfy.fix_text with its defaults, minus the mojibake heuristics: per line, repeated until nothing
 * changes, HTML entity decoding (turned off from the first line that contains "<" onwards),
 * C1 controls read as Windows-1252, Latin ligatures split, full-width forms narrowed, curly quotes
 * straightened, line breaks unified, lone surrogates replaced, terminal escapes and invisible
 * control characters removed, NFC.
 */
export function ftfyLite(src: OffsetText): OffsetText {
  const lines: OffsetText[] = [];
  let unescapeHtml = true;
  let pos = 0;
  while (pos < src.text.length) {
    const nl = src.text.indexOf('\n', pos);
    const end = nl === -1 ? src.text.length : nl + 1;
    let line = sliceOffsetText(src, pos, end);
    if (line.text.includes('<')) unescapeHtml = false;
    for (let pass = 0; pass < 16; pass++) {
      const next = ftfyPass(line, unescapeHtml);
      if (next.text === line.text) break;
      line = next;
    }
    lines.push(line);
    pos = end;
  }
  return lines.length === 1 ? lines[0] : concatOffsetTexts(lines);
}

// ---------------------------------------------------------------------------------------------
// transformers' BasicTokenizer (the no-ftfy fallback)

const RE_BASIC_DROP = /[\0\ufffd]|(?![\t\n\r])\p{C}/gu;
const RE_BASIC_SPACE = /[\t\n\r\p{Zs}]/gu;
const RE_CJK = /[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\u{20000}-\u{2a6df}\u{2a700}-\u{2b73f}\u{2b740}-\u{2b81f}\u{2b820}-\u{2ceaf}\u{2f800}-\u{2fa1f}]/gu;

export function basicClean(src: OffsetText): OffsetText {
  let t = rewrite(src, RE_BASIC_DROP, () => '');
  t = rewrite(t, RE_BASIC_SPACE, () => ' ');
  t = rewrite(t, RE_CJK, (m) => ` ${m[0]} `);
  return nfc(t);
}

// ---------------------------------------------------------------------------------------------
// whitespace_clean and lower()

const RE_WHITESPACE_RUN = new RegExp(`[${PY_WHITESPACE}]+`, 'g');

/** `re.sub(r"\s+", " ", text).strip()` */
export function whitespaceClean(src: OffsetText): OffsetText {
  const t = rewrite(src, RE_WHITESPACE_RUN, () => ' ');
  let a = 0;
  let b = t.text.length;
  while (a < b && t.text[a] === ' ') a++;
  while (b > a && t.text[b - 1] === ' ') b--;
  return a === 0 && b === t.text.length ? t : sliceOffsetText(t, a, b);
}

/**
 * Python's `str.lower()` (full Unicode case mapping, final sigma in context), which is what
 * JavaScript's `toLowerCase()` does too. Lower-cased as a whole string; the per-character spans are
 * carried over character by character.
 */
export function lowerCase(src: OffsetText): OffsetText {
  const whole = src.text.toLowerCase();
  if (whole === src.text) return src;
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  for (const ch of src.text) {
    const n = ch.toLowerCase().length;
    for (let k = 0; k < n; k++) {
      starts.push(src.starts[i]);
      ends.push(src.ends[i + ch.length - 1]);
    }
    i += ch.length;
  }
  if (starts.length !== whole.length) {
    return rewrite(src, /[\s\S]+/g, () => whole); // not expected: keep the text exact
  }
  return { text: whole, starts, ends };
}

/** The full clean-up CLIP's tokenizer applies before its word-splitting regex. */
export function cleanForClip(text: string, mode: CleanMode = 'ftfy'): OffsetText {
  const src = offsetTextOf(text);
  const fixed = mode === 'ftfy' ? ftfyLite(src) : basicClean(src);
  return lowerCase(whitespaceClean(fixed));
}
