// How a lesson's rendered body becomes slides: the blocks of the article, in order, are cut at
// every `##` heading and at every <SlideBreak />. Speaker notes stay with the slide they are
// written in. Pure: the DOM glue classifies the blocks and then fits each segment to 1280×720.

export type BlockKind = 'heading' | 'break' | 'notes' | 'content';

export interface Segment {
  /** Index of the `##` heading that opens the segment; null for a slide opened by a break or before the first heading. */
  heading: number | null;
  /** Which `##` section the segment belongs to (0-based); -1 before the first heading. */
  section: number;
  /** Content blocks (indices into the input), in order. */
  blocks: number[];
  /** Speaker-notes blocks written inside the segment. */
  notes: number[];
}

export function segment(kinds: readonly BlockKind[]): Segment[] {
  const out: Segment[] = [];
  let section = -1;
  let current: Segment = { heading: null, section, blocks: [], notes: [] };
  const close = () => {
    if (current.heading !== null || current.blocks.length > 0) out.push(current);
    else if (current.notes.length > 0) {
      // notes with nothing to show (say, right after a break): keep them with the slide before
      if (out.length > 0) out[out.length - 1].notes.push(...current.notes);
      else out.push(current);
    }
  };
  kinds.forEach((kind, i) => {
    if (kind === 'heading') {
      close();
      section += 1;
      current = { heading: i, section, blocks: [], notes: [] };
    } else if (kind === 'break') {
      close();
      current = { heading: null, section, blocks: [], notes: [] };
    } else if (kind === 'notes') current.notes.push(i);
    else current.blocks.push(i);
  });
  close();
  return out;
}
