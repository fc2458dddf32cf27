// The bench page's module: onnxruntime-web is passed in by the page (loaded from /ort/, as the
// site does), so this bundle holds only the project's code.
export { runBench, formatReport } from './page';
export type { BenchConfig, BenchReport } from './page';
export { isSoftwareAdapter } from '../../src/lib/live/capability';
