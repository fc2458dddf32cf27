/**
 * Which image branches of the UNet graph an IP-Adapter setup uses.
 *
 * The UNet graph (models/unet.ts) has one image branch per `ip_tokens_{a}` input, each built
 * with one adapter file's to_k_ip/to_v_ip. A setting usually needs one branch. The "precise"
 * weight types need two: at their swap layers ComfyUI gives the reference to the uncond rows and
 * zeros to the cond rows, while the other layers see the usual cond/uncond — two token sets,
 * so two branches over the same weights (shared initializers: no extra memory; the extra
 * attention over 4–16 tokens costs ~0.04% of a step).
 *
 * A graph can host a setup when each needed branch finds its own graph branch built with the
 * same file; unused graph branches get scale 0 (exactly no effect).
 */

export interface BranchNeed {
  /** Index in settings.adapters. */
  adapter: number;
  /** Adapter file index. */
  model: number;
  /** The swap-layer branch of a precise weight type. */
  swapped: boolean;
}

/** The adapter-file index of each branch a graph needs for these needs (for building it). */
export const branchModels = (needs: BranchNeed[]): number[] => needs.map((n) => n.model);

/**
 * Maps each need to a graph branch with the same adapter file, or returns null when the graph
 * cannot host the setup (then the UNet must be rebuilt with `branchModels(needs)`).
 */
export function assignBranches(needs: BranchNeed[], graphModels: readonly number[]): number[] | null {
  const used = new Array<boolean>(graphModels.length).fill(false);
  const out: number[] = [];
  for (const n of needs) {
    const a = graphModels.findIndex((m, i) => !used[i] && m === n.model);
    if (a < 0) return null;
    used[a] = true;
    out.push(a);
  }
  return out;
}
