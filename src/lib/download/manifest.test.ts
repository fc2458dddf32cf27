import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { allowedOrigins, defaultSelection, fileUrl, ManifestError, neededFiles, validateManifest } from './manifest';
import { testManifest } from '../../../test/e2e/support/test-manifest';

const raw = () => JSON.parse(readFileSync(new URL('../../../models/manifest.json', import.meta.url), 'utf8'));

describe('the model manifest', () => {
  test('models/manifest.json is valid and names every choice of the issue', () => {
    const m = validateManifest(raw());
    expect(m.choices.base.map((b) => b.id)).toEqual(['dreamshaper-8', 'sd15']);
    expect(m.choices.adapters.map((a) => a.id)).toEqual(['standard', 'light', 'plus', 'plus-face', 'full-face']);
    expect(m.choices.loras.map((l) => l.id)).toEqual(['lcm']);
    expect(m.files.find((f) => f.id === 'vit-h')).toMatchObject({ size: 2528373448, dtype: 'F32', path: 'models/image_encoder/model.safetensors' });
    for (const f of m.files) expect(f.size ?? f.approxSize, f.id).toBeGreaterThan(1e7);
    // a branch name is flagged as unpinned; every pinned revision is a commit sha
    for (const r of Object.values(m.repos)) expect(r.revisionPinned ? /^[0-9a-f]{40}$/.test(r.revision) : r.revision === 'main').toBe(true);
  });

  test('allowed origins: huggingface.co and the listed CDN hosts, all https, nothing else', () => {
    const origins = allowedOrigins(validateManifest(raw()));
    expect(origins).toContain('https://huggingface.co');
    expect(origins).toContain('https://cdn-lfs.hf.co');
    expect(origins).toContain('https://cas-bridge.xethub.hf.co');
    expect(origins.every((o) => o.startsWith('https://'))).toBe(true);
    expect(new Set(origins).size).toBe(origins.length);
  });

  test('resolve URLs: repository, revision and path, each path segment encoded', () => {
    const m = validateManifest(raw());
    const vit = m.files.find((f) => f.id === 'vit-h')!;
    expect(fileUrl(m, vit)).toBe('https://huggingface.co/h94/IP-Adapter/resolve/92a2d51861c754afacf8b3aaf90845254b49f219/models/image_encoder/model.safetensors');
  });

  test('needed parts: VAE decoder only unless image-to-image; ViT head only for image_embeds adapters', () => {
    const m = validateManifest(raw());
    const parts = (sel: Partial<ReturnType<typeof defaultSelection>>) =>
      Object.fromEntries(neededFiles(m, { ...defaultSelection(m), ...sel }).map((n) => [n.file.id, n.parts.map((p) => p.name)]));
    expect(parts({})).toEqual({ 'ds8-unet': ['all'], 'ds8-text': ['all'], 'ds8-vae': ['decoder'], 'ipa-sd15': ['projector', 'layers'], 'vit-h': ['trunk', 'head'] });
    expect(parts({ img2img: true })['ds8-vae']).toEqual(['decoder', 'encoder']);
    expect(parts({ adapters: ['plus'] })['vit-h']).toEqual(['trunk']);
    expect(parts({ adapters: ['plus', 'light'] })['vit-h']).toEqual(['trunk', 'head']);
    expect(parts({ adapters: [] })['vit-h']).toBeUndefined();
    expect(parts({ base: 'sd15', loras: ['lcm'] })).toMatchObject({ 'sd15-unet': ['all'], 'lcm-lora-sd15': ['all'] });
    expect(defaultSelection(m, { slowGpu: true }).loras).toEqual(['lcm']);
    expect(defaultSelection(m).loras).toEqual([]);
  });

  test('every problem is reported with its path', () => {
    const bad = raw();
    bad.hosts.huggingface.base = 'http://huggingface.co';
    bad.hosts.huggingface.redirectOrigins.push('https://cdn.example/path');
    bad.repos['h94/IP-Adapter'].revision = 'main';
    bad.files[0].path = '../etc/passwd.safetensors';
    bad.files[1].path = 'text_encoder/pytorch_model.bin';
    bad.files[2].sha256 = 'XYZ';
    bad.files[3].id = bad.files[4].id;
    bad.files[5].size = null; bad.files[5].approxSize = null;
    bad.files[6].parts[0].graphs = ['nope'];
    bad.choices.base[1].default = true;
    bad.choices.adapters[0].file = 'vit-h';
    bad.settings.bogus = 1;
    let problems: string[] = [];
    try { validateManifest(bad); } catch (e) { problems = (e as ManifestError).problems; }
    const want = [
      /hosts.huggingface.base: .*must be https/, /redirectOrigins\[10\]: must be an origin/, /repos\["h94\/IP-Adapter"\].revision: a pinned revision/,
      /files\[0\].path/, /files\[1\].path: only .safetensors/, /files\[2\].sha256/, /files\[4\].id: duplicate/, /files\[5\]: give size/,
      /files\[6\].parts\[0\].graphs/, /choices.base: exactly one/, /choices.adapters\[0\].file: file "vit-h" has role image_encoder/, /settings.bogus/,
    ];
    for (const w of want) expect(problems.some((p) => w.test(p)), `${w} in\n${problems.join('\n')}`).toBe(true);
    expect(() => validateManifest([])).toThrow(ManifestError);
  });

  test('a test manifest may use plain http on 127.0.0.1 only', () => {
    expect(() => validateManifest(testManifest('http://127.0.0.1:1', 'http://127.0.0.1:2'))).not.toThrow();
    expect(() => validateManifest(testManifest('http://10.0.0.1:1', 'http://127.0.0.1:2'))).toThrow(/must be https/);
  });
});
