/**
 * The lab's own limits, where they are narrower than ComfyUI's (the importer maps values beyond
 * them to the closest the lab runs, and says so). They mirror src/lib/pipeline/settings.ts
 * (MAX_SIDE, MAX_BATCH, WEIGHT_RANGE, the steps bound); a test keeps the two in step. Kept here
 * so the bridge does not pull the pipeline's graph-building code into the panel's bundle.
 */
export const LAB_LIMITS = Object.freeze({
  /** Sizes: multiples of 64 (the latent is 1/8, halved three times by the UNet) up to 2048. */
  sideMultiple: 64,
  minSide: 64,
  maxSide: 2048,
  maxBatch: 16,
  maxSteps: 1000,
  weight: Object.freeze([-1, 5] as const),
});

/** The nearest size the lab can make. */
export function closestSide(v: number): number {
  const { sideMultiple, minSide, maxSide } = LAB_LIMITS;
  return Math.min(maxSide, Math.max(minSide, Math.round(v / sideMultiple) * sideMultiple));
}
