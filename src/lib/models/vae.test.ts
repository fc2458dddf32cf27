import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ort, relativeError } from '../../../test/ort';
import { loadFixtureFile } from '../../../test/load-fixture';
import { fixture } from '../../../test/fixtures';
import { createSession } from '../onnx/session';
import { Weights } from '../weights/weights';
import { buildVaeDecoder, buildVaeEncoder, type VaeConfig } from './vae';
import { parameterCount, usedTensors } from './graphWeights';

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
