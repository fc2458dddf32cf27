import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ort, relativeError } from '../../../test/ort';
import { loadFixtureFile } from '../../../test/load-fixture';
import { fixture } from '../../../test/fixtures';
import { layoutWeightFile } from '../../../test/layout-weights';
import { createSession } from '../onnx/session';
import { Weights } from '../weights/weights';
import { buildVaeDecoder, buildVaeEncoder, type VaeConfig } from './vae';
import { parameterCount, usedTensors } from './graphWeights';
import { isVaeAttentionProjection, ldmComponentFile, ldmWeights } from '../weights/ldmKeyMap';

const config = JSON.parse(readFileSync(fixture('vae', 'config.json'), 'utf8')) as VaeConfig;
const weightsFile = loadFixtureFile('vae', 'weights.safetensors');
const inputs = loadFixtureFile('vae', 'inputs.safetensors').file;
const outputs = loadFixtureFile('vae', 'outputs.safetensors').file;
const files = new Map([[weightsFile.weightFile.location, weightsFile.bytes]]);
const weights = new Weights([weightsFile.weightFile]);
const tensor = (name: string) => new ort.Tensor('float32', inputs.float32(name), inputs.info(name).shape);

describe('VAE (tiny fixture, fp32, onnxruntime-web wasm)', () => {
  test('decoder: decode(latents / 0.18215) and the pipeline post-processing', async () => {
    const graph = buildVaeDecoder(config, weights, { postprocess: true });
    const session = await createSession(ort, graph, files);
    const out = await session.run({ latents: tensor('latents') });
    const errDecoded = relativeError(out.decoded.data as Float32Array, outputs.float32('decoded'));
    const errPost = relativeError(out.decoded_postprocessed.data as Float32Array, outputs.float32('decoded_postprocessed'));
    console.log(`VAE decoded rel err ${errDecoded.toExponential(2)}, postprocessed ${errPost.toExponential(2)}`);
    expect(out.decoded.dims).toEqual([1, 3, 64, 64]);
    expect(errDecoded).toBeLessThan(1e-4);
    expect(errPost).toBeLessThan(1e-4);
  });

  test('encoder: latent_dist mean and logvar', async () => {
    const graph = buildVaeEncoder(config, weights);
    const session = await createSession(ort, graph, files);
    const out = await session.run({ image: tensor('image') });
    const errMean = relativeError(out.latent_mean.data as Float32Array, outputs.float32('latent_mean'));
    const errLogvar = relativeError(out.latent_logvar.data as Float32Array, outputs.float32('latent_logvar'));
    console.log(`VAE latent_mean rel err ${errMean.toExponential(2)}, latent_logvar ${errLogvar.toExponential(2)}`);
    expect(out.latent_mean.dims).toEqual([1, 4, 8, 8]);
    expect(errMean).toBeLessThan(1e-4);
    expect(errLogvar).toBeLessThan(1e-4);
  });

  test('encoder + decoder read every tensor of the file, each once', () => {
    const used = [
      ...usedTensors(buildVaeDecoder(config, weights), [weightsFile.weightFile]),
      ...usedTensors(buildVaeEncoder(config, weights), [weightsFile.weightFile]),
    ];
    const names = used.map((t) => t.info.name).sort();
    expect(names).toEqual([...weightsFile.file.header.tensors.keys()].sort());
    expect(parameterCount(used)).toBe([...weightsFile.file.header.tensors.values()].reduce((a, t) => a + t.shape.reduce((x, d) => x * d, 1), 0));
  });
});

describe('VAE from the single-file (LDM) checkpoint through weights/ldmKeyMap', () => {
  test('decode and encode match the same outputs', async () => {
    const ckpt = loadFixtureFile('ldm_single_file', 'checkpoint.safetensors');
    const ldm = ldmWeights(ckpt.weightFile, 'vae');
    const ckptFiles = new Map([[ckpt.weightFile.location, ckpt.bytes]]);
    const dec = await createSession(ort, buildVaeDecoder(config, ldm), ckptFiles);
    const enc = await createSession(ort, buildVaeEncoder(config, ldm), ckptFiles);
    const decoded = (await dec.run({ latents: tensor('latents') })).decoded.data as Float32Array;
    const moments = await enc.run({ image: tensor('image') });
    const errs = [
      relativeError(decoded, outputs.float32('decoded')),
      relativeError(moments.latent_mean.data as Float32Array, outputs.float32('latent_mean')),
      relativeError(moments.latent_logvar.data as Float32Array, outputs.float32('latent_logvar')),
    ];
    console.log(`single-file VAE: decoded ${errs[0].toExponential(2)}, mean ${errs[1].toExponential(2)}, logvar ${errs[2].toExponential(2)}`);
    for (const e of errs) expect(e).toBeLessThan(1e-4);
  });

  test('attention weights stored as 1×1 convs [C, C, 1, 1] are used as linear [C, C] without a copy', async () => {
    const ckpt = loadFixtureFile('ldm_single_file', 'checkpoint.safetensors');
    const translated = ldmComponentFile(ckpt.weightFile, 'vae');
    // put the raw 4-D shapes back, as a loader that does not squeeze would hand them over
    const tensors = new Map(translated.header.tensors);
    let raw = 0;
    for (const [name, info] of tensors) if (isVaeAttentionProjection(name)) { tensors.set(name, { ...info, shape: [...info.shape, 1, 1] }); raw++; }
    expect(raw).toBe(8);
    const file = { ...translated, header: { ...translated.header, tensors } };
    const graph = buildVaeDecoder(config, new Weights([file]));
    const session = await createSession(ort, graph, new Map([[ckpt.weightFile.location, ckpt.bytes]]));
    const decoded = (await session.run({ latents: tensor('latents') })).decoded.data as Float32Array;
    expect(relativeError(decoded, outputs.float32('decoded'))).toBeLessThan(1e-4);
    // and a wrong square shape is refused with a readable message
    tensors.set('decoder.mid_block.attentions.0.to_q.weight', { ...tensors.get('decoder.mid_block.attentions.0.to_q.weight')!, shape: [32, 16, 2, 1] });
    expect(() => buildVaeDecoder(config, new Weights([file]))).toThrow(/has shape \[32, 16, 2, 1\], expected \[32, 32\]/);
  });
});

describe('SD1.5 VAE at full size (layout only)', () => {
  const layout = JSON.parse(readFileSync(fixture('sd15_fullsize_layout.json'), 'utf8'));
  const file = layoutWeightFile('vae.fp16.safetensors', layout.vae.state_dict);
  test('decoder + encoder use all 248 tensors: 83.65M parameters (decoder 49.5M); build time', () => {
    const t0 = performance.now();
    const dec = buildVaeDecoder(layout.vae.config as VaeConfig, new Weights([file]), { floatType: 'float16' });
    const enc = buildVaeEncoder(layout.vae.config as VaeConfig, new Weights([file]), { floatType: 'float16' });
    const ms = performance.now() - t0;
    const usedDec = usedTensors(dec, [file]);
    const usedEnc = usedTensors(enc, [file]);
    expect(usedDec.length + usedEnc.length).toBe(248);
    expect(parameterCount(usedDec) + parameterCount(usedEnc)).toBe(83_653_863);
    expect(Math.round(parameterCount(usedDec) / 1e5) / 10).toBe(49.5);
    console.log(`full-size VAE: decoder ${parameterCount(usedDec)} params (${dec.nodes.length} nodes), encoder ${parameterCount(usedEnc)} params (${enc.nodes.length} nodes), both built in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1000);
  });
});

describe('float16 VAE decoder', () => {
  test('on wasm: within fp16 precision of the fp32 reference, no NaN', async () => {
    const graph = buildVaeDecoder(config, weights, { floatType: 'float16' });
    const session = await createSession(ort, graph, files);
    const decoded = (await session.run({ latents: tensor('latents') })).decoded.data as Float32Array;
    const err = relativeError(decoded, outputs.float32('decoded'));
    console.log(`fp16 VAE decoded: rel err ${err.toExponential(2)}`);
    expect(decoded.every(Number.isFinite)).toBe(true);
    expect(err).toBeLessThan(5e-3);
  });
});
