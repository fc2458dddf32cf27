// Child process for bench/download.bench.ts (not .mjs: scripts/bench.mjs would run it as a benchmark): the local Hugging Face stand-in serving two
// synthetic 192 MB safetensors files (fp16 and fp32), on its own event loop so the server's work
// does not compete with the client being measured. Prints {"hub","cdn"} as one JSON line.
// Needs Node ≥ 22.18 (runs the TypeScript server by type stripping); `npm run bench` provides it.
import { startHfServer } from '../test/e2e/support/hf-server.ts';

function safetensors(dtype, totalBytes) {
  const per = 4 * 2 ** 20;
  const n = Math.round(totalBytes / per);
  const header = { __metadata__: { format: 'pt' } };
  for (let i = 0; i < n; i++) header[`layers.${i}.weight`] = { dtype, shape: [per / (dtype === 'F16' ? 2 : 4)], data_offsets: [i * per, (i + 1) * per] };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + n * per);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  const data = new DataView(out.buffer, 8 + json.length);
  for (let j = 0; j < n * per; j += 388) dtype === 'F16' ? data.setUint16(j, 0x3c00 + (j & 0xff), true) : data.setFloat32(j, Math.sin(j), true);
  return out;
}

const files = new Map([
  ['/bench/big/resolve/main/f16.safetensors', safetensors('F16', 192e6)],
  ['/bench/big/resolve/main/f32.safetensors', safetensors('F32', 192e6)],
]);
const hf = await startHfServer(files);
process.stdout.write(`${JSON.stringify({ hub: hf.hub, cdn: hf.cdn })}\n`);
process.on('SIGTERM', () => hf.close().then(() => process.exit(0)));
