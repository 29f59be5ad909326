import { parseNetwork } from '@kinetica/stoichiometry';
import { parseReactions, type ReactionStructure } from './reactions';

/**
 * The built-in reaction networks of the mevalonate pathway for the S·r_θ model. One reaction per
 * line; `@ P, Q` names the proteins whose levels multiply the rate, each with its own learned
 * elasticity. Unmeasured intermediates are folded into the step that consumes them:
 * acetoacetyl-CoA (AtoB, then HMGS), Mev-PP (PMK, then PMD) and GPP (GPPS, then limonene
 * synthase); IPP and DMAPP are measured as one pool. Acetyl-CoA is fed from glucose and drained
 * to the TCA cycle and acetate; the products leave the cell (evaporation, export).
 */
const UPPER = `$Glucose -> Acetyl-CoA
3 Acetyl-CoA -> HMG-CoA @ AtoB, HMGS
HMG-CoA -> Mevalonate @ HMGR
Mevalonate -> Mev-P @ MK
Mev-P -> IPP/DMAPP @ PMK, PMD
Acetyl-CoA ->
`;
const LIMONENE = `2 IPP/DMAPP -> Limonene @ GPPS, Limonene Synthase
Limonene ->
`;
const ISOPENTENOL = `IPP/DMAPP -> Isopentenol @ NudB
Isopentenol ->
`;

/** name → network text (the reaction-file syntax of `kinetica train --reactions`). */
export const BUILT_IN_NETWORKS: Readonly<Record<string, string>> = {
  'mevalonate-limonene': UPPER + LIMONENE,
  'mevalonate-isopentenol': UPPER + ISOPENTENOL,
  // Both sinks: pooled limonene and isopentenol strains share the upper pathway.
  'mevalonate-pooled': UPPER + LIMONENE + ISOPENTENOL,
};

/**
 * The built-in network for these states and controls: the one whose species are exactly the
 * states and whose proteins are all among the controls, or null (then the model is an MLP).
 * A network that names a species or protein the table lacks does not parse against it.
 */
export function defaultStructure(
  states: readonly string[],
  controls: readonly string[],
): { name: string; structure: ReactionStructure } | null {
  for (const [name, text] of Object.entries(BUILT_IN_NETWORKS)) {
    let structure: ReactionStructure;
    try {
      structure = parseReactions(text, `built-in network ${name}`, states, controls);
    } catch {
      continue;
    }
    // Every state must take part in some reaction (a state the network omits would be frozen).
    if (structure.S.every((row) => row.some((v) => v !== 0))) return { name, structure };
  }
  return null;
}

/**
 * The species (states) and proteins (controls) each built-in network names: how the web page
 * recognises a table of a known pathway and proposes its columns.
 */
export function builtInNetworkColumns(): { name: string; species: string[]; proteins: string[] }[] {
  return Object.entries(BUILT_IN_NETWORKS).map(([name, text]) => {
    const lines = text.split('\n');
    const proteins = lines.flatMap((l) => {
      const at = l.indexOf('@');
      return at < 0
        ? []
        : l
            .slice(at + 1)
            .split(',')
            .map((p) => p.trim());
    });
    const bare = lines.map((l) => l.split('@')[0]).join('\n');
    return { name, species: parseNetwork(bare).species, proteins: [...new Set(proteins)] };
  });
}
