import { describe, expect, test } from 'vitest';
import { importWorkflow, type ImportErrorCode } from './import';
import { exportWorkflow } from './export';
import { parseUntrustedJson } from './safeJson';
import { HAVE_WORKFLOWS, REAL, loadText, oneAdapter, ui } from './workflows.testutil';

const refused = (input: Parameters<typeof importWorkflow>[0], code: ImportErrorCode, message?: RegExp, opts = {}) => {
  const r = importWorkflow(input, opts);
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.code).toBe(code);
    expect(r.error.length).toBeGreaterThan(20);
    if (message) expect(r.error).toMatch(message);
  }
};
const base = () => oneAdapter('IPAdapterAdvanced', [1, 'linear', 'concat', 0, 1, 'V only']);

describe('malformed or hostile input gets a clear error and changes nothing', () => {
  test('not JSON, not text, empty', () => {
    refused('hello', 'not-json', /not JSON/);
    refused('{"nodes": [', 'not-json');
    refused('', 'empty');
    refused('  \n ', 'empty');
    refused(new Uint8Array([0xff, 0xfe, 0x00, 0xd8]), 'not-utf8');
    refused(42 as unknown as string, 'not-text');
    refused(null as unknown as string, 'not-text');
  });

  test('too large: text and bytes over 5 MB, or over a given limit', () => {
    refused(`{"nodes":[],"x":"${'a'.repeat(5 * 1024 * 1024)}"}`, 'too-large', /5\.0 MB/);
    refused(new Uint8Array(5 * 1024 * 1024 + 1), 'too-large');
    refused(JSON.stringify(base()), 'too-large', /at most 1 kB/, { limits: { maxBytes: 1024 } });
    // multi-byte characters count as their UTF-8 bytes
    refused(`"${'中'.repeat(2_000_000)}"`, 'too-large');
  });

  test('too deep: refused before JSON.parse, at any place in the file', () => {
    refused('['.repeat(200_000) + ']'.repeat(200_000), 'too-deep', /more than 64 levels/);
    const w = base();
    let deep: unknown = 1;
    for (let k = 0; k < 70; k++) deep = [deep];
    w.nodes[0].widgets_values = [deep];
    refused(JSON.stringify(w), 'too-deep');
    // brackets inside strings do not count
    const ok = base();
    ok.nodes[4].widgets_values = ['[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\"{{{{'];
    expect(importWorkflow(JSON.stringify(ok)).ok).toBe(true);
  });

  test('prototype keys anywhere are refused, and nothing is polluted', () => {
    refused('{"__proto__": {"polluted": true}, "nodes": []}', 'forbidden-key', /"__proto__"/);
    const w = JSON.stringify(base());
    refused(w.replace('"properties":{}', '"properties":{"__proto__":{"polluted":true}}'), 'forbidden-key');
    refused(w.replace('"properties":{}', '"properties":{"constructor":{"prototype":{"polluted":true}}}'), 'forbidden-key', /"(constructor|prototype)"/);
    refused(w.replace('"extra":{}', '"extra":{"prototype":1}'), 'forbidden-key');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    // parsed objects have no prototype: inherited names read as undefined
    const p = parseUntrustedJson('{"a": {"b": 1}}');
    expect(p.ok && Object.getPrototypeOf((p.value as any).a)).toBe(null);
    expect(p.ok && (p.value as any).a.toString).toBeUndefined();
  });

  test('wrong types where the format fixes them', () => {
    refused('[1, 2, 3]', 'not-a-workflow', /JSON list/);
    refused('null', 'not-a-workflow');
    refused('"a string"', 'not-a-workflow');
    refused('{"foo": 1}', 'not-a-workflow', /no "nodes" list/);
    refused('{"nodes": "many"}', 'not-a-workflow', /"nodes" must be a list/);
    const mutate = (f: (w: any) => void) => {
      const w = base();
      f(w);
      return JSON.stringify(w);
    };
    refused(mutate((w) => { w.nodes[2] = 7; }), 'bad-node', /nodes\[2\] must be an object/);
    refused(mutate((w) => { w.nodes[2].id = { x: 1 }; }), 'bad-node', /node id/);
    refused(mutate((w) => { w.nodes[2].type = 5; }), 'bad-node', /"type"/);
    refused(mutate((w) => { w.nodes[2].inputs = 'x'; }), 'bad-node', /"inputs" must be a list/);
    refused(mutate((w) => { w.nodes[3].inputs[0].link = 'abc'; }), 'bad-link');
    refused(mutate((w) => { w.nodes[2].widgets_values = 'x'; }), 'bad-node', /widgets_values/);
    refused(mutate((w) => { w.nodes[2].mode = 'always'; }), 'bad-node', /mode/);
    refused(mutate((w) => { w.links = { a: 1 }; }), 'bad-link');
    refused(mutate((w) => { w.links[0] = [1, 2]; }), 'bad-link', /links\[0\]/);
    refused(mutate((w) => { w.links[0][2] = -1; }), 'bad-link', /slot/);
    refused(mutate((w) => { w.nodes[1].id = w.nodes[0].id; }), 'duplicate-id');
    refused('{"3": {"class_type": "KSampler", "inputs": 5}}', 'bad-node', /"inputs" must be an object/);
  });

  test('widget values of the wrong type inside a known node are reported, not fatal', () => {
    const w = base();
    w.nodes[3].widgets_values = [{ a: 1 }, ['x'], null, true, 'zz', 5];
    const r = importWorkflow(JSON.stringify(w));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.report.unsupportedValues.length).toBeGreaterThan(3);
  });

  test('links pointing nowhere', () => {
    const mutate = (f: (w: any) => void) => {
      const w = base();
      f(w);
      return JSON.stringify(w);
    };
    refused(mutate((w) => { w.nodes[3].inputs[0].link = 9999; }), 'dangling-link', /link 9999, which is not in the "links" list/);
    refused(mutate((w) => { w.links.find((l: any) => l[3] === 4)[1] = 404; }), 'dangling-link', /node 404, which is not in the workflow/);
    refused(mutate((w) => { w.links.find((l: any) => l[3] === 4)[2] = 9; }), 'dangling-link', /output 9/);
    refused('{"1": {"class_type": "KSampler", "inputs": {"model": ["77", 0]}}}', 'dangling-link', /node "77"/);
    // a stale entry that no node uses is only noted
    const w = base();
    w.links.push([500, 77, 0, 88, 0, 'MODEL']);
    const r = importWorkflow(JSON.stringify(w));
    expect(r.ok && r.report.notes.join()).toMatch(/stale/);
  });

  test('cycles, in both formats', () => {
    const loop = ui([
      { id: 1, type: 'ImageBatch', in: { image1: [2, 0], image2: [2, 0] } },
      { id: 2, type: 'PrepImageForClipVision', widgets: ['LANCZOS', 'center', 0], in: { image: [1, 0] } },
      { id: 3, type: 'KSampler', widgets: [1, 'fixed', 20, 7, 'euler', 'normal', 1] },
    ]);
    refused(JSON.stringify(loop), 'cycle', /loop.*node [12]/);
    refused(JSON.stringify(ui([{ id: 1, type: 'ImageBatch', in: { image1: [1, 0] } }])), 'cycle');
    refused('{"1": {"class_type": "VAEDecode", "inputs": {"samples": ["2", 0]}}, "2": {"class_type": "KSampler", "inputs": {"latent_image": ["1", 0]}}}', 'cycle');
  });

  test('too many nodes or links', () => {
    const nodes = Array.from({ length: 2001 }, (_, k) => ({ id: k + 1, type: 'Note', widgets_values: [''] }));
    refused(JSON.stringify({ nodes, links: [] }), 'too-many-nodes', /2001 nodes; at most 2000/);
    refused(JSON.stringify(base()), 'too-many-nodes', undefined, { limits: { maxNodes: 5 } });
    refused(JSON.stringify(base()), 'too-many-links', undefined, { limits: { maxLinks: 3 } });
  });

  test('a graph that fans out exponentially is refused quickly, not followed forever', () => {
    const specs: Parameters<typeof ui>[0] = [{ id: 1, type: 'LoadImage', widgets: ['a.png', 'image'] }];
    for (let k = 2; k <= 60; k++) specs.push({ id: k, type: 'ImageBatch', in: { image1: [k - 1, 0], image2: [k - 1, 0] } });
    specs.push(
      { id: 100, type: 'CheckpointLoaderSimple', widgets: ['x.safetensors'] },
      { id: 101, type: 'IPAdapterUnifiedLoader', widgets: ['STANDARD (medium strength)'], in: { model: [100, 0] } },
      { id: 102, type: 'IPAdapterAdvanced', widgets: [1, 'linear', 'concat', 0, 1, 'V only'], in: { model: [101, 0], ipadapter: [101, 1], image: [60, 0] } },
      { id: 103, type: 'KSampler', widgets: [1, 'fixed', 20, 7, 'euler', 'normal', 1], in: { model: [102, 0] } },
    );
    const t0 = performance.now();
    const r = importWorkflow(JSON.stringify(ui(specs)));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.ok ? r.settings.adapters[0].images.length : r.code).toSatisfy((x: unknown) => x === 'too-intricate' || (typeof x === 'number' && x <= 64));
  });

  test.skipIf(!HAVE_WORKFLOWS)('random damage to the real workflows never throws and never hits an internal error', () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const junk = () => [null, -1, 1e308, 'x', '', true, [], {}, [1, 'a'], 0.5, 99999][Math.floor(rand() * 11)];
    const paths = (o: any, prefix: (string | number)[] = [], out: (string | number)[][] = []) => {
      if (o && typeof o === 'object') for (const k of Object.keys(o)) {
        out.push([...prefix, Array.isArray(o) ? Number(k) : k]);
        paths(o[k], [...prefix, Array.isArray(o) ? Number(k) : k], out);
      }
      return out;
    };
    let imported = 0;
    const texts = REAL.map((n) => loadText(n));
    const allPaths = texts.map((t) => paths(JSON.parse(t)));
    for (let iter = 0; iter < 160; iter++) {
      const w = JSON.parse(texts[iter % texts.length]);
      const all = allPaths[iter % texts.length];
      for (let m = 0; m < 1 + Math.floor(rand() * 3); m++) {
        const p = all[Math.floor(rand() * all.length)];
        let o = w;
        for (const k of p.slice(0, -1)) o = o?.[k];
        if (o && typeof o === 'object') {
          if (rand() < 0.3) delete o[p[p.length - 1]];
          else o[p[p.length - 1]] = junk();
        }
      }
      const text = JSON.stringify(w);
      const r = importWorkflow(text);
      if (!r.ok) expect(r.code).not.toBe('internal');
      else {
        imported++;
        expect(() => JSON.stringify(r.settings)).not.toThrow();
        expect(() => exportWorkflow(r.settings)).not.toThrow();
      }
    }
    expect(imported).toBeGreaterThan(30);
  });
});
