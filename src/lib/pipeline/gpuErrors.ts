/**
 * Telling GPU failures apart from other errors, so that the worker can answer 'device-lost' or
 * 'out-of-memory' (with what to do) instead of a bare 'runtime'. onnxruntime-web passes WebGPU
 * failures on as plain Errors whose text comes from Dawn or from the allocator; the device's own
 * signals (its `lost` promise, GPUOutOfMemoryError through `uncapturederror`) are watched by
 * the host and passed in as `seen`.
 */

/** Messages of allocation failures: GPU buffers, the wasm heap, JavaScript ArrayBuffers, binding limits. */
const OUT_OF_MEMORY = /out of memory|outofmemory|GPUOutOfMemoryError|failed to allocate|allocation failed|cannot allocate|bad_alloc|Array buffer allocation failed|exceeds the max(imum)? (storage )?(buffer|binding) size|maxBufferSize|maxStorageBufferBindingSize/i;
/** Messages of operations on a lost or destroyed device. */
const DEVICE_LOST = /device (was |is |has been )?lost|device.{0,40}destroyed|destroyed device|DeviceLost/i;

export type GpuErrorCode = 'device-lost' | 'out-of-memory';

export function gpuErrorCode(e: unknown, seen: { deviceLost?: boolean; outOfMemory?: boolean } = {}): GpuErrorCode | null {
  if (seen.deviceLost) return 'device-lost';
  const text = e instanceof Error ? `${e.name} ${e.message}` : String(e);
  if (DEVICE_LOST.test(text)) return 'device-lost';
  if (seen.outOfMemory || OUT_OF_MEMORY.test(text)) return 'out-of-memory';
  return null;
}
