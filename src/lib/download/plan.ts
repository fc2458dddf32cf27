/**
 * Download planning, pure: from a file's safetensors header and the parts the chosen graphs
 * need, (1) the layout of the stored copy — only the needed tensors, in file order, contiguous,
 * float tensors converted to the stored dtype — and (2) the byte ranges to request, needed runs
 * merged when the gap between them is small (fewer requests beat a few wasted bytes).
 *
 * The stored copy is itself a valid safetensors file once a header is put in front of its data
 * (assemble.ts), so the graph builders read it like any upstream file, and an fp16 copy of the
 * 2.53 GB fp32 ViT-H is 1.26 GB: it never needs one buffer larger than that.
 */
import { DTYPE_BYTES, type SafeDType, type SafetensorsHeader, type TensorInfo } from '../weights/safetensors';
import type { Part, StoreDType } from './manifest';

/** What happens to a tensor's bytes on the way to the store. */
export type Conversion = 'copy' | 'f32-f16' | 'f16-f32' | 'bf16-f16' | 'bf16-f32';

export interface OutTensor {
  name: string;
  part: string;
  shape: number[];
  srcDtype: SafeDType;
  dtype: SafeDType;
  conversion: Conversion;
  /** Absolute offsets in the source file. */
  srcBegin: number;
  srcEnd: number;
  /** Offsets in the stored data (relative to its start). */
  outBegin: number;
  outEnd: number;
}

export interface ArtefactLayout {
  parts: string[];
  dtype: StoreDType;
  tensors: OutTensor[];
  dataBytes: number;
  /** Source bytes of the selected tensors. */
  sourceBytes: number;
}

export interface FetchRange {
  /** Absolute source offsets, end exclusive. */
  start: number;
  end: number;
}

export const inPart = (name: string, part: Pick<Part, 'include' | 'exclude'>) =>
  part.include.some((p) => name.startsWith(p)) && !part.exclude.some((p) => name.startsWith(p));

function conversionFor(src: SafeDType, want: StoreDType): { dtype: SafeDType; conversion: Conversion } {
  if (want === 'F16') {
    if (src === 'F32') return { dtype: 'F16', conversion: 'f32-f16' };
    if (src === 'BF16') return { dtype: 'F16', conversion: 'bf16-f16' };
  } else if (want === 'F32') {
    if (src === 'F16') return { dtype: 'F32', conversion: 'f16-f32' };
    if (src === 'BF16') return { dtype: 'F32', conversion: 'bf16-f32' };
  }
  return { dtype: src, conversion: 'copy' };
}

/** Bytes per source element and per stored element of a conversion. */
export function elementBytes(c: Conversion): [number, number] {
  switch (c) {
    case 'copy': return [1, 1];
    case 'f32-f16': return [4, 2];
    case 'f16-f32': return [2, 4];
    case 'bf16-f16': return [2, 2];
    case 'bf16-f32': return [2, 4];
  }
}

/** The stored copy's layout: the tensors of `parts` (each assigned to the first part that takes it). */
export function layoutArtefact(header: SafetensorsHeader, parts: Pick<Part, 'name' | 'include' | 'exclude'>[], dtype: StoreDType): ArtefactLayout {
  const picked: { info: TensorInfo; part: string }[] = [];
  for (const info of header.tensors.values()) {
    const part = parts.find((p) => inPart(info.name, p));
    if (part) picked.push({ info, part: part.name });
  }
  picked.sort((a, b) => a.info.begin - b.info.begin || a.info.end - b.info.end);
  let out = 0;
  let sourceBytes = 0;
  const tensors = picked.map(({ info, part }): OutTensor => {
    const { dtype: d, conversion } = conversionFor(info.dtype, dtype);
    const count = info.shape.reduce((a, x) => a * x, 1);
    const bytes = count * DTYPE_BYTES[d];
    const t: OutTensor = {
      name: info.name, part, shape: info.shape, srcDtype: info.dtype, dtype: d, conversion,
      srcBegin: info.begin, srcEnd: info.end, outBegin: out, outEnd: out + bytes,
    };
    out += bytes;
    sourceBytes += info.end - info.begin;
    return t;
  });
  return { parts: parts.map((p) => p.name), dtype, tensors, dataBytes: out, sourceBytes };
}

/** The needed byte runs, merged when closer than `gapBytes` (sorted, non-overlapping). */
export function mergeRanges(tensors: Pick<OutTensor, 'srcBegin' | 'srcEnd'>[], gapBytes: number): FetchRange[] {
  const sorted = tensors.filter((t) => t.srcEnd > t.srcBegin).map((t) => ({ start: t.srcBegin, end: t.srcEnd })).sort((a, b) => a.start - b.start);
  const out: FetchRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start - last.end <= gapBytes) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

export const rangeBytes = (ranges: FetchRange[]) => ranges.reduce((s, r) => s + r.end - r.start, 0);

export interface FetchPlan {
  ranges: FetchRange[];
  /** The ranges cover every byte after the header: the whole-file sha256 can be checked. */
  wholeFile: boolean;
  /** Bytes the ranges will transfer. */
  fetchBytes: number;
}

/**
 * The ranges to request for a layout. When the file has a published sha256 and fetching all of
 * it costs at most `wholeFileOverhead` more than the needed runs, the whole file is fetched so
 * the checksum can be verified (e.g. a text encoder whose position_ids are not needed).
 */
export function planFetch(layout: ArtefactLayout, header: SafetensorsHeader, fileSize: number, o: { gapBytes: number; wholeFileOverhead: number; hasSha256: boolean }): FetchPlan {
  const ranges = mergeRanges(layout.tensors, o.gapBytes);
  const needed = rangeBytes(ranges);
  const all = fileSize - header.dataStart;
  const whole = ranges.length === 1 && ranges[0].start === header.dataStart && ranges[0].end === fileSize;
  if (whole) return { ranges, wholeFile: true, fetchBytes: needed };
  if (o.hasSha256 && all > 0 && all <= needed * (1 + o.wholeFileOverhead)) {
    return { ranges: [{ start: header.dataStart, end: fileSize }], wholeFile: true, fetchBytes: all };
  }
  return { ranges, wholeFile: false, fetchBytes: needed };
}

/** The ranges still to fetch once every source byte before `from` has been consumed. */
export function rangesFrom(ranges: FetchRange[], from: number): FetchRange[] {
  return ranges.filter((r) => r.end > from).map((r) => ({ start: Math.max(r.start, from), end: r.end }));
}

/** A stable key of what a layout stores and how it is fetched (a journal from another plan is discarded). */
export function planKey(layout: ArtefactLayout, plan: FetchPlan, fileSize: number): string {
  return JSON.stringify([fileSize, layout.dtype, layout.parts, layout.tensors.length, layout.dataBytes, plan.ranges.map((r) => [r.start, r.end])]);
}
