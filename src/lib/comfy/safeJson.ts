/**
 * Parsing JSON the reader hands us (a dropped file, pasted text) without trusting it.
 *
 * Checks, cheapest first, each with a sentence a reader can act on:
 * - the input is text (or UTF-8 bytes) and not empty;
 * - size: at most `maxBytes` UTF-8 bytes (default 5 MB; ComfyUI workflows are 10–300 kB);
 * - nesting: at most `maxDepth` levels of [ and { (default 64; workflows nest about 6), found by
 *   a linear scan *before* JSON.parse, so a hostile file never reaches a recursive step;
 * - syntax: JSON.parse's own message;
 * - keys: `__proto__`, `constructor` and `prototype` are refused — ComfyUI never writes them and
 *   they are how JSON can tamper with JavaScript objects.
 *
 * Every object of the result has a null prototype, so no lookup on it can reach Object.prototype:
 * reading a missing field gives undefined, never an inherited function.
 */

export interface JsonLimits {
  /** Largest accepted input, UTF-8 bytes. */
  maxBytes: number;
  /** Deepest accepted nesting of arrays and objects. */
  maxDepth: number;
}

export const DEFAULT_JSON_LIMITS: Readonly<JsonLimits> = Object.freeze({ maxBytes: 5 * 1024 * 1024, maxDepth: 64 });

export type JsonErrorCode = 'not-text' | 'not-utf8' | 'empty' | 'too-large' | 'too-deep' | 'not-json' | 'forbidden-key';

export type SafeJsonResult = { ok: true; value: unknown } | { ok: false; code: JsonErrorCode; error: string };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class ForbiddenKey {
  constructor(readonly key: string) {}
}

const fmtBytes = (n: number) => (n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(0)} kB` : `${n} bytes`);

/** UTF-8 length of a string without allocating its encoding. Lone surrogates count 3 (as U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Deepest nesting of [ / { outside strings, and where the limit was first passed (or -1). */
export function jsonDepth(text: string, limit: number): { depth: number; at: number } {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
      if (depth > limit) return { depth, at: i };
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return { depth: max, at: -1 };
}

/**
 * Refuses prototype keys and drops every object's prototype, in one pass over the parsed value
 * (iterative; the depth is already bounded by the scan). Faster than a JSON.parse reviver, which
 * calls back into JavaScript for every value.
 */
function harden(root: unknown): void {
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let k = 0; k < v.length; k++) if (v[k] !== null && typeof v[k] === 'object') stack.push(v[k]);
      continue;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKey(key);
      const x = (v as Record<string, unknown>)[key];
      if (x !== null && typeof x === 'object') stack.push(x);
    }
    Object.setPrototypeOf(v, null);
  }
}

/** Parses untrusted JSON text or UTF-8 bytes. Never throws. */
export function parseUntrustedJson(input: unknown, limits: Partial<JsonLimits> = {}): SafeJsonResult {
  const { maxBytes, maxDepth } = { ...DEFAULT_JSON_LIMITS, ...limits };
  const tooLarge = (n: number, exact: boolean): SafeJsonResult => ({
    ok: false,
    code: 'too-large',
    error: `The file is ${exact ? '' : 'more than '}${fmtBytes(n)}; a workflow may be at most ${fmtBytes(maxBytes)} (ComfyUI workflows are usually 10–300 kB). Is this the right file?`,
  });
  let text: string;
  if (typeof input === 'string') {
    if (input.length > maxBytes) return tooLarge(input.length, false);
    const n = utf8Length(input);
    if (n > maxBytes) return tooLarge(n, true);
    text = input;
  } else if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
    if (bytes.byteLength > maxBytes) return tooLarge(bytes.byteLength, true);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return { ok: false, code: 'not-utf8', error: 'The file is not UTF-8 text, so it cannot be a ComfyUI workflow (those are JSON text files). Is it an image or an archive?' };
    }
  } else {
    return { ok: false, code: 'not-text', error: `Expected the text of a workflow file, got ${input === null ? 'null' : typeof input}.` };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return { ok: false, code: 'empty', error: 'The file is empty: there is no workflow in it.' };

  const d = jsonDepth(text, maxDepth);
  if (d.at >= 0) {
    return { ok: false, code: 'too-deep', error: `The JSON nests more than ${maxDepth} levels deep (passed at character ${d.at}); ComfyUI workflows nest about 6 levels. The file is refused.` };
  }
  try {
    const value: unknown = JSON.parse(text);
    harden(value);
    return { ok: true, value };
  } catch (e) {
    if (e instanceof ForbiddenKey) {
      return {
        ok: false,
        code: 'forbidden-key',
        error: `The file contains the key "${e.key}", which ComfyUI never writes; it is refused because such keys can change how JavaScript objects behave.`,
      };
    }
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, code: 'not-json', error: `This is not JSON (${why}). In ComfyUI, save the workflow with Workflow → Save or Export (API), and load that .json file.` };
  }
}

/** An own property of a parsed object (never an inherited one). */
export function own(o: unknown, key: string): unknown {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined;
  return Object.prototype.hasOwnProperty.call(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

export function isPlainObject(o: unknown): o is Record<string, unknown> {
  return o !== null && typeof o === 'object' && !Array.isArray(o);
}
