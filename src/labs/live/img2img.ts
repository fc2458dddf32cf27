/**
 * Image to image, for the lesson that compares it with IP-Adapter: an init image (LoadImage →
 * VAEEncode in ComfyUI) and KSampler's denoise, the img2img strength. comfy's mapping turns
 * (steps, denoise) into the pipeline's (steps, strength) that run the same steps.
 */
import { h, nextId } from '../shared/dom';
import { fill } from '../shared/base';
import { imageNames, uniqueName, type LiveState } from '../../lib/live/panel';
import { checkbox, errorLine, field, numberInput, rebuild, type PanelCtx, type Section } from './ui';

export function createImg2imgSection(ctx: PanelCtx): Section {
  const t = ctx.t;
  const use = checkbox();
  use.setAttribute('data-live', 'img2img');
  use.addEventListener('change', () => {
    const s = ctx.state();
    ctx.update(use.checked ? { ...s, initImage: uniqueName('init.png', imageNames(s)), denoise: 0.6 } : { ...s, initImage: null, denoise: 1 });
  });
  const useField = field('initImage.use', t.img2imgUse, use, 'bool');
  use.dataset.bind = 'custom';
  const body = h('div', {});
  const status = h('p', { class: 'live-muted', 'data-live': 'init-status' });
  const el = h('fieldset', { 'data-live': 'img2img-box' }, h('legend', {}, t.img2imgTitle), useField, body);
  let on: boolean | null = null;

  function build(s: LiveState): void {
    if (!s.initImage) { rebuild(body, []); return; }
    const id = nextId('live-init');
    const input = h('input', { type: 'file', id, accept: 'image/*', 'data-live': 'init-image', 'data-focus': 'initImage.file' });
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      const cur = ctx.state().initImage;
      if (!file || !cur) return;
      void ctx.pickPicture(file, 'initImage', cur).then((name) => {
        if (name) ctx.update({ ...ctx.state(), initImage: name });
      });
    });
    rebuild(body, [
      h('div', { class: 'live-f' }, h('label', { for: id }, t.initPick), input), status, errorLine('initImage'),
      field('denoise', t.denoise, numberInput(0.01, 1, 0.05), 'number', t.denoiseHelp),
    ]);
  }

  return {
    el,
    render(s) {
      use.checked = s.initImage !== null;
      if (on !== (s.initImage !== null)) { on = s.initImage !== null; build(s); }
      const pic = s.initImage ? ctx.pictures.get(s.initImage) : undefined;
      status.textContent = !s.initImage ? '' : pic ? fill(t.initLoaded, { name: s.initImage, w: pic.rgb.width, h: pic.rgb.height }) : fill(t.initNotLoaded, { name: s.initImage });
    },
  };
}
