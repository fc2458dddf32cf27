// The generation worker plus one test hook: a `{ type: '__lose-device' }` message destroys the
// GPUDevice the worker made (caught as it is requested), which makes the browser lose it for
// real (its `lost` promise resolves with reason 'destroyed'), as a driver reset would. Used only
// by pipeline.spec.ts.
import '../../src/workers/generate.worker';

type Device = { destroy(): void };
const devices: Device[] = [];
const proto = (globalThis as unknown as { GPUAdapter?: { prototype: { requestDevice(...a: unknown[]): Promise<Device> } } }).GPUAdapter?.prototype;
if (proto) {
  const request = proto.requestDevice;
  proto.requestDevice = async function (this: unknown, ...a: unknown[]) {
    const d = await request.apply(this, a);
    devices.push(d);
    return d;
  };
}

self.addEventListener('message', (e: MessageEvent) => {
  if ((e.data as { type?: string } | null)?.type === '__lose-device') for (const d of devices) d.destroy();
});
