/**
 * "Use downloaded models": what the downloads page (src/scripts/live/download.ts) has cached in
 * this browser, as the generation worker's files. Only reads the cache — nothing is fetched here;
 * downloading stays on the downloads page, behind its confirmation screen.
 *
 * The downloads page may have cached any selection, so each choice (base model, storage dtype,
 * adapters, LoRAs, the VAE encoder for img2img) is tried on its own and the complete ones kept.
 */
import type { Manifest, Selection, StoreDType } from '../download/manifest';
import { modelFiles, pipelineFiles } from '../download/session';
import type { WeightCache } from '../storage/cache';
import type { ModelFile, ModelFiles } from '../pipeline/protocol';
import type { AdapterVariant } from '../comfy/models';
import type { LoadedAdapterFile } from './assets';
import { LCM_LORA_NAME } from './fastPath';

export interface CachedModels {
  selection: Selection;
  files: ModelFiles;
  /** The adapter files in `files.adapters` order, with their variant (the manifest's adapter id). */
  adapters: LoadedAdapterFile[];
  /** LoRA files by the name the panel's state uses (the LCM-LoRA under LCM_LORA_NAME). */
  loras: { name: string; file: ModelFile }[];
  /** Human-readable list of what is there (the manifest's labels). */
  labels: string[];
}

const VARIANTS: readonly string[] = ['light', 'standard', 'vit-g', 'plus', 'plus-face', 'full-face'];

async function complete(cache: WeightCache, m: Manifest, sel: Selection): Promise<boolean> {
  try { await modelFiles(cache, m, sel); return true; } catch { return false; }
}

/** The largest complete selection in the cache, or null when not even a base model is complete. */
export async function findCachedModels(cache: WeightCache, m: Manifest, lang: 'en' | 'zh' = 'en'): Promise<CachedModels | null> {
  const bases = [...m.choices.base].sort((a, b) => Number(!!b.default) - Number(!!a.default));
  for (const base of bases) {
    for (const dtype of ['F16', 'keep'] as StoreDType[]) {
      const sel: Selection = { base: base.id, adapters: [], loras: [], img2img: false, dtype };
      if (!(await complete(cache, m, sel))) continue;
      for (const a of m.choices.adapters) if (await complete(cache, m, { ...sel, adapters: [a.id] })) sel.adapters.push(a.id);
      for (const l of m.choices.loras) if (await complete(cache, m, { ...sel, loras: [l.id] })) sel.loras.push(l.id);
      if (await complete(cache, m, { ...sel, img2img: true })) sel.img2img = true;
      const set = await modelFiles(cache, m, sel);
      const files = pipelineFiles(set);
      const loras = set.loras.flatMap((parts, i) => {
        if (parts.length !== 1) return [];
        const id = sel.loras[i];
        return [{ name: id === 'lcm' ? LCM_LORA_NAME : `${id}.safetensors`, file: { name: id === 'lcm' ? LCM_LORA_NAME : `${id}.safetensors`, data: parts[0].blob } }];
      });
      const adapters = sel.adapters.map((id, i) => ({ name: files.adapters?.[i]?.name ?? id, variant: VARIANTS.includes(id) ? (id as AdapterVariant) : null }));
      const labels = [
        base.label[lang],
        ...sel.adapters.map((id) => m.choices.adapters.find((a) => a.id === id)!.label[lang]),
        ...sel.loras.map((id) => m.choices.loras.find((l) => l.id === id)!.label[lang]),
      ];
      return { selection: sel, files, adapters, loras, labels };
    }
  }
  return null;
}
