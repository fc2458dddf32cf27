/**
 * ComfyUI's prompt-weighting syntax, read the way ComfyUI reads it (comfy/sd1_clip.py:
 * escape_important → token_weights/parse_parentheses → unescape_important), with character
 * offsets kept so a UI can show which text got which weight and underline suspicious syntax.
 *
 * What ComfyUI does:
 *
 * - `(text)` multiplies the weight of `text` by 1.1; nesting multiplies again: `((text))` → 1.21.
 * - `(text:1.5)` *sets* the weight to 1.5 (it replaces the weight from outer brackets, it does not
 *   multiply it): `((a:1.5))` → 1.5, while `((a):1.5)` → 1.5 · 1.1. The number is everything after
 *   the *last* colon inside the brackets, read with Python's `float()`.
 * - `\(` and `\)` are literal brackets.
 * - Square brackets mean nothing special (A1111's `[text]` ÷ 1.1 does not exist in ComfyUI), and
 *   neither do `{}` or `AND`.
 *
 * Malformed input never fails: a bracket that does not close is taken as text, a stray `)` stays
 * text (and, as in ComfyUI, every bracket after it on that level is then read as text too), and a
 * weight that is not a number stays part of the text with the 1.1 factor. {@link parsePromptWeights}
 * reproduces exactly that and reports each such place as a diagnostic.
 */

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

export interface PromptDiagnostic {
  /** What ComfyUI does here, in plain words. */
  message: string;
  /** [start, end) in UTF-16 code units of the prompt. */
  start: number;
  end: number;
  severity: DiagnosticSeverity;
  /** Stable identifier for tests and UI styling. */
  code:
    | 'unclosed-paren'
    | 'unmatched-close-paren'
    | 'paren-read-as-text'
    | 'weight-not-a-number'
    | 'weight-without-text'
    | 'weight-not-finite'
    | 'empty-group'
    | 'square-brackets'
    | 'embedding-unavailable'
    | 'embedding-empty-name';
}

export interface WeightedSegment {
  /** The text as ComfyUI hands it to the tokenizer (escapes `\(` `\)` resolved to brackets). */
  text: string;
  /** ComfyUI's weight for every token of this text. */
  weight: number;
  /** [start, end) of the segment in the prompt. */
  start: number;
  end: number;
  /** For each UTF-16 code unit of `text`, the [starts[k], ends[k]) range of the prompt it came from. */
  starts: number[];
  ends: number[];
}

export interface ParsedPrompt {
  segments: WeightedSegment[];
  diagnostics: PromptDiagnostic[];
}

// escape_important replaces "\)" and "\(" by these two-character markers (same length as what they
// replace, so offsets survive), unescape_important turns them into plain brackets.
const ESC_CLOSE = '\0\x01';
const ESC_OPEN = '\0\x02';

/** ComfyUI's escape_important. Length-preserving. */
export function escapeImportant(text: string): string {
  return text.replaceAll('\\)', ESC_CLOSE).replaceAll('\\(', ESC_OPEN);
}

/** ComfyUI's unescape_important. */
export function unescapeImportant(text: string): string {
  return text.replaceAll(ESC_CLOSE, ')').replaceAll(ESC_OPEN, '(');
}

const PY_SPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
const PY_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PY_FLOAT_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/**
 * Python's `float(s)`: surrounding whitespace, `_` between digits, `inf`/`nan`. Returns null where
 * Python raises ValueError. Full-width digits (０–９) are accepted as Python accepts them; other
 * non-ASCII decimal digits, which Python also accepts, are not recognised (a documented gap).
 */
export function pythonFloat(s: string): number | null {
  let t = s.replace(PY_SPACE, '').replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30));
  const special = PY_FLOAT_SPECIAL.exec(t);
  if (special) {
    const v = special[2].toLowerCase() === 'nan' ? NaN : Infinity;
    return special[1] === '-' ? -v : v;
  }
  if (!PY_FLOAT.test(t)) return null;
  t = t.replaceAll('_', '');
  return Number(t);
}

interface Item {
  start: number;
  end: number;
}

/** ComfyUI's parse_parentheses over s[from, to), returning item ranges. */
function parseParentheses(s: string, from: number, to: number): Item[] {
  const out: Item[] = [];
  let itemStart = from;
  let level = 0;
  for (let i = from; i < to; i++) {
    const c = s[i];
    if (c === '(') {
      if (level === 0) {
        if (i > itemStart) out.push({ start: itemStart, end: i });
        itemStart = i;
      }
      level++;
    } else if (c === ')') {
      level--;
      if (level === 0) {
        out.push({ start: itemStart, end: i + 1 });
        itemStart = i + 1;
      }
    }
  }
  if (to > itemStart) out.push({ start: itemStart, end: to });
  return out;
}

const fmt = (w: number) => (Number.isInteger(w) ? w.toFixed(1) : String(Number(w.toPrecision(12))));

/** Reads a prompt into weighted segments exactly as ComfyUI's token_weights does. */
export function parsePromptWeights(prompt: string): ParsedPrompt {
  const s = escapeImportant(prompt);
  const segments: WeightedSegment[] = [];
  const diagnostics: PromptDiagnostic[] = [];
  /** brackets ComfyUI consumed as weight syntax */
  const syntax = new Set<number>();

  const emit = (start: number, end: number, weight: number) => {
    let text = '';
    const starts: number[] = [];
    const ends: number[] = [];
    for (let i = start; i < end; i++) {
      if (s[i] === '\0' && (s[i + 1] === '\x01' || s[i + 1] === '\x02') && i + 1 < end) {
        text += s[i + 1] === '\x01' ? ')' : '(';
        starts.push(i);
        ends.push(i + 2);
        i++;
      } else {
        text += s[i];
        starts.push(i);
        ends.push(i + 1);
      }
    }
    segments.push({ text, weight, start, end, starts, ends });
  };

  const tokenWeights = (from: number, to: number, current: number) => {
    for (const item of parseParentheses(s, from, to)) {
      const len = item.end - item.start;
      if (len >= 2 && s[item.start] === '(' && s[item.end - 1] === ')') {
        syntax.add(item.start);
        syntax.add(item.end - 1);
        const innerStart = item.start + 1;
        let innerEnd = item.end - 1;
        let weight = current * 1.1;
        const colon = s.lastIndexOf(':', innerEnd - 1);
        const xx = colon >= innerStart ? colon - innerStart : -1;
        if (xx > 0) {
          const raw = s.slice(colon + 1, innerEnd);
          const value = pythonFloat(raw);
          if (value !== null) {
            weight = value;
            innerEnd = colon;
            if (!Number.isFinite(value)) {
              diagnostics.push({
                code: 'weight-not-finite',
                severity: 'error',
                start: colon + 1,
                end: item.end - 1,
                message: `Weight ${raw.trim()} is not a finite number: ComfyUI accepts it, and every weighted vector becomes ${Number.isNaN(value) ? 'NaN' : 'infinite'}.`,
              });
            }
          } else if (!/[()]/.test(raw) && !raw.includes('\0')) {
            const empty = colon + 1 === innerEnd;
            diagnostics.push({
              code: 'weight-not-a-number',
              severity: 'warning',
              // the text after the colon, or the colon itself when nothing follows it
              start: empty ? colon : colon + 1,
              end: empty ? colon + 1 : innerEnd,
              message:
                raw.trim() === ''
                  ? `No number after ':': ComfyUI keeps ':' as part of the text and uses ×1.1 (weight ${fmt(weight)}).`
                  : `"${raw}" is not a number: ComfyUI keeps ":${raw}" as part of the text and uses ×1.1 (weight ${fmt(weight)}).`,
            });
          }
        } else if (xx === 0 && pythonFloat(s.slice(colon + 1, innerEnd)) !== null) {
          diagnostics.push({
            code: 'weight-without-text',
            severity: 'warning',
            start: item.start,
            end: item.end,
            message: `A weight needs text before the ':'; ComfyUI reads "${s.slice(colon, innerEnd)}" as text with ×1.1 instead.`,
          });
        }
        if (innerEnd <= innerStart || /^[\s]*$/.test(s.slice(innerStart, innerEnd))) {
          diagnostics.push({
            code: 'empty-group',
            severity: 'info',
            start: item.start,
            end: item.end,
            message: 'Nothing to weight inside these brackets.',
          });
        }
        tokenWeights(innerStart, innerEnd, weight);
      } else {
        emit(item.start, item.end, current);
      }
    }
  };
  tokenWeights(0, s.length, 1.0);

  diagnostics.push(...bracketDiagnostics(s, syntax));
  diagnostics.sort((a, b) => a.start - b.start || a.end - b.end);
  return { segments, diagnostics };
}

/** Diagnostics about brackets: unbalanced ones, and balanced ones ComfyUI nevertheless reads as text. */
function bracketDiagnostics(s: string, syntax: Set<number>): PromptDiagnostic[] {
  const out: PromptDiagnostic[] = [];
  const stack: number[] = [];
  const pairs: Array<[number, number]> = [];
  const unmatchedClose: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') stack.push(i);
    else if (s[i] === ')') {
      const open = stack.pop();
      if (open === undefined) unmatchedClose.push(i);
      else pairs.push([open, i]);
    }
  }
  const unmatched = [...stack, ...unmatchedClose].sort((a, b) => a - b);
  for (const i of stack) {
    out.push({
      code: 'unclosed-paren',
      severity: 'error',
      start: i,
      end: i + 1,
      message: syntax.has(i)
        ? "This '(' is never closed. ComfyUI still pairs it with a later ')', so the weights are not where the brackets suggest."
        : "This '(' is never closed: ComfyUI reads it, and everything after it at this level, as plain text with no extra weight.",
    });
  }
  for (const i of unmatchedClose) {
    out.push({
      code: 'unmatched-close-paren',
      severity: 'error',
      start: i,
      end: i + 1,
      message: syntax.has(i)
        ? "This ')' has no matching '('. ComfyUI pairs it with an earlier '(', so the weights are not where the brackets suggest."
        : "This ')' has no matching '(': ComfyUI keeps it as text, and brackets after it at this level are read as text too.",
    });
  }
  for (const [open, close] of pairs) {
    if (syntax.has(open) && syntax.has(close)) continue;
    const cause = unmatched.length > 0 ? nearest(unmatched, open) : undefined;
    out.push({
      code: 'paren-read-as-text',
      severity: 'warning',
      start: open,
      end: close + 1,
      message:
        cause !== undefined
          ? `ComfyUI does not weight this bracketed text: because of the unbalanced bracket at offset ${cause}, it reads these brackets as ordinary text.`
          : 'ComfyUI does not weight this bracketed text: it reads these brackets as ordinary text.',
    });
  }
  // square brackets: A1111 syntax that ComfyUI does not have
  const sq: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '[') sq.push(i);
    else if (s[i] === ']' && sq.length > 0) {
      const open = sq.pop() as number;
      if (sq.length === 0) {
        out.push({
          code: 'square-brackets',
          severity: 'info',
          start: open,
          end: i + 1,
          message: 'ComfyUI has no [ ] de-emphasis (that is A1111 syntax): the square brackets are ordinary text here. Use (text:0.9) to lower a weight.',
        });
      }
    }
  }
  return out;
}

function nearest(sorted: number[], at: number): number {
  let best = sorted[0];
  for (const v of sorted) if (Math.abs(v - at) < Math.abs(best - at)) best = v;
  return best;
}
