/**
 * The model manifest (models/manifest.json): every weight file the live lab may download, where
 * it lives upstream (repository, revision, path), how big it is, its checksum where one is
 * published, and which tensors each graph needs (parts). The origins a download may touch are
 * derived from it and from nothing else: `allowedOrigins(manifest)` is the fetch allow-list.
 *
 * A manifest is data from a file (or, in tests, from a local server's address); it is checked
 * here field by field, and every problem is reported with its JSON path.
 */
import type { Bilingual } from '../i18n/lang';

/** The graphs the pipeline builds (src/lib/pipeline/graphs.ts), as the parts name them. */
export const GRAPH_IDS = [
  'text_encoder',
  'unet',
  'vae_decoder',
  'vae_encoder',
  'image_encoder/image_embeds',
  'image_encoder/penultimate',
  'projector',
  'lora',
] as const;
export type GraphId = (typeof GRAPH_IDS)[number];

export type FileRole = 'unet' | 'text_encoder' | 'vae' | 'image_encoder' | 'adapter' | 'lora';
const ROLES: FileRole[] = ['unet', 'text_encoder', 'vae', 'image_encoder', 'adapter', 'lora'];

/** What the stored copy holds: float tensors as fp16, as fp32, or as published. */
export type StoreDType = 'F16' | 'F32' | 'keep';

export interface Host {
  /** Origin plus optional path prefix, e.g. "https://huggingface.co". */
  base: string;
  /** URL template; {base}, {repo}, {revision}, {path} are substituted (path segments URL-encoded). */
  resolve: string;
  /** Hosts the resolve URL may redirect to (Hugging Face sends large files to its CDN/Xet bridge). */
  redirectOrigins: string[];
  note?: string;
}

export interface Repo {
  host: string;
  revision: string;
  /** False when `revision` is a branch name (content may change upstream): checksums still apply. */
  revisionPinned: boolean;
  note?: string;
}

export interface Part {
  /** [a-z0-9-]+, unique within the file. */
  name: string;
  /** Tensor-name prefixes; "" takes every tensor. */
  include: string[];
  /** Prefixes taken out again (e.g. the last ViT layer for the Plus-only encoder). */
  exclude: string[];
  /** The graphs that read these tensors. */
  graphs: GraphId[];
  /**
   * sha256 of the part's tensor bytes as published (the source bytes of its tensors, in file
   * order, concatenated); lets a partial download be checked. Null where nobody computed one.
   */
  sha256: string | null;
}

export interface ManifestFile {
  id: string;
  role: FileRole;
  repo: string;
  path: string;
  /** Exact byte size, or null when not known (the download then trusts Content-Range and the header). */
  size: number | null;
  /** Rounded size for the confirmation screen when `size` is unknown. */
  approxSize: number | null;
  /** Whole-file sha256 (the Git LFS oid Hugging Face shows), or null. */
  sha256: string | null;
  /** The dtype of the float tensors as published. */
  dtype: 'F16' | 'F32' | 'BF16';
  label: Bilingual;
  parts: Part[];
  /** Where size/sha256/revision were read, for whoever updates the manifest. */
  sources: string[];
  note?: string;
}

export interface BaseChoice { id: string; label: Bilingual; files: { unet: string; text_encoder: string; vae: string }; default: boolean; note?: Bilingual }
export interface AdapterChoice { id: string; label: Bilingual; file: string; encoder: string; input: 'image_embeds' | 'penultimate'; tokens: number; default: boolean; note?: Bilingual }
export interface EncoderChoice { id: string; label: Bilingual; file: string }
export interface LoraChoice { id: string; label: Bilingual; file: string; note?: Bilingual }

export interface DownloadSettings {
  /** Bytes per stored block: the unit that survives a closed tab. */
  blockBytes: number;
  /** Two needed byte runs closer than this are fetched as one request. */
  gapBytes: number;
  /** Largest single assembled file handed to onnxruntime (browsers cap an ArrayBuffer near 2 GB). */
  shardBytes: number;
  /** Fetch the whole file (so its sha256 can be checked) when that costs at most this fraction more. */
  wholeFileOverhead: number;
  /** Parallel file downloads. */
  concurrency: number;
}

export interface Manifest {
  version: 1;
  hosts: Record<string, Host>;
  repos: Record<string, Repo>;
  settings: DownloadSettings;
  files: ManifestFile[];
  choices: { base: BaseChoice[]; adapters: AdapterChoice[]; imageEncoders: EncoderChoice[]; loras: LoraChoice[] };
}

export const DEFAULT_SETTINGS: DownloadSettings = {
  blockBytes: 16 * 2 ** 20,
  gapBytes: 2 ** 20,
  shardBytes: 2_000_000_000,
  wholeFileOverhead: 0.1,
  concurrency: 2,
};

export class ManifestError extends Error {
  constructor(readonly problems: string[]) {
    super(`The model manifest is not valid:\n- ${problems.join('\n- ')}`);
    this.name = 'ManifestError';
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const SHA = /^[0-9a-f]{64}$/;
const NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Checks a parsed JSON value and returns it as a Manifest; throws ManifestError listing every problem. */
export function validateManifest(raw: unknown): Manifest {
  const problems: string[] = [];
  const bad = (path: string, what: string) => problems.push(`${path}: ${what}`);
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const str = (v: unknown, path: string, opt = false): string => {
    if (typeof v === 'string' && v.length > 0) return v;
    if (!(opt && v === undefined)) bad(path, 'expected a non-empty string');
    return '';
  };
  const bilingual = (v: unknown, path: string): Bilingual => {
    if (!isObj(v)) { bad(path, 'expected { en, zh }'); return { en: '', zh: '' }; }
    return { en: str(v.en, `${path}.en`), zh: str(v.zh, `${path}.zh`) };
  };
  const origin = (v: unknown, path: string): string => {
    const s = str(v, path);
    if (!s) return '';
    let u: URL;
    try { u = new URL(s); } catch { bad(path, `"${s}" is not a URL`); return ''; }
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname))) bad(path, `"${s}" must be https (plain http only for 127.0.0.1/localhost)`);
    if (u.username || u.password) bad(path, 'must not carry credentials');
    return s.replace(/\/+$/, '');
  };
  const size = (v: unknown, path: string): number | null => {
    if (v === null) return null;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
    bad(path, 'expected a positive integer or null');
    return null;
  };
  const sha = (v: unknown, path: string): string | null => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'string' && SHA.test(v)) return v;
    bad(path, 'expected 64 lowercase hex digits or null');
    return null;
  };

  if (!isObj(raw)) throw new ManifestError(['the manifest must be a JSON object']);
  if (raw.version !== 1) bad('version', 'expected 1');

  const hosts: Record<string, Host> = {};
  if (!isObj(raw.hosts)) bad('hosts', 'expected an object');
  else for (const [id, h] of Object.entries(raw.hosts)) {
    const p = `hosts.${id}`;
    if (!isObj(h)) { bad(p, 'expected an object'); continue; }
    const resolve = str(h.resolve, `${p}.resolve`);
    if (resolve && !resolve.includes('{path}')) bad(`${p}.resolve`, 'must contain {path}');
    const redirects = Array.isArray(h.redirectOrigins) ? h.redirectOrigins.map((o, i) => origin(o, `${p}.redirectOrigins[${i}]`)) : (bad(`${p}.redirectOrigins`, 'expected an array'), []);
    for (const [i, r] of redirects.entries()) if (r && new URL(r).pathname !== '/') bad(`${p}.redirectOrigins[${i}]`, 'must be an origin (no path)');
    hosts[id] = { base: origin(h.base, `${p}.base`), resolve, redirectOrigins: redirects, note: typeof h.note === 'string' ? h.note : undefined };
  }

  const repos: Record<string, Repo> = {};
  if (!isObj(raw.repos)) bad('repos', 'expected an object');
  else for (const [id, r] of Object.entries(raw.repos)) {
    const p = `repos["${id}"]`;
    if (!/^[\w.-]+\/[\w.-]+$/.test(id)) bad(p, 'a repository is named owner/name');
    if (!isObj(r)) { bad(p, 'expected an object'); continue; }
    const host = str(r.host, `${p}.host`);
    if (host && !hosts[host]) bad(`${p}.host`, `unknown host "${host}"`);
    const revision = str(r.revision, `${p}.revision`);
    if (typeof r.revisionPinned !== 'boolean') bad(`${p}.revisionPinned`, 'expected true or false');
    else if (r.revisionPinned && !/^[0-9a-f]{40}$/.test(revision)) bad(`${p}.revision`, 'a pinned revision is a 40-digit commit sha');
    repos[id] = { host, revision, revisionPinned: r.revisionPinned === true, note: typeof r.note === 'string' ? r.note : undefined };
  }

  const settings: DownloadSettings = { ...DEFAULT_SETTINGS };
  if (raw.settings !== undefined) {
    if (!isObj(raw.settings)) bad('settings', 'expected an object');
    else for (const [k, v] of Object.entries(raw.settings)) {
      if (!(k in DEFAULT_SETTINGS)) { bad(`settings.${k}`, 'unknown setting'); continue; }
      const ok = typeof v === 'number' && Number.isFinite(v) && v >= 0 && (k === 'wholeFileOverhead' || (Number.isSafeInteger(v) && v > 0));
      if (!ok) bad(`settings.${k}`, 'expected a positive number');
      else (settings as unknown as Record<string, number>)[k] = v as number;
    }
    if (settings.blockBytes < 1024) bad('settings.blockBytes', 'at least 1024');
  }

  const files: ManifestFile[] = [];
  const fileIds = new Set<string>();
  if (!Array.isArray(raw.files)) bad('files', 'expected an array');
  else for (const [i, f] of raw.files.entries()) {
    const p = `files[${i}]`;
    if (!isObj(f)) { bad(p, 'expected an object'); continue; }
    const id = str(f.id, `${p}.id`);
    if (id && !NAME.test(id)) bad(`${p}.id`, 'use [a-z0-9-]');
    if (fileIds.has(id)) bad(`${p}.id`, `duplicate id "${id}"`);
    fileIds.add(id);
    const role = f.role as FileRole;
    if (!ROLES.includes(role)) bad(`${p}.role`, `expected one of ${ROLES.join(', ')}`);
    const repo = str(f.repo, `${p}.repo`);
    if (repo && !repos[repo]) bad(`${p}.repo`, `unknown repository "${repo}"`);
    const path = str(f.path, `${p}.path`);
    if (path && (path.startsWith('/') || path.split('/').some((s) => s === '' || s === '.' || s === '..'))) bad(`${p}.path`, 'a relative path without empty, "." or ".." segments');
    if (path && !path.endsWith('.safetensors')) bad(`${p}.path`, 'only .safetensors files are downloaded (pickles are never read)');
    const fileSize = size(f.size, `${p}.size`);
    const approx = f.approxSize === undefined ? null : size(f.approxSize, `${p}.approxSize`);
    if (fileSize === null && approx === null) bad(p, 'give size, or approxSize when the exact size is unknown');
    const dtype = f.dtype as ManifestFile['dtype'];
    if (!['F16', 'F32', 'BF16'].includes(dtype)) bad(`${p}.dtype`, 'expected F16, F32 or BF16');
    const parts: Part[] = [];
    if (!Array.isArray(f.parts) || f.parts.length === 0) bad(`${p}.parts`, 'expected a non-empty array');
    else for (const [j, q] of f.parts.entries()) {
      const pp = `${p}.parts[${j}]`;
      if (!isObj(q)) { bad(pp, 'expected an object'); continue; }
      const name = str(q.name, `${pp}.name`);
      if (name && !NAME.test(name)) bad(`${pp}.name`, 'use [a-z0-9-]');
      if (parts.some((x) => x.name === name)) bad(`${pp}.name`, `duplicate part "${name}"`);
      const prefixes = (v: unknown, k: string) => (v === undefined && k === 'exclude' ? [] : Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : (bad(`${pp}.${k}`, 'expected an array of strings'), []));
      const include = prefixes(q.include, 'include');
      if (include.length === 0) bad(`${pp}.include`, 'at least one prefix ("" for every tensor)');
      const graphs = Array.isArray(q.graphs) ? (q.graphs as GraphId[]) : [];
      if (graphs.length === 0 || !graphs.every((g) => (GRAPH_IDS as readonly string[]).includes(g))) bad(`${pp}.graphs`, `a non-empty list of ${GRAPH_IDS.join(', ')}`);
      parts.push({ name, include, exclude: prefixes(q.exclude, 'exclude'), graphs, sha256: sha(q.sha256, `${pp}.sha256`) });
    }
    files.push({
      id, role, repo, path, size: fileSize, approxSize: approx, sha256: sha(f.sha256, `${p}.sha256`), dtype,
      label: bilingual(f.label, `${p}.label`), parts,
      sources: Array.isArray(f.sources) ? f.sources.filter((s): s is string => typeof s === 'string') : [],
      note: typeof f.note === 'string' ? f.note : undefined,
    });
  }

  const fileOf = (id: unknown, path: string, role?: FileRole) => {
    const file = files.find((f) => f.id === id);
    if (!file) bad(path, `unknown file "${String(id)}"`);
    else if (role && file.role !== role) bad(path, `file "${file.id}" has role ${file.role}, expected ${role}`);
    return typeof id === 'string' ? id : '';
  };
  const choices: Manifest['choices'] = { base: [], adapters: [], imageEncoders: [], loras: [] };
  const c = isObj(raw.choices) ? raw.choices : (bad('choices', 'expected an object'), {} as Record<string, unknown>);
  const list = (k: string) => (Array.isArray(c[k]) ? (c[k] as unknown[]) : (bad(`choices.${k}`, 'expected an array'), []));
  const choiceIds = new Set<string>();
  const choiceId = (v: unknown, path: string) => {
    const id = str(v, path);
    if (id && !NAME.test(id)) bad(path, 'use [a-z0-9-]');
    if (choiceIds.has(id)) bad(path, `duplicate choice id "${id}"`);
    choiceIds.add(id);
    return id;
  };
  for (const [i, b] of list('imageEncoders').entries()) {
    const p = `choices.imageEncoders[${i}]`;
    if (!isObj(b)) { bad(p, 'expected an object'); continue; }
    choices.imageEncoders.push({ id: choiceId(b.id, `${p}.id`), label: bilingual(b.label, `${p}.label`), file: fileOf(b.file, `${p}.file`, 'image_encoder') });
  }
  for (const [i, b] of list('base').entries()) {
    const p = `choices.base[${i}]`;
    if (!isObj(b) || !isObj(b.files)) { bad(p, 'expected an object with files { unet, text_encoder, vae }'); continue; }
    choices.base.push({
      id: choiceId(b.id, `${p}.id`), label: bilingual(b.label, `${p}.label`), default: b.default === true,
      files: { unet: fileOf(b.files.unet, `${p}.files.unet`, 'unet'), text_encoder: fileOf(b.files.text_encoder, `${p}.files.text_encoder`, 'text_encoder'), vae: fileOf(b.files.vae, `${p}.files.vae`, 'vae') },
      note: b.note === undefined ? undefined : bilingual(b.note, `${p}.note`),
    });
  }
  if (choices.base.filter((b) => b.default).length !== 1) bad('choices.base', 'exactly one base model has default: true');
  for (const [i, a] of list('adapters').entries()) {
    const p = `choices.adapters[${i}]`;
    if (!isObj(a)) { bad(p, 'expected an object'); continue; }
    if (a.input !== 'image_embeds' && a.input !== 'penultimate') bad(`${p}.input`, 'image_embeds or penultimate');
    if (!choices.imageEncoders.some((e) => e.id === a.encoder)) bad(`${p}.encoder`, `unknown image encoder "${String(a.encoder)}"`);
    if (!(typeof a.tokens === 'number' && Number.isInteger(a.tokens) && a.tokens > 0)) bad(`${p}.tokens`, 'a positive integer');
    choices.adapters.push({
      id: choiceId(a.id, `${p}.id`), label: bilingual(a.label, `${p}.label`), file: fileOf(a.file, `${p}.file`, 'adapter'),
      encoder: String(a.encoder), input: a.input as AdapterChoice['input'], tokens: a.tokens as number, default: a.default === true,
      note: a.note === undefined ? undefined : bilingual(a.note, `${p}.note`),
    });
  }
  for (const [i, l] of list('loras').entries()) {
    const p = `choices.loras[${i}]`;
    if (!isObj(l)) { bad(p, 'expected an object'); continue; }
    choices.loras.push({ id: choiceId(l.id, `${p}.id`), label: bilingual(l.label, `${p}.label`), file: fileOf(l.file, `${p}.file`, 'lora'), note: l.note === undefined ? undefined : bilingual(l.note, `${p}.note`) });
  }

  if (problems.length) throw new ManifestError(problems);
  return { version: 1, hosts, repos, settings, files, choices };
}

/** Every origin a download may contact: each used host's base plus its listed redirect targets. */
export function allowedOrigins(m: Manifest): string[] {
  const out = new Set<string>();
  const used = new Set(m.files.map((f) => m.repos[f.repo].host));
  for (const id of used) {
    const h = m.hosts[id];
    out.add(new URL(h.base).origin);
    for (const r of h.redirectOrigins) out.add(new URL(r).origin);
  }
  return [...out];
}

/** The download URL of a file: the host's resolve template at the repository's revision. */
export function fileUrl(m: Manifest, f: ManifestFile): string {
  const repo = m.repos[f.repo];
  const host = m.hosts[repo.host];
  const enc = (s: string) => s.split('/').map(encodeURIComponent).join('/');
  return host.resolve
    .replace('{base}', host.base)
    .replace('{repo}', enc(f.repo))
    .replace('{revision}', encodeURIComponent(repo.revision))
    .replace('{path}', enc(f.path));
}

export const fileById = (m: Manifest, id: string): ManifestFile => {
  const f = m.files.find((x) => x.id === id);
  if (!f) throw new Error(`no file "${id}" in the manifest`);
  return f;
};

/** What the reader picked on the panel. */
export interface Selection {
  base: string;
  adapters: string[];
  loras: string[];
  /** Also fetch the VAE encoder (image-to-image). */
  img2img: boolean;
  /** How float tensors are stored; F16 halves the ViT-H (2.53 GB as published → 1.26 GB). */
  dtype: StoreDType;
}

/** The default selection: the default base model and adapters; LCM-LoRA when the GPU is slow. */
export function defaultSelection(m: Manifest, o: { slowGpu?: boolean } = {}): Selection {
  return {
    base: m.choices.base.find((b) => b.default)!.id,
    adapters: m.choices.adapters.filter((a) => a.default).map((a) => a.id),
    loras: o.slowGpu ? m.choices.loras.map((l) => l.id) : [],
    img2img: false,
    dtype: 'F16',
  };
}

/** One file to fetch for a selection, with the graphs that read it and so the parts needed. */
export interface NeededFile {
  file: ManifestFile;
  graphs: GraphId[];
  parts: Part[];
}

/** The files and parts a selection needs (every part one of the chosen graphs reads). */
export function neededFiles(m: Manifest, s: Selection): NeededFile[] {
  const base = m.choices.base.find((b) => b.id === s.base);
  if (!base) throw new Error(`unknown base model "${s.base}"`);
  const wants = new Map<string, Set<GraphId>>();
  const want = (fileId: string, ...graphs: GraphId[]) => {
    const set = wants.get(fileId) ?? new Set<GraphId>();
    for (const g of graphs) set.add(g);
    wants.set(fileId, set);
  };
  want(base.files.unet, 'unet');
  want(base.files.text_encoder, 'text_encoder');
  want(base.files.vae, 'vae_decoder', ...(s.img2img ? ['vae_encoder' as const] : []));
  for (const id of s.adapters) {
    const a = m.choices.adapters.find((x) => x.id === id);
    if (!a) throw new Error(`unknown adapter "${id}"`);
    want(a.file, 'projector', 'unet');
    const enc = m.choices.imageEncoders.find((e) => e.id === a.encoder)!;
    want(enc.file, a.input === 'image_embeds' ? 'image_encoder/image_embeds' : 'image_encoder/penultimate');
  }
  for (const id of s.loras) {
    const l = m.choices.loras.find((x) => x.id === id);
    if (!l) throw new Error(`unknown LoRA "${id}"`);
    want(l.file, 'lora');
  }
  return [...wants].map(([id, graphs]) => {
    const file = fileById(m, id);
    const parts = file.parts.filter((p) => p.graphs.some((g) => graphs.has(g)));
    return { file, graphs: [...graphs], parts };
  });
}
