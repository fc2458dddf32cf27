/**
 * CLIP's real token-embedding table for the embedding lab (lesson 2): where it sits in a weight
 * file, what shapes are accepted, how its bytes become Float32, and the lab's source over it with
 * the real CLIP BPE tokenizer. The places it comes from (the live lab's cache, a byte-range
 * fetch, a local file) are in embeddingFetch.ts; this file holds what they share, and the
 * local-file path (a File read by slice: nothing is uploaded).
 *
 * Tables smaller than CLIP's 49,408 rows (the tiny test text encoder in ../shared/fixtures has
 * 1,000) are accepted as a *test vocabulary*: the same tokenizer runs, ids past the table's end
 * are reported as unknown, and the lab says so. More rows than CLIP has, or anything but a 2-D
 * float table, is refused with 'wrong-shape' / 'wrong-dtype'.
 */
import { convertBytes } from '../download/convert';
import { blobSource, readHeader } from '../download/fetcher';
import { DownloadError } from '../download/errors';
import type { SafeDType, SafetensorsHeader, TensorInfo } from '../weights/safetensors';
import type { ClipTokenizer } from '../tokenizer/clipTokenizer';
import { END_OF_TEXT, START_OF_TEXT, VOCAB_SIZE } from '../tokenizer/vocab';
import { pieceDisplay } from './tokenizerLab';
import { DEMO_WORDS_LIST, tableEmbeddingSource, type EmbeddingSource } from './embedding';

/** Where the table is stored, by file layout; the first one a file has is used. */
export const TOKEN_EMBEDDING_KEYS = [
  // transformers CLIPTextModel (diffusers' text_encoder/model.safetensors)
  'text_model.embeddings.token_embedding.weight',
  // single-file (LDM) SD1.5 checkpoint, as in ComfyUI's models/checkpoints
  'cond_stage_model.transformer.text_model.embeddings.token_embedding.weight',
  // single-file SDXL checkpoint: its first text encoder is the same CLIP ViT-L/14
  'conditioner.embedders.0.transformer.text_model.embeddings.token_embedding.weight',
] as const;

export type TableErrorCode = 'pickle' | 'not-safetensors' | 'truncated' | 'missing-tensor' | 'wrong-shape' | 'wrong-dtype' | 'no-file';

export interface TableErrorFacts {
  file?: string;
  shape?: number[];
  dtype?: string;
}

/** A table that cannot be used, with the facts the lab words in the reader's language. */
export class TableError extends Error {
  constructor(readonly code: TableErrorCode, message: string, readonly facts: TableErrorFacts = {}) {
    super(message);
    this.name = 'TableError';
  }
}

/** Where the table in use came from. */
export type TableOrigin =
  /** Already on this device: the live lab's download, or an earlier fetch of this tensor. */
  | 'cache'
  /** Fetched now, by byte range, from the manifest's origin. */
  | 'download'
  /** A file the reader picked, read in place. */
  | 'local';

export interface RealTable {
  /** Row-major rows × dim. */
  data: Float32Array;
  rows: number;
  dim: number;
  /** The dtype it was stored in before conversion to Float32. */
  dtype: SafeDType;
  /** 'clip': CLIP's 49,408 tokens; 'test': fewer rows (a test model's vocabulary). */
  vocabulary: 'clip' | 'test';
  origin: TableOrigin;
  /** The file, as the reader knows it ("repo path" from the manifest, or the picked file's name). */
  file: string;
  tensor: string;
  /** The origin it was fetched from (download, or a cached fetch), when it came over the network. */
  from?: string;
  /** Cached by the live lab's download (true) rather than a fetch of this tensor alone. */
  fromLiveLab?: boolean;
  /** Bytes fetched over the network for it this time (0 from the cache or a local file). */
  fetched: number;
}

/** Checks a table's shape and dtype before a byte of it is read. */
export function checkTable(shape: readonly number[], dtype: string, file: string): void {
  if (dtype !== 'F16' && dtype !== 'F32' && dtype !== 'BF16') {
    throw new TableError('wrong-dtype', `${file}: the token-embedding table is ${dtype}; a float table (F16, F32 or BF16) was expected.`, { file, dtype });
  }
  if (shape.length !== 2 || shape[0] < 2 || shape[0] > VOCAB_SIZE || shape[1] < 1) {
    throw new TableError('wrong-shape', `${file}: the token-embedding table has shape [${shape.join(', ')}]; CLIP's is [${VOCAB_SIZE}, 768] (a test model may have fewer rows, never more).`, { file, shape: [...shape] });
  }
}

/** The token-embedding tensor of a parsed header, checked; TableError when absent or unusable. */
export function findTokenEmbedding(header: SafetensorsHeader, file: string): TensorInfo {
  const info = TOKEN_EMBEDDING_KEYS.map((k) => header.tensors.get(k)).find((t) => t !== undefined);
  if (!info) {
    throw new TableError('missing-tensor', `${file} has no token-embedding table (looked for ${TOKEN_EMBEDDING_KEYS.join(', ')}). Pick SD1.5's text encoder or a checkpoint that contains it.`, { file });
  }
  checkTable(info.shape, info.dtype, file);
  return info;
}

/** A table's bytes (little-endian F16, BF16 or F32) as Float32. */
export function tableToFloat32(bytes: Uint8Array, dtype: SafeDType): Float32Array {
  const out = convertBytes(dtype === 'F16' ? 'f16-f32' : dtype === 'BF16' ? 'bf16-f32' : 'copy', bytes);
  // an F32 copy keeps the caller's bytes: view them when aligned, copy them when not
  if (out.byteOffset % 4 === 0) return new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4);
  return new Float32Array(out.slice().buffer);
}

/** A RealTable from the tensor's raw bytes. */
export function realTable(bytes: Uint8Array, info: Pick<TensorInfo, 'name' | 'dtype' | 'shape'>, o: Pick<RealTable, 'origin' | 'file' | 'from' | 'fromLiveLab' | 'fetched'>): RealTable {
  checkTable(info.shape, info.dtype, o.file);
  const [rows, dim] = info.shape;
  const data = tableToFloat32(bytes, info.dtype);
  if (data.length !== rows * dim) throw new TableError('truncated', `${o.file}: the table's data is ${bytes.byteLength} bytes, its shape needs more.`, { file: o.file });
  return { ...o, data, rows, dim, dtype: info.dtype, vocabulary: rows === VOCAB_SIZE ? 'clip' : 'test', tensor: info.name };
}

const PICKLE = /\.(bin|ckpt|pt|pth|pkl)$/i;

/**
 * The table from a file on the reader's disk (a text encoder or a checkpoint): the header is read
 * with two slices, then only the table's bytes. Nothing leaves the machine.
 */
export async function readLocalTable(file: Blob, name: string): Promise<RealTable> {
  if (PICKLE.test(name)) {
    throw new TableError('pickle', `${name} is a pickle file (.bin/.ckpt/.pt): loading one can run code, so it is never read here. Pick the .safetensors version.`, { file: name });
  }
  if (file.size < 10) {
    throw new TableError('not-safetensors', `${name} is ${file.size} bytes long: too short to be a safetensors file.`, { file: name });
  }
  let header: SafetensorsHeader;
  try {
    ({ header } = await readHeader(blobSource(file, name), file.size));
  } catch (e) {
    if (e instanceof DownloadError && (e.code === 'header' || e.code === 'size')) {
      throw new TableError(e.code === 'header' ? 'not-safetensors' : 'truncated', e.message, { file: name });
    }
    throw e;
  }
  const info = findTokenEmbedding(header, name);
  const bytes = new Uint8Array(await file.slice(info.begin, info.end).arrayBuffer());
  return realTable(bytes, info, { origin: 'local', file: name, fetched: 0 });
}

/** How a CLIP token is shown: its text, with "…" when it does not end a word ("kitt…"). */
export function tokenText(piece: string): string {
  const d = pieceDisplay(piece);
  return piece.endsWith('</w>') || piece.startsWith('<|') ? d.display : `${d.display}…`;
}

/** The lab's source over a real table, with the CLIP tokenizer (the one the pipeline runs). */
export function realEmbeddingSource(table: RealTable, tok: ClipTokenizer): EmbeddingSource & { table: RealTable } {
  // probes to suggest: the demo's words that are one token with a row here; a small test table
  // gets whole-word tokens from the ids it has
  const suggestions = DEMO_WORDS_LIST.filter((w) => {
    const ids = tok.tokenize(w).ids;
    return ids.length === 1 && ids[0] < table.rows;
  });
  for (let id = 256; id < table.rows && suggestions.length < 24; id++) {
    const piece = tok.idToToken(id) ?? '';
    if (/^[a-z]{2,}<\/w>$/.test(piece)) suggestions.push(piece.slice(0, -4));
  }
  const src = tableEmbeddingSource({
    table: table.data,
    dim: table.dim,
    tokenize(text) {
      const t = tok.tokenize(text);
      const ids: number[] = [];
      const pieces: string[] = [];
      const unknown: string[] = [];
      t.ids.forEach((id, i) => {
        if (id < table.rows) {
          ids.push(id);
          pieces.push(tokenText(t.tokens[i]));
        } else unknown.push(`${tokenText(t.tokens[i])} (${id})`);
      });
      return { ids, pieces, unknown };
    },
    token: (id) => tokenText(tok.idToToken(id) ?? String(id)),
    special: [START_OF_TEXT, END_OF_TEXT],
    suggestions,
  });
  return { ...src, table };
}
