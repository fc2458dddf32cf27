// GPU benchmark (issues #3 and #4): SD1.5 + IP-Adapter in Chromium on onnxruntime-web's WebGPU
// provider, with random weights of real size made inside the page (bench/gpu/randomWeights.ts).
//
//   node bench/gpu.mjs            auto: --full on a hardware adapter with shader-f16, else --tiny
//   node bench/gpu.mjs --full     real SD1.5 sizes, fp16 (needs a GPU with shader-f16)
//   node bench/gpu.mjs --tiny     the fixtures' tiny networks, same code path (SwiftShader: fp32)
//   --runs N  --steps N  --chromium PATH  --port N
//   --pack DIR   the page, its bundle, onnxruntime's files and bench/gpu/run.py in one folder, for a
//                machine with Python and Chromium but no Node (bench/gpu/README.md)
//
// Prints figures and asserts nothing about speed; exits 1 when a node ran off WebGPU or the
// page failed, since such a figure would mean nothing.
import { build } from 'esbuild';
import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, normalize, resolve } from 'node:path';
import { cpus, totalmem } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const FIXTURES = process.env.IPA_FIXTURES ?? resolve(root, '../shared/fixtures');
const ORT_DIST = join(root, 'node_modules', 'onnxruntime-web', 'dist');
const CHROMIUM_DEFAULT = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const opt = (name, fallback) => { const i = args.indexOf(name); return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback; };

// Base flags as the WebGPU tests use them; the GPU ones make Chromium's Dawn use Vulkan on a
// headless Linux GPU machine (no display, no surface) instead of refusing the adapter. Shared
// with the gallery's WebGPU route (scripts/gallery-webgpu.ts).
const FLAGS = JSON.parse(readFileSync(join(root, 'bench/gpu/chromium-flags.json'), 'utf8'));
export const BASE_FLAGS = FLAGS.base;
export const GPU_FLAGS = FLAGS.gpu;

// ---- configs for the page

function safetensorsHeader(path) {
  const b = readFileSync(path);
  const n = Number(b.readBigUInt64LE(0));
  const header = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
  return { header, data: b.subarray(8 + n) };
}
const layoutOf = (path) => {
  const { header } = safetensorsHeader(path);
  return Object.fromEntries(Object.entries(header).filter(([k]) => k !== '__metadata__').map(([k, v]) => [k, v.shape]));
};
function ints(path, name) {
  const { header, data } = safetensorsHeader(path);
  const t = header[name];
  if (t.dtype !== 'I64') throw new Error(`${path}: ${name} is ${t.dtype}, expected I64`);
  const [a, b] = t.data_offsets;
  const view = new DataView(data.buffer, data.byteOffset + a, b - a);
  return Array.from({ length: (b - a) / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
}
const fx = (...p) => join(FIXTURES, ...p);
const json = (...p) => JSON.parse(readFileSync(fx(...p), 'utf8'));

export function tinyConfig(runs = 3, steps = 2) {
  const ids = ints(fx('clip_text', 'inputs.safetensors'), 'input_ids').slice(0, 77);
  const empty = ints(fx('clip_text', 'inputs.safetensors'), 'uncond_input_ids');
  return {
    mode: 'tiny', floatType: 'auto',
    layouts: {
      unet: layoutOf(fx('unet', 'weights.safetensors')), adapter: layoutOf(fx('unet', 'ip-adapter_sd15.safetensors')),
      vae: layoutOf(fx('vae', 'weights.safetensors')), text: layoutOf(fx('clip_text', 'weights.safetensors')),
      vision: layoutOf(fx('clip_vision', 'weights.safetensors')),
    },
    configs: { unet: json('unet', 'config.json'), vae: json('vae', 'config.json'), text: json('clip_text', 'config.json'), vision: json('clip_vision', 'config.json') },
    // Small shards, so the smoke run goes through the several-buffers path the full run needs.
    shardBytes: 64 * 1024,
    width: 64, height: 64, steps, warmupSteps: 1, guidance: 7, scheduler: 'euler',
    schedulerConfig: json('pipeline_sd15', 'pipeline_config.json').scheduler_config,
    prompt: { ids }, negativePrompt: { ids: empty }, emptyPromptIds: empty,
    unetWarmup: 1, unetRuns: runs, seed: 1,
  };
}

export function fullConfig(runs = 10, steps = 20) {
  const layout = json('sd15_fullsize_layout.json');
  return {
    // fp16 where the adapter offers shader-f16, else fp32 (Chromium's Dawn offers no shader-f16 on
    // the lent H200's Vulkan driver; the report says which type ran).
    mode: 'full', floatType: 'auto',
    layouts: {
      unet: layout.unet.state_dict, adapter: layout['ip-adapter_sd15.safetensors'], vae: layout.vae.state_dict,
      text: layout.text_encoder.state_dict, vision: layout.ip_image_encoder.state_dict,
    },
    shardBytes: 256 * 2 ** 20, // well under Chrome's ~2 GB ArrayBuffer cap; the UNet takes 7 buffers
    width: 512, height: 512, steps, warmupSteps: 2, guidance: 7, scheduler: 'euler',
    prompt: 'a photo of a cat sitting on a wooden table, best quality', negativePrompt: '',
    unetWarmup: 3, unetRuns: runs, seed: 1,
  };
}

export const label = (mode, fallback) => (mode === 'tiny' && fallback
  ? 'SwiftShader, tiny networks — not a GPU figure'
  : mode === 'tiny' ? 'tiny networks on a GPU — a smoke run, not the real sizes' : 'SD1.5 real sizes (random weights), WebGPU');

export async function bundlePage() {
  const r = await build({ entryPoints: [join(root, 'bench/gpu/entry.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'error', minify: true });
  return r.outputFiles[0].text;
}

// ---- serving

function serve(files) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const body = files.get(path === '/' ? '/index.html' : path);
    if (body !== undefined) {
      res.writeHead(200, { 'content-type': path.endsWith('.js') ? 'text/javascript' : path.endsWith('.json') ? 'application/json' : 'text/html' }).end(body);
      return;
    }
    if (path.startsWith('/ort/')) {
      const file = normalize(join(ORT_DIST, path.slice(5)));
      if (file.startsWith(ORT_DIST) && existsSync(file)) {
        res.writeHead(200, { 'content-type': file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' }).end(readFileSync(file));
        return;
      }
    }
    res.writeHead(404).end();
  });
  return new Promise((r) => server.listen(Number(opt('--port', 0)), '127.0.0.1', () => r(server)));
}

// ---- main

async function main() {
  const runs = Number(opt('--runs', 0)) || undefined;
  const steps = Number(opt('--steps', 0)) || undefined;
  const js = await bundlePage();

  if (flag('--pack')) {
    const dir = resolve(opt('--pack'));
    mkdirSync(join(dir, 'ort'), { recursive: true });
    writeFileSync(join(dir, 'bench.js'), js);
    for (const f of ['index.html', 'probe.html', 'run.py']) copyFileSync(join(root, 'bench/gpu', f), join(dir, f));
    for (const f of ['ort.webgpu.min.mjs', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm']) copyFileSync(join(ORT_DIST, f), join(dir, 'ort', f));
    writeFileSync(join(dir, 'flags.json'), JSON.stringify({ base: BASE_FLAGS, gpu: GPU_FLAGS }));
    writeFileSync(join(dir, 'config-full.json'), JSON.stringify({ config: fullConfig(runs, steps), label: label('full', false) }));
    writeFileSync(join(dir, 'config-tiny.json'), JSON.stringify({ config: tinyConfig(runs, steps), label: 'tiny networks — a smoke run, not a GPU figure' }));
    console.log(`Packed into ${dir}: python3 ${join(dir, 'run.py')} --full`);
    return 0;
  }

  const files = new Map([['/index.html', readFileSync(join(root, 'bench/gpu/index.html'), 'utf8')], ['/bench.js', js]]);
  const server = await serve(files);
  const url = `http://127.0.0.1:${server.address().port}/`;
  const executablePath = opt('--chromium', CHROMIUM_DEFAULT);
  let browser = await chromium.launch({ executablePath, args: [...BASE_FLAGS, ...GPU_FLAGS] });
  const open = async () => {
    const page = await browser.newPage();
    page.on('console', (m) => { const t = m.text(); if (t.startsWith('[bench] ')) console.log(`  ${t.slice(8)}`); });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => window.ready === true);
    return page;
  };
  let page = await open();
  let probe = await page.evaluate(() => window.probe());
  if (!probe) {
    // Debian's Chromium offers no adapter with the Vulkan flags on a machine without a GPU: retry without.
    console.log('No WebGPU adapter with the GPU flags; trying again without them.');
    await browser.close();
    browser = await chromium.launch({ executablePath, args: BASE_FLAGS });
    page = await open();
    probe = await page.evaluate(() => window.probe());
  }
  const hardware = Boolean(probe && !probe.fallback);
  console.log(`Chromium ${browser.version()}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; adapter: ${probe ? `${probe.vendor} ${probe.architecture} ${probe.description}`.trim() : 'none'}${probe?.fallback ? ' (software fallback)' : ''}, shader-f16 ${probe?.f16 ? 'yes' : 'no'}`);
  let code = 0;
  try {
    if (!probe) throw new Error('No WebGPU adapter in Chromium, even with --enable-unsafe-webgpu.');
    const mode = flag('--full') ? 'full' : flag('--tiny') ? 'tiny' : hardware ? 'full' : 'tiny';
    if (mode === 'full' && !hardware) throw new Error('--full needs a hardware WebGPU adapter; this one is a software fallback. Run --tiny for the smoke test.');
    if (mode === 'tiny' && !flag('--tiny')) console.log('No hardware WebGPU adapter: running the --tiny smoke mode.');
    const config = mode === 'full' ? fullConfig(runs, steps) : tinyConfig(runs, steps);
    const t0 = performance.now();
    const r = await page.evaluate(([c, l]) => window.bench(c, l), [config, label(mode, probe.fallback)]);
    if (r.error) throw new Error(`the bench page failed: ${r.error}`);
    console.log('');
    console.log(r.text);
    console.log(`\n(whole run ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    if (!r.report.placementOk) { console.error('Some nodes did not run on WebGPU: these figures do not measure the WebGPU graphs.'); code = 1; }
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    code = 1;
  } finally {
    await browser.close();
    server.close();
  }
  return code;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main();
