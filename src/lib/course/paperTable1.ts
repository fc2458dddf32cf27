/**
 * Table 1 of the IP-Adapter paper (arXiv 2308.06721): image-prompt methods on COCO-2017
 * validation (5,000 images × 4 samples = 20k), scored with CLIP ViT-L/14.
 * CLIP-T: CLIPScore between generated images and the reference's caption.
 * CLIP-I: cosine similarity of CLIP image embeddings, generated vs reference image.
 */

export type MethodKind = 'scratch' | 'finetuned' | 'adapter';

export interface Table1Row {
  method: string;
  kind: MethodKind;
  /** trainable parameters, millions */
  params: number;
  clipT: number;
  clipI: number;
}

export const PAPER_TABLE_1: readonly Table1Row[] = [
  { method: 'Open unCLIP', kind: 'scratch', params: 893, clipT: 0.608, clipI: 0.858 },
  { method: 'Kandinsky-2-1', kind: 'scratch', params: 1229, clipT: 0.599, clipI: 0.855 },
  { method: 'Versatile Diffusion', kind: 'scratch', params: 860, clipT: 0.587, clipI: 0.83 },
  { method: 'SD Image Variations', kind: 'finetuned', params: 860, clipT: 0.548, clipI: 0.76 },
  { method: 'SD unCLIP', kind: 'finetuned', params: 870, clipT: 0.584, clipI: 0.81 },
  { method: 'Uni-ControlNet (Global)', kind: 'adapter', params: 47, clipT: 0.506, clipI: 0.736 },
  { method: 'T2I-Adapter (Style)', kind: 'adapter', params: 39, clipT: 0.485, clipI: 0.648 },
  { method: 'ControlNet Shuffle', kind: 'adapter', params: 361, clipT: 0.421, clipI: 0.616 },
  { method: 'IP-Adapter', kind: 'adapter', params: 22, clipT: 0.588, clipI: 0.828 },
];

export const IP_ADAPTER_ROW = PAPER_TABLE_1.find((r) => r.method === 'IP-Adapter')!;

export type Metric = 'clipT' | 'clipI';

/** Long format for a faceted plot: one point per (method, metric). */
export function table1Long(rows: readonly Table1Row[] = PAPER_TABLE_1) {
  return rows.flatMap((r) => [
    { ...r, metric: 'clipT' as Metric, score: r.clipT },
    { ...r, metric: 'clipI' as Metric, score: r.clipI },
  ]);
}

/**
 * How a method compares with IP-Adapter: its score as a fraction of the other method's score,
 * and its trainable parameters as a fraction of the other's. E.g. against Open unCLIP,
 * IP-Adapter reaches 96.5% of the CLIP-I with 2.5% of the trainable parameters.
 */
export function relativeTo(other: Table1Row, row: Table1Row = IP_ADAPTER_ROW) {
  return {
    clipT: row.clipT / other.clipT,
    clipI: row.clipI / other.clipI,
    params: row.params / other.params,
  };
}

/** Rank of a row (1 = best) among all methods on a metric. */
export function rankOn(metric: Metric, row: Table1Row = IP_ADAPTER_ROW, rows: readonly Table1Row[] = PAPER_TABLE_1): number {
  return 1 + rows.filter((r) => r[metric] > row[metric]).length;
}

/** Rows that score at least as well as `row` on both metrics with fewer trainable parameters. */
export function dominating(row: Table1Row = IP_ADAPTER_ROW, rows: readonly Table1Row[] = PAPER_TABLE_1): Table1Row[] {
  return rows.filter((r) => r !== row && r.params <= row.params && r.clipT >= row.clipT && r.clipI >= row.clipI);
}
