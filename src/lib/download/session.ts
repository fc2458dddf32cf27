/**
 * The whole flow for one selection, independent of the page: jobs from the manifest → prepare
 * (headers, cache) → confirmation → runDownloads → the assembled safetensors files the pipeline
 * loads. The panel (src/scripts/live/download.ts), the tests and the benchmark all go through it.
 */
import type { WeightCache } from '../storage/cache';
import { assembleFiles, type AssembledFile } from './assemble';
import { DownloadError } from './errors';
import { countingSource, guardedFetch, httpSource, prepare, type Context, type FetchLike, type FileJob, type Prepared } from './fetcher';
import { allowedOrigins, fileUrl, neededFiles, type Manifest, type ManifestFile, type Selection } from './manifest';
import type { ModelFile, ModelFiles } from '../pipeline/protocol';

/** How a file is named in messages: repository and path, the same in every language. */
export const fileLabel = (f: ManifestFile) => `${f.repo} ${f.path}`;

/** A fetch limited to the manifest's origins (every request of a download goes through one). */
export const manifestFetch = (m: Manifest, o: { fetch?: FetchLike } = {}) => guardedFetch(allowedOrigins(m), o);

export function jobsFor(m: Manifest, sel: Selection, fetchFn: FetchLike, count?: (n: number) => void): FileJob[] {
  return neededFiles(m, sel).map(({ file, parts }) => {
    const label = fileLabel(file);
    const src = httpSource(fetchFn, fileUrl(m, file), label, { etag: !m.repos[file.repo].revisionPinned });
    return {
      id: file.id, label,
      ref: { repo: file.repo, revision: m.repos[file.repo].revision, path: file.path },
      source: count ? countingSource(src, count) : src,
      size: file.size, sha256: file.sha256, parts, dtype: sel.dtype,
    };
  });
}

export interface PrepareResult {
  prepared: Prepared[];
  errors: { id: string; label: string; error: DownloadError }[];
}

/** Reads every needed header (or finds it cached). A file that fails is reported, the rest go on. */
export async function prepareAll(jobs: FileJob[], ctx: Context): Promise<PrepareResult> {
  const out: PrepareResult = { prepared: [], errors: [] };
  for (const job of jobs) {
    try { out.prepared.push(await prepare(job, ctx)); } catch (e) {
      const error = e instanceof DownloadError ? e : new DownloadError('storage', (e as Error).message, { file: job.label });
      if (error.code === 'aborted') throw error;
      out.errors.push({ id: job.id, label: job.label, error });
    }
  }
  return out;
}

export interface ModelFileSet {
  unet: AssembledFile[];
  text_encoder: AssembledFile[];
  vae: AssembledFile[];
  image_encoder: AssembledFile[];
  /** One entry per chosen adapter, in the selection's order. */
  adapters: AssembledFile[][];
  loras: AssembledFile[][];
}

/**
 * The cached weights for a selection as safetensors files (Blobs) for the pipeline: only the
 * stored tensors, in the stored dtype. Throws when something needed is not cached yet.
 */
export async function modelFiles(cache: WeightCache, m: Manifest, sel: Selection): Promise<ModelFileSet> {
  const needed = neededFiles(m, sel);
  const byId = new Map<string, AssembledFile[]>();
  for (const n of needed) {
    const ref = { repo: n.file.repo, revision: m.repos[n.file.repo].revision, path: n.file.path };
    const metas = (await cache.completeArtefacts(ref)).filter((a) => a.dtype === sel.dtype);
    const have = new Set(metas.flatMap((a) => a.parts));
    const missing = n.parts.filter((p) => !have.has(p.name));
    if (missing.length) throw new DownloadError('storage', `${fileLabel(n.file)} is not fully downloaded yet (missing: ${missing.map((p) => p.name).join(', ')}).`, { file: fileLabel(n.file) });
    const use = metas.filter((a) => a.parts.some((p) => n.parts.some((q) => q.name === p)));
    byId.set(n.file.id, await assembleFiles(cache, use, { location: `${n.file.role}/${n.file.path.split('/').pop()}`, shardBytes: m.settings.shardBytes }));
  }
  const base = m.choices.base.find((b) => b.id === sel.base)!;
  const get = (id: string) => byId.get(id) ?? [];
  const adapters = sel.adapters.map((a) => get(m.choices.adapters.find((x) => x.id === a)!.file));
  const encoders = [...new Set(sel.adapters.map((a) => m.choices.imageEncoders.find((e) => e.id === m.choices.adapters.find((x) => x.id === a)!.encoder)!.file))];
  return {
    unet: get(base.files.unet),
    text_encoder: get(base.files.text_encoder),
    vae: get(base.files.vae),
    image_encoder: encoders.flatMap(get),
    adapters,
    loras: sel.loras.map((l) => get(m.choices.loras.find((x) => x.id === l)!.file)),
  };
}

/**
 * The set in the shape the generation worker's `load` takes (src/lib/pipeline/protocol.ts):
 * one Blob per role, no bytes copied. The worker builds the VAE encoder too unless told not
 * to, so choose image-to-image (img2img) when handing files to it, or it misses encoder.*.
 */
export function pipelineFiles(set: ModelFileSet): ModelFiles {
  const one = (role: string, files: AssembledFile[]): ModelFile | undefined => {
    if (files.length === 0) return undefined;
    if (files.length > 1) throw new DownloadError('storage', `${files[0].label} is stored in ${files.length} shards (over the shard size); the worker takes one file per role.`, { file: files[0].label });
    return { name: `${role}-${files[0].location.split('/').pop()}`, data: files[0].blob };
  };
  return {
    unet: one('unet', set.unet),
    vae: one('vae', set.vae),
    textEncoder: one('text', set.text_encoder),
    imageEncoder: one('image-encoder', set.image_encoder),
    adapters: set.adapters.map((a, i) => one(`adapter-${i}`, a)!),
  };
}
