/**
 * Euler ancestral, as diffusers' `EulerAncestralDiscreteScheduler` (k-diffusion
 * `sample_euler_ancestral`, η = 1). Each step goes down to σ_down deterministically and then
 * adds fresh noise of size σ_up, so that σ_down² + σ_up² = σ_next²:
 *
 * σ_up = √(σ_next²·(σ² − σ_next²)/σ²),  σ_down = √(σ_next² − σ_up²)
 * x0 = x − σ·ε;  x_next = x + ε·(σ_down − σ) + z·σ_up,  z ~ N(0, 1)
 *
 * diffusers draws z on every step, the last one included (where σ_up = 0); so `noise` is
 * required on every call.
 */
import { SigmaScheduler } from './euler';
import { assertSameLength, requireNoise, type SchedulerConfig, type StepOutput } from './schedule';

export class EulerAncestralScheduler extends SigmaScheduler {
  readonly name: string = 'euler_ancestral';
  readonly stochastic = true;

  constructor(config: SchedulerConfig) {
    super(config, { timestep_spacing: 'linspace', final_sigmas_type: 'zero', interpolation_type: 'linear', use_karras_sigmas: false });
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, noise?: Float32Array): StepOutput {
    assertSameLength(sample, modelOutput, 'modelOutput');
    const z = requireNoise(noise, sample, 'Euler ancestral');
    const i = this.currentIndex(t);
    const sigma = this.sigmas[i];
    const sigmaTo = this.sigmas[i + 1];
    const sigmaUp = Math.sqrt((sigmaTo * sigmaTo * (sigma * sigma - sigmaTo * sigmaTo)) / (sigma * sigma));
    const sigmaDown = Math.sqrt(Math.max(0, sigmaTo * sigmaTo - sigmaUp * sigmaUp));
    const dt = sigmaDown - sigma;
    const prev = new Float32Array(sample.length);
    const x0 = new Float32Array(sample.length);
    for (let j = 0; j < sample.length; j++) {
      const p = sample[j] - sigma * modelOutput[j];
      x0[j] = p;
      const d = (sample[j] - p) / sigma;
      prev[j] = sample[j] + d * dt + z[j] * sigmaUp;
    }
    this.stepIndex = i + 1;
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
