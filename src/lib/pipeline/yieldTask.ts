/**
 * Lets the event loop run queued tasks (a cancel message, above all) between denoising steps.
 * onnxruntime-web's wasm provider computes a whole UNet call without giving the thread back, so
 * without this a worker would read its messages only after the last step. A MessageChannel
 * round trip costs microseconds and, unlike setTimeout(0), is never clamped to 4 ms.
 */
type Resolver = () => void;
let channel: { port1: { onmessage: unknown; unref?: () => void }; port2: { postMessage(v: unknown): void; unref?: () => void } } | null = null;
const waiting: Resolver[] = [];

export function yieldTask(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  if (!channel) {
    const c = new MessageChannel();
    c.port1.onmessage = () => waiting.shift()?.();
    // Node: do not keep the process alive for this channel
    (c.port1 as unknown as { unref?: () => void }).unref?.();
    (c.port2 as unknown as { unref?: () => void }).unref?.();
    channel = c as unknown as typeof channel;
  }
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel!.port2.postMessage(null);
  });
}
