// The slide/step model of a presentation: a deck is the number of reveal steps on each slide,
// a position is (slide, step) where `step` counts how many steps are shown (0 = none yet).
// Everything here is pure; the DOM glue in src/scripts/present/ builds the deck and renders it.

export interface Position { slide: number; step: number }
/** Steps per slide: `deck[i]` is how many reveal steps slide i has (0 when none). */
export type Deck = readonly number[];

export const START: Position = { slide: 0, step: 0 };

export function clamp(deck: Deck, pos: Position): Position {
  if (deck.length === 0) return START;
  const slide = Math.min(Math.max(0, Math.trunc(pos.slide) || 0), deck.length - 1);
  const step = Math.min(Math.max(0, Math.trunc(pos.step) || 0), deck[slide]);
  return { slide, step };
}

export const samePosition = (a: Position, b: Position) => a.slide === b.slide && a.step === b.step;

/** One step forward: the next reveal on this slide, else the next slide with nothing revealed. */
export function next(deck: Deck, pos: Position): Position {
  const p = clamp(deck, pos);
  if (p.step < deck[p.slide]) return { slide: p.slide, step: p.step + 1 };
  if (p.slide < deck.length - 1) return { slide: p.slide + 1, step: 0 };
  return p;
}

/** One step back: hide the last reveal, else the previous slide fully revealed (as reveal.js does). */
export function prev(deck: Deck, pos: Position): Position {
  const p = clamp(deck, pos);
  if (p.step > 0) return { slide: p.slide, step: p.step - 1 };
  if (p.slide > 0) return { slide: p.slide - 1, step: deck[p.slide - 1] };
  return p;
}

export const nextSlide = (deck: Deck, pos: Position): Position => clamp(deck, { slide: clamp(deck, pos).slide + 1, step: 0 });
export const prevSlide = (deck: Deck, pos: Position): Position => clamp(deck, { slide: clamp(deck, pos).slide - 1, step: 0 });
export const first = (deck: Deck): Position => clamp(deck, START);
export const last = (deck: Deck): Position => clamp(deck, { slide: deck.length - 1, step: 0 });
/** A slide by its 1-based number, as typed into "go to slide". */
export const goTo = (deck: Deck, number: number): Position => clamp(deck, { slide: number - 1, step: 0 });

/** True at the last step of the last slide: there is no next step to preview. */
export const atEnd = (deck: Deck, pos: Position) => samePosition(next(deck, pos), clamp(deck, pos));

/**
 * The position in a URL: `#/3/1` (slide 3, one step shown; slides count from 1 as people say
 * them), `#/3`, or `?slide=3&step=1`. The hash wins when both are there. `null` when neither.
 */
export function parseLocation(hash: string, search = ''): Position | null {
  const m = /^#\/(\d+)(?:\/(\d+))?\/?$/.exec(hash);
  if (m) return { slide: Number(m[1]) - 1, step: Number(m[2] ?? 0) };
  const params = new URLSearchParams(search);
  const slide = params.get('slide');
  if (slide !== null && /^\d+$/.test(slide)) {
    const step = params.get('step');
    return { slide: Number(slide) - 1, step: step && /^\d+$/.test(step) ? Number(step) : 0 };
  }
  return null;
}

export const formatHash = (pos: Position): string => (pos.step > 0 ? `#/${pos.slide + 1}/${pos.step}` : `#/${pos.slide + 1}`);

/** How far through the deck a position is, 0…1, counting each slide as one unit and its steps as fractions of it. */
export function progress(deck: Deck, pos: Position): number {
  if (deck.length <= 1) return deck.length === 1 && deck[0] > 0 ? clamp(deck, pos).step / deck[0] : 0;
  const p = clamp(deck, pos);
  const within = deck[p.slide] > 0 ? p.step / (deck[p.slide] + 1) : 0;
  return Math.min(1, (p.slide + within) / (deck.length - 1));
}

/**
 * The slide that a structural key ("segment:page") names in this deck, given each slide's key:
 * the same page of the same segment, else the segment's last page before it; null when the
 * segment is not there at all.
 */
export function locate(keys: readonly string[], at: string): number | null {
  const exact = keys.indexOf(at);
  if (exact >= 0) return exact;
  const [segment, page] = at.split(':');
  let best: number | null = null;
  keys.forEach((k, i) => {
    const [s, p] = k.split(':');
    if (s === segment && Number(p) <= Number(page)) best = i;
  });
  return best;
}
