// Real SD1.5 sizes, structurally: the graphs are built from the full-size key/shape lists (no weight
// bytes), so every tensor must be found with the shape the config implies, and the parameter count
// is read off exactly the tensors the graph uses.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { fixture } from '../../../test/fixtures';
import { layoutWeightFile } from '../../../test/layout-weights';
import { Weights } from '../weights/weights';
import { ldmWeights } from '../weights/ldmKeyMap';
import { IP_LAYERS } from '../ipadapter/weightTypes';
import { buildUnet, unetCrossAttentionLayers, unetMaskLevels, type UnetConfig } from './unet';
import { parameterCount, usedTensors } from './graphWeights';

const layout = JSON.parse(readFileSync(fixture('sd15_fullsize_layout.json'), 'utf8'));
const config = layout.unet.config as UnetConfig;
const unetFile = layoutWeightFile('unet.fp16.safetensors', layout.unet.state_dict);
const baseFile = layoutWeightFile('ip-adapter_sd15.safetensors', layout['ip-adapter_sd15.safetensors']);
const plusFile = layoutWeightFile('ip-adapter-plus_sd15.safetensors', layout['ip-adapter-plus_sd15.safetensors']);
const count = (l: Record<string, number[]>, filter = (_k: string) => true) =>
  Object.entries(l).filter(([k]) => filter(k)).reduce((a, [, s]) => a + s.reduce((x, d) => x * d, 1), 0);

describe('SD1.5 at full size (layout only)', () => {
  test('16 cross-attention layers; ComfyUI order and h94 indices agree with ipadapter/weightTypes and the layout', () => {
    const layers = unetCrossAttentionLayers(config);
    expect(layers).toHaveLength(16);
    expect(layers.map((l) => ({ index: l.index, block: l.block, attention: l.attention, ckpt: l.ckptIndices, width: l.channels, downsample: 2 ** l.level })))
      .toEqual(IP_LAYERS.sd15.map((l) => ({ index: l.index, block: l.block, attention: l.attention, ckpt: [...l.ckptIndices], width: l.width, downsample: l.downsample })));
    const map = layout.unet.ip_adapter_index_map as { ckpt_index: number; processor: string }[];
    for (const m of map) expect(layers.find((l) => l.modules[0] === m.processor.replace(/\.processor$/, ''))?.ckptIndices).toEqual([m.ckpt_index]);
    expect(layers.map((l) => l.channels)).toEqual([320, 320, 640, 640, 1280, 1280, 1280, 1280, 1280, 1280, 640, 640, 640, 320, 320, 320]);
    expect(unetMaskLevels(config)).toEqual([0, 1, 2, 3]);
  });

  test('plain UNet: every tensor found with its shape, 859.5M parameters; build time', () => {
    const t0 = performance.now();
    const graph = buildUnet(config, new Weights([unetFile]), { floatType: 'float16' });
    const buildMs = performance.now() - t0;
    const t1 = performance.now();
    const bytes = graph.toBytes();
    const serialiseMs = performance.now() - t1;
    const used = usedTensors(graph, [unetFile]);
    expect(used).toHaveLength(686);
    expect(parameterCount(used)).toBe(count(layout.unet.state_dict));
    expect(parameterCount(used)).toBe(859_520_964);
    expect(graph.conversions).toHaveLength(0); // fp16 file → fp16 graph: all weights stay external
    console.log(`full-size UNet (plain, fp16): ${graph.nodes.length} nodes, ${graph.initializers.length} initializers, build ${buildMs.toFixed(0)} ms, toBytes ${serialiseMs.toFixed(0)} ms (${(bytes.byteLength / 1024).toFixed(0)} KiB protobuf), ${parameterCount(used)} params`);
    expect(buildMs).toBeLessThan(2000);
  });

  test('UNet + base adapter and + Plus adapter: 16 × to_k_ip/to_v_ip found; base K/V = 19.17M, base total 22.3M', () => {
    const t0 = performance.now();
    const graph = buildUnet(config, new Weights([unetFile]), { adapters: [{ weights: new Weights([baseFile]), mask: true }], probeLayers: [6] });
    const buildMs = performance.now() - t0;
    const ipUsed = usedTensors(graph, [unetFile, baseFile]).filter((t) => t.location === baseFile.location);
    expect(ipUsed).toHaveLength(32);
    const kv = parameterCount(ipUsed);
    expect(kv).toBe(count(layout['ip-adapter_sd15.safetensors'], (k) => k.startsWith('ip_adapter.')));
    expect(kv).toBe(2 * 768 * (5 * 320 + 5 * 640 + 6 * 1280)); // 19,169,280
    const total = count(layout['ip-adapter_sd15.safetensors']);
    expect(Math.round(total / 1e5) / 10).toBe(22.3);
    expect(graph.inputs.map((i) => i.name)).toEqual([
      'sample', 'time_proj', 'encoder_hidden_states', 'ip_mask_0_0', 'ip_mask_0_1', 'ip_mask_0_2', 'ip_mask_0_3', 'ip_tokens_0', 'ip_scale_0',
    ]);
    expect(graph.outputs.map((o) => o.name)).toEqual(['attn_text_6', 'attn_ip_0_6', 'out_sample']);

    const plus = buildUnet(config, new Weights([unetFile]), { adapters: [{ weights: new Weights([plusFile]) }] });
    const plusUsed = usedTensors(plus, [unetFile, plusFile]).filter((t) => t.location === plusFile.location);
    expect(plusUsed).toHaveLength(32);
    console.log(`full-size UNet + base adapter (fp32, mask, 1 probe): build ${buildMs.toFixed(0)} ms; adapter K/V ${kv} params, adapter file total ${total} (base), ${count(layout['ip-adapter-plus_sd15.safetensors'])} (plus)`);
    expect(buildMs).toBeLessThan(2000);
  });

  test('an fp32 file into an fp16 graph queues every weight for conversion (transposed once, no Transpose nodes)', () => {
    const f32File = layoutWeightFile('unet.safetensors', layout.unet.state_dict, 'F32');
    const graph = buildUnet(config, new Weights([f32File]), { floatType: 'float16' });
    expect(graph.conversions).toHaveLength(686);
    expect(graph.convertedSize).toBeGreaterThanOrEqual(2 * 859_520_964);
    expect(graph.nodes.filter((n) => n.opType === 'Transpose' && n.input[0] && graph.initializers.some((t) => t.name === n.input[0]))).toHaveLength(0);
  });

  test('the full-size single-file (LDM) layout builds the same UNet through ldmKeyMap', () => {
    const single = JSON.parse(readFileSync(fixture('ldm_single_file', 'sd15_fullsize_single_file_layout.json'), 'utf8'));
    const shapes: Record<string, number[]> = {};
    for (const t of single.tensors as { key: string; shape: number[] }[]) shapes[t.key] = t.shape;
    const file = layoutWeightFile('v1-5-pruned-emaonly.safetensors', shapes);
    const graph = buildUnet(config, ldmWeights(file, 'unet'));
    const used = usedTensors(graph, [file]);
    expect(used).toHaveLength(686);
    expect(parameterCount(used)).toBe(859_520_964);
  });

  test('a file of another model fails with a readable message', () => {
    const wrong = { ...layout.unet.state_dict, 'down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight': [320, 1024] };
    expect(() => buildUnet(config, new Weights([layoutWeightFile('sd2.safetensors', wrong)])))
      .toThrow(/"down_blocks\.0\.attentions\.0\.transformer_blocks\.0\.attn2\.to_k\.weight" .* has shape \[320, 1024\], expected \[320, 768\]/);
    const noIp = { ...layout['ip-adapter_sd15.safetensors'] };
    delete noIp['ip_adapter.31.to_v_ip.weight'];
    expect(() => buildUnet(config, new Weights([unetFile]), { adapters: [{ weights: new Weights([layoutWeightFile('broken.safetensors', noIp)]) }] }))
      .toThrow(/"ip_adapter\.31\.to_v_ip\.weight" is missing/);
  });
});
