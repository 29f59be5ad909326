import type { ControlSeries } from '../field/controls';
import type { AdamState } from './adam';

/** One measured trajectory: states at `times` (NaN = not measured), controls on their own grid. */
export interface TrainingTrajectory {
  times: ArrayLike<number>;
  states: ReadonlyArray<ArrayLike<number>>;
  controls?: ControlSeries;
  name?: string;
}

/**
 * Progress after each epoch (also the entries of `history`). With `refine`, each L-BFGS
 * iteration adds an entry with phase 'refine' that continues the epoch numbering.
 */
export interface TrainProgress {
  /** 'adam' for an epoch of mini-batch Adam steps, 'refine' for one full-batch L-BFGS iteration. */
  phase: 'adam' | 'refine';
  epoch: number;
  /** Adam epochs asked for (`options.epochs`). */
  epochs: number;
  /**
   * Adam: mean training loss over the epoch's mini-batches (evaluated before each update).
   * Refine: full-batch training loss after the iteration.
   */
  loss: number;
  /** Validation loss, on epochs where it was evaluated (and on the last refine entry). */
  valLoss?: number;
  /** Adam: learning rate. Refine: the accepted step length along the L-BFGS direction. */
  lr: number;
  /** Adam: gradient norm of the last mini-batch, before clipping. Refine: full-batch ‖∇L‖∞. */
  gradNorm: number;
  /** Forward vector-field evaluations during the epoch (or the iteration's line search). */
  nfev: number;
  /**
   * Adam: mini-batches skipped because a solve failed, with its message. Each failure rolls the
   * parameters back to before the previous update and halves the learning rate from then on.
   * Refine: line-search trial points rejected because a solve failed there.
   */
  failures: string[];
  elapsedMs: number;
}

/** Everything a resumed run needs to continue exactly where the interrupted one stopped. */
export interface TrainingCheckpoint {
  format: 'kinetica-training-checkpoint';
  epoch: number;
  theta: number[];
  best: number[];
  bestVal: number;
  bestEpoch: number;
  sinceBest: number;
  lrFactor: number;
  thetaPrev: number[];
  adam: AdamState;
  rng: number[];
  history: TrainProgress[];
}
