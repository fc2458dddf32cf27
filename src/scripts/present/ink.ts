// The pen and the laser pointer: a canvas over the current slide, in slide coordinates
// (1280×720 whatever the window's size), so strokes and the pointer land on the same spot in
// every window.
import type { Stroke } from '../../lib/present/protocol';
import { SLIDE_H, SLIDE_W } from './build';

export type InkMode = 'off' | 'laser' | 'pen';

export interface InkCallbacks {
  /** A stroke started (first call) or grew; `done` on pointer up. */
  stroke(stroke: Stroke, done: boolean): void;
  /** The laser moved (x = null: it left the slide). */
  pointer(x: number | null, y: number | null): void;
}

const PEN = { color: '#e5484d', width: 5 };
const SCALE = 2; // canvas pixels per slide pixel, for sharp lines on big screens

export class Ink {
  readonly canvas: HTMLCanvasElement;
  readonly dot: HTMLElement;
  mode: InkMode = 'off';
  private ctx: CanvasRenderingContext2D | null;
  private strokes: Stroke[] = [];
  private drawing: Stroke | null = null;
  private lastSent = 0;
  private hideTimer: ReturnType<typeof setTimeout> | null = null;
  private counter = 0;

  constructor(private deck: HTMLElement, private me: string, private cb: InkCallbacks) {
    const doc = deck.ownerDocument;
    this.canvas = doc.createElement('canvas');
    this.canvas.className = 'ink-layer';
    this.canvas.width = SLIDE_W * SCALE;
    this.canvas.height = SLIDE_H * SCALE;
    this.canvas.setAttribute('aria-hidden', 'true');
    this.ctx = this.canvas.getContext('2d');
    this.dot = doc.createElement('div');
    this.dot.className = 'laser-dot';
    this.dot.hidden = true;
    this.dot.setAttribute('aria-hidden', 'true');
    deck.append(this.canvas, this.dot);
    this.canvas.addEventListener('pointerdown', (e) => this.down(e));
    this.canvas.addEventListener('pointermove', (e) => this.move(e));
    this.canvas.addEventListener('pointerup', (e) => this.up(e));
    this.canvas.addEventListener('pointercancel', (e) => this.up(e));
    this.canvas.addEventListener('pointerleave', () => { if (this.mode === 'laser') { this.showPointer(null, null); this.cb.pointer(null, null); } });
  }

  setMode(mode: InkMode) {
    this.mode = mode;
    this.canvas.dataset.mode = mode;
    if (mode !== 'laser') this.showPointer(null, null);
  }

  private toSlide(e: PointerEvent): [number, number] {
    const r = this.deck.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * SLIDE_W, ((e.clientY - r.top) / r.height) * SLIDE_H];
  }

  private down(e: PointerEvent) {
    if (this.mode !== 'pen' || e.button !== 0) return;
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    const [x, y] = this.toSlide(e);
    this.drawing = { id: `${this.me}-${Date.now().toString(36)}-${this.counter++}`, ...PEN, points: [round(x), round(y)] };
    this.strokes.push(this.drawing);
    this.cb.stroke(this.drawing, false);
    this.redraw();
  }

  private move(e: PointerEvent) {
    const [x, y] = this.toSlide(e);
    if (this.mode === 'laser') {
      this.showPointer(x, y);
      if (e.timeStamp - this.lastSent > 30) { this.lastSent = e.timeStamp; this.cb.pointer(round(x), round(y)); }
      return;
    }
    if (!this.drawing) return;
    const p = this.drawing.points;
    const dx = x - p[p.length - 2];
    const dy = y - p[p.length - 1];
    if (dx * dx + dy * dy < 4) return;
    p.push(round(x), round(y));
    this.redraw();
    if (e.timeStamp - this.lastSent > 40) { this.lastSent = e.timeStamp; this.cb.stroke(this.drawing, false); }
  }

  private up(e: PointerEvent) {
    if (!this.drawing) return;
    if (this.canvas.hasPointerCapture(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
    this.cb.stroke(this.drawing, true);
    this.drawing = null;
  }

  /** Show these strokes (the current slide's). A stroke being drawn here stays. */
  show(strokes: Stroke[]) {
    const mine = this.drawing;
    this.strokes = mine && !strokes.some((s) => s.id === mine.id) ? [...strokes, mine] : strokes.map((s) => (mine && s.id === mine.id ? mine : s));
    this.deck.dataset.strokes = String(this.strokes.length);
    this.redraw();
  }

  showPointer(x: number | null, y: number | null) {
    if (this.hideTimer) clearTimeout(this.hideTimer);
    if (x === null || y === null) { this.dot.hidden = true; return; }
    this.dot.hidden = false;
    this.dot.style.transform = `translate(${x}px, ${y}px)`;
    this.hideTimer = setTimeout(() => { this.dot.hidden = true; }, 4000);
  }

  private redraw() {
    const ctx = this.ctx;
    if (!ctx) return;
    ctx.setTransform(SCALE, 0, 0, SCALE, 0, 0);
    ctx.clearRect(0, 0, SLIDE_W, SLIDE_H);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const s of this.strokes) {
      const p = s.points;
      ctx.strokeStyle = s.color;
      ctx.fillStyle = s.color;
      ctx.lineWidth = s.width;
      if (p.length <= 2) {
        ctx.beginPath();
        ctx.arc(p[0], p[1], s.width / 2, 0, Math.PI * 2);
        ctx.fill();
        continue;
      }
      ctx.beginPath();
      ctx.moveTo(p[0], p[1]);
      for (let i = 2; i < p.length; i += 2) ctx.lineTo(p[i], p[i + 1]);
      ctx.stroke();
    }
  }

  /** How many strokes are shown (for tests and the clear button's state). */
  get count() { return this.strokes.length; }
}

const round = (v: number) => Math.round(v * 10) / 10;
