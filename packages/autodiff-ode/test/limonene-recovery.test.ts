import { limoneneModel } from '@kinetica/stoichiometry';
import { describe, expect, it } from 'vitest';
import { trainNeuralODE } from '../src/index';
import { limoneneReactionEnzymes, limoneneStrains, strainNrmse, trainingStd } from './limonene-strains';

// Eight synthetic strains of the built-in limonene pathway (seed 11): six to train, two held out.
// Measured with bench/recovery-limonene.ts on the same strains (`--strains 8`), load ≈ 1:
//   S·r_θ, massAction, [16, 16], rodas5, 30 Adam epochs + 20 L-BFGS: held-out mean nRMSE
//     0.020, 0.028 (largest state 0.030, 0.043), 11 s;
//   plain MLP on [x; u], same budget (rodas5, 30 + 20): 0.46, 0.70;
//   plain MLP with a time budget instead (rk4, lockstep, 4000 epochs, [32, 32], 12 s): 0.19, 0.35.
describe('stoichiometric neural ODE on the limonene pathway', () => {
  it('predicts held-out strains with mean nRMSE < 0.05', () => {
    const strains = limoneneStrains(8);
    const train = strains.slice(0, 6);
    const heldOut = strains.slice(6);
    const model = limoneneModel();
    const options = { method: 'rodas5', rtol: 1e-5, atol: 1e-12 } as const;
    const { model: trained } = trainNeuralODE({
      trajectories: train,
      stoichiometry: { S: model.S, enzymes: limoneneReactionEnzymes(), massAction: true },
      hidden: [16, 16],
      ...options,
      epochs: 30,
      lr: 1e-2,
      schedule: { kind: 'cosine', minLr: 1e-4 },
      seed: 1,
      refine: { iterations: 20 },
    });
    const sd = trainingStd(train);
    for (const strain of heldOut) {
      const pred = trained.predict(strain.states[0]!, strain.controls, strain.times, options);
      const nr = strainNrmse(pred, strain, sd);
      const mean = nr.reduce((a, b) => a + b, 0) / nr.length;
      console.info(`limonene held-out: mean nRMSE ${mean.toFixed(4)}, largest ${Math.max(...nr).toFixed(4)}`);
      expect(mean).toBeLessThan(0.05);
    }
  }, 120_000);
});
