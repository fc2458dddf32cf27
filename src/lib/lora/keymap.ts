import type { Bilingual } from '../i18n/lang';
import { ldmUnetKeyToDiffusers } from '../weights/ldmKeyMap';
import type { TensorInfo } from '../weights/safetensors';
import type { Weights } from '../weights/weights';
import { LoraError } from './errors';
import type { LoraLayout, LoraModule, ParsedLora, UnsupportedTensor } from './parse';

/**
 * Which layer of the model each LoRA module adapts. The candidates come from the model's own
 * weights (every 2-D or 4-D `*.weight` the builders read, in diffusers/transformers names), so
 * whatever the builders build can be adapted and nothing else is guessed at:
 *
 *   kohya `lora_unet_down_blocks_0_attentions_0_proj_in` → the module whose name with `.` → `_`
 *     is that path (`down_blocks.0.attentions.0.proj_in`); LDM-named kohya paths
 *     (`input_blocks_1_1_proj_in`, `middle_block_0_in_layers_2`, `output_blocks_2_1_conv`) are
 *     first turned into diffusers ones with the single-file key map (weights/ldmKeyMap.ts);
 *   kohya `lora_te_text_model_encoder_layers_0_self_attn_q_proj` → `text_model.encoder.layers.0.self_attn.q_proj`;
 *   diffusers/PEFT dotted paths → the module of that name.
 *
 * Every match is checked against the layer's shape (down [r, in(, kh, kw)], up [out, r(, 1, 1)]),
 * so a LoRA for another model (SDXL, SD2) fails loudly instead of adapting the wrong thing.
 */
export type LoraComponent = 'unet' | 'text_encoder';

export interface TargetModule {
  /** diffusers/transformers module path, e.g. `down_blocks.0.resnets.0.conv1`. */
  module: string;
  /** The weight's tensor as the model's files hold it. */
  weight: TensorInfo;
  kind: 'linear' | 'conv';
}

export interface LoraMatch {
  lora: LoraModule;
  target: TargetModule;
  component: LoraComponent;
  /** alpha / rank (1 without alpha). Multiply by the strength for the update's scale. */
  alphaScale: number;
}

export interface ShapeMismatch { name: string; module: string; expected: string; found: string }

export interface LoraReport {
  label: string;
  layouts: LoraLayout[];
  /** LoRA modules in the file. */
  total: number;
  matched: Record<LoraComponent, number>;
  /** LoRA module names that name no layer of the given model parts. */
  unmatched: string[];
  /** Modules for a model part that was not given (e.g. text-encoder factors when only the UNet is adapted). */
  skipped: string[];
  shapeMismatch: ShapeMismatch[];
  unsupported: UnsupportedTensor[];
  /** Modules without an alpha tensor (scale = strength, alpha = rank). */
  withoutAlpha: number;
  /** A summary for the UI when not everything matched; null when every module found its layer. */
  notice: Bilingual | null;
}

/** The adaptable modules of a model part: every 2-D (linear) or 4-D (conv) `.weight`. */
export function targetModules(w: Weights): Map<string, TargetModule> {
  const out = new Map<string, TargetModule>();
  for (const f of w.files) {
    for (const [name, info] of f.header.tensors) {
      if (!name.endsWith('.weight') || (info.shape.length !== 2 && info.shape.length !== 4)) continue;
      const module = name.slice(0, -'.weight'.length);
      if (!out.has(module)) out.set(module, { module, weight: info, kind: info.shape.length === 2 ? 'linear' : 'conv' });
    }
  }
  return out;
}

/** diffusers UNet resnets per down block, read off the module names (for LDM-named kohya keys). */
function layersPerBlock(targets: Map<string, TargetModule>): number {
  let n = 0;
  for (const m of targets.keys()) {
    const r = /^down_blocks\.0\.resnets\.(\d+)\./.exec(m);
    if (r) n = Math.max(n, Number(r[1]) + 1);
  }
  return n || 2;
}

const RESNET_PART = /^(in_layers_[02]|out_layers_[03]|emb_layers_1|skip_connection|op|conv)$/;

/** An LDM-named kohya UNet path → the diffusers module path, or undefined. */
export function ldmLoraPathToDiffusers(path: string, lpb: number): string | undefined {
  if (path === 'input_blocks_0_0') return 'conv_in';
  let m = /^time_embed_([02])$/.exec(path);
  if (m) return `time_embedding.linear_${m[1] === '0' ? 1 : 2}`;
  if ((m = /^out_([02])$/.exec(path))) return m[1] === '0' ? 'conv_norm_out' : 'conv_out';
  let head: string;
  let rest: string;
  if ((m = /^(input_blocks|output_blocks)_(\d+)_(\d+)_(.+)$/.exec(path))) { head = `${m[1]}.${m[2]}.${m[3]}`; rest = m[4]; }
  else if ((m = /^middle_block_(\d+)_(.+)$/.exec(path))) { head = `middle_block.${m[1]}`; rest = m[2]; }
  else return undefined;
  if (RESNET_PART.test(rest)) {
    const dotted = rest.replace(/_(\d)$/, '.$1');
    const d = ldmUnetKeyToDiffusers(`${head}.${dotted}.weight`, lpb);
    return d?.slice(0, -'.weight'.length);
  }
  // A transformer part: the attention module's diffusers prefix, then the path as kohya wrote it.
  const d = ldmUnetKeyToDiffusers(`${head}.proj_in.weight`, lpb);
  if (!d) return undefined;
  return `${d.slice(0, -'.proj_in.weight'.length).replace(/\./g, '_')}_${rest}`;
}

interface Table { byDotted: Map<string, TargetModule>; byUnderscore: Map<string, TargetModule | null>; lpb: number }

function table(w: Weights): Table {
  const byDotted = targetModules(w);
  const byUnderscore = new Map<string, TargetModule | null>();
  for (const t of byDotted.values()) {
    const u = t.module.replace(/\./g, '_');
    byUnderscore.set(u, byUnderscore.has(u) ? null : t); // null: two modules collide, never guess
  }
  return { byDotted, byUnderscore, lpb: layersPerBlock(byDotted) };
}

function lookup(mod: LoraModule, t: Table, component: LoraComponent): TargetModule | undefined {
  if (mod.layout !== 'kohya') return t.byDotted.get(mod.path);
  const direct = t.byUnderscore.get(mod.path);
  if (direct) return direct;
  if (component === 'unet') {
    const d = ldmLoraPathToDiffusers(mod.path, t.lpb);
    if (d) return t.byDotted.get(d) ?? t.byUnderscore.get(d) ?? undefined;
  }
  return undefined;
}

const fmt = (s: number[]) => `[${s.join(', ')}]`;

/** Checks down/up against the layer; returns a reason when they do not fit. */
function shapeProblem(mod: LoraModule, target: TargetModule): { expected: string; found: string } | undefined {
  const w = target.weight.shape;
  const [out, inp] = w;
  const r = mod.rank;
  const d = mod.down.shape;
  const u = mod.up.shape;
  const k = target.kind === 'conv' ? w.slice(2) : [1, 1];
  const expected = `down ${fmt([r, inp, ...(target.kind === 'conv' ? k : [])])}, up ${fmt([out, r, ...(target.kind === 'conv' ? [1, 1] : [])])}`;
  const found = `down ${fmt(d)}, up ${fmt(u)}`;
  const downOk = d[0] === r && d[1] === inp && (d.length === 2 ? k[0] === 1 && k[1] === 1 : d.length === 4 && d[2] === k[0] && d[3] === k[1]);
  const upOk = u[0] === out && u[1] === r && (u.length === 2 || (u.length === 4 && u[2] === 1 && u[3] === 1));
  return downOk && upOk ? undefined : { expected, found };
}

export interface MatchTargets { unet?: Weights; textEncoder?: Weights }

/**
 * Matches the modules of a parsed LoRA to the given model parts. Throws LoraError when nothing
 * at all matches (listing a few of the file's module names), or when everything that names a
 * layer has the wrong shapes (a LoRA for another model). Partial matches are reported.
 */
export function matchLora(parsed: ParsedLora, targets: MatchTargets): { matches: LoraMatch[]; report: LoraReport } {
  const tables: Partial<Record<LoraComponent, Table>> = {};
  if (targets.unet) tables.unet = table(targets.unet);
  if (targets.textEncoder) tables.text_encoder = table(targets.textEncoder);
  const matches: LoraMatch[] = [];
  const unmatched: string[] = [];
  const skipped: string[] = [];
  const shapeMismatch: ShapeMismatch[] = [];
  for (const mod of parsed.modules) {
    const candidates: LoraComponent[] = mod.component === 'unet' ? ['unet']
      : mod.component === 'text_encoder' ? ['text_encoder']
        : mod.component === 'text_encoder_2' ? [] : ['unet', 'text_encoder'];
    const given = candidates.filter((c) => tables[c]);
    if (candidates.length > 0 && given.length === 0) { skipped.push(mod.name); continue; }
    let hit: { target: TargetModule; component: LoraComponent } | undefined;
    for (const c of given) {
      const target = lookup(mod, tables[c]!, c);
      if (target) { hit = { target, component: c }; break; }
    }
    if (!hit) { unmatched.push(mod.name); continue; }
    const problem = shapeProblem(mod, hit.target);
    if (problem) { shapeMismatch.push({ name: mod.name, module: hit.target.module, ...problem }); continue; }
    matches.push({ lora: mod, target: hit.target, component: hit.component, alphaScale: mod.alpha === undefined ? 1 : mod.alpha / mod.rank });
  }
  const label = parsed.file.label;
  const matched = { unet: matches.filter((m) => m.component === 'unet').length, text_encoder: matches.filter((m) => m.component === 'text_encoder').length };
  const parts = [targets.unet && 'UNet', targets.textEncoder && 'text encoder'].filter(Boolean).join(' and ');
  const partsZh = [targets.unet && 'UNet', targets.textEncoder && '文本编码器'].filter(Boolean).join('和');
  const few = (names: string[]) => names.slice(0, 4).map((n) => `"${n}"`).join(', ') + (names.length > 4 ? `, … (${names.length} in all)` : '');

  if (matches.length === 0) {
    if (shapeMismatch.length > 0 && unmatched.length <= shapeMismatch.length) {
      const s = shapeMismatch[0];
      throw new LoraError('wrong-model', {
        en: `${label} is for another model: its factors do not fit this ${parts} (e.g. "${s.name}" has ${s.found}, the layer ${s.module} needs ${s.expected}). An SDXL or SD2 LoRA cannot be used with SD1.5.`,
        zh: `${label} 是为别的底模训练的：它的权重形状和这个${partsZh}对不上（例如 "${s.name}" 是 ${s.found}，而层 ${s.module} 需要 ${s.expected}）。SDXL 或 SD2 的 LoRA 不能用在 SD1.5 上。`,
      });
    }
    const names = unmatched.length > 0 ? unmatched : skipped;
    const why = unmatched.length === 0 && skipped.length > 0
      ? { en: ` Its ${skipped.length} modules are all for a model part that was not given.`, zh: ` 它的 ${skipped.length} 个模块全都属于没有提供的模型部分。` }
      : { en: '', zh: '' };
    throw new LoraError('no-match', {
      en: `None of the ${parsed.modules.length} LoRA modules in ${label} matches a layer of this ${parts}, so it would change nothing. Unmatched: ${few(names)}.${why.en} Is it a LoRA for another model (SDXL, SD2, Flux)?`,
      zh: `${label} 里的 ${parsed.modules.length} 个 LoRA 模块没有一个能对应到这个${partsZh}的层上，加载了也不会有任何效果。未匹配的例子：${few(names)}。${why.zh}它是不是别的底模（SDXL、SD2、Flux）的 LoRA？`,
    });
  }

  const partial = unmatched.length + shapeMismatch.length + skipped.length + parsed.unsupported.length > 0;
  const notice: Bilingual | null = partial ? {
    en: `${label}: ${matches.length} of ${parsed.modules.length} modules applied (UNet ${matched.unet}, text encoder ${matched.text_encoder})`
      + (unmatched.length ? `; ${unmatched.length} name no layer of this model (${few(unmatched)})` : '')
      + (shapeMismatch.length ? `; ${shapeMismatch.length} have the wrong shape (${few(shapeMismatch.map((s) => s.name))})` : '')
      + (skipped.length ? `; ${skipped.length} are for a model part not adapted here` : '')
      + (parsed.unsupported.length ? `; ${parsed.unsupported.length} tensors of unsupported kinds ignored (${[...new Set(parsed.unsupported.map((u) => u.reason))].slice(0, 2).join('; ')})` : '')
      + '.',
    zh: `${label}：${parsed.modules.length} 个模块中应用了 ${matches.length} 个（UNet ${matched.unet} 个，文本编码器 ${matched.text_encoder} 个）`
      + (unmatched.length ? `；${unmatched.length} 个在这个模型里找不到对应的层（${few(unmatched)}）` : '')
      + (shapeMismatch.length ? `；${shapeMismatch.length} 个形状不对（${few(shapeMismatch.map((s) => s.name))}）` : '')
      + (skipped.length ? `；${skipped.length} 个属于这里没有加载 LoRA 的模型部分` : '')
      + (parsed.unsupported.length ? `；忽略了 ${parsed.unsupported.length} 个不支持类型的张量` : '')
      + '。',
  } : null;

  return {
    matches,
    report: {
      label, layouts: parsed.layouts, total: parsed.modules.length, matched, unmatched, skipped, shapeMismatch,
      unsupported: parsed.unsupported, withoutAlpha: parsed.modules.filter((m) => m.alpha === undefined).length, notice,
    },
  };
}
