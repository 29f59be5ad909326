/** Messages between the page and its Web Worker (structured-clone safe: plain data and typed arrays). */

import type { TableSelection } from '@kinetica/reference/web';

/** The columns and strains of a run: `kinetica train`'s selection without its file. */
export type Selection = Omit<TableSelection, 'data'>;

export type WorkerRequest =
  | {
      type: 'train';
      /** The table's text and its name for messages (`file:line:column`). */
      text: string;
      file: string;
      selection: Selection;
      seed: number;
      epochs?: number;
    }
  | { type: 'demo'; seed: number; strains: number; test: number; epochs: number }
  | { type: 'sbml'; xml: string; file: string; t1: number; points: number };

export interface EpochFigures {
  member: number;
  members: number;
  epoch: number;
  epochs: number;
  loss: number;
}

export interface MeasuredView {
  name: string;
  times: number[];
  values: number[];
}

/** What the page draws for one held-out group. */
export interface ResultView {
  group: string;
  stateNames: string[];
  grid: Float64Array;
  measured: MeasuredView[];
  predicted: Float64Array[];
  baseline: Float64Array[];
  baselineName: string | null;
  band?: { lower: Float64Array[]; upper: Float64Array[] };
  overallNrmse: number;
  baselineOverallNrmse: number;
  improvementPct: number;
  nrmse: Record<string, number>;
  baselineNrmse: Record<string, number>;
  rmse: Record<string, number>;
  baselineRmse: Record<string, number>;
}

export interface TrainedReply {
  type: 'trained';
  metricsJson: string;
  modelJson: string;
  predictionsCsv: string;
  /** The report's title. */
  title: string;
  /** The table the run used (the demo's simulated strains), as CSV. */
  dataCsv?: string;
  results: ResultView[];
  loss: number[];
  time: string;
  trainSeconds: number;
  structure: string;
}

export interface SimulatedReply {
  type: 'simulated';
  header: string[];
  rows: number[][];
  status: 'success' | 'failed';
  message: string;
  csv: string;
}

export type WorkerReply =
  | { type: 'progress'; fraction: number; message: string; epoch?: EpochFigures }
  | TrainedReply
  | SimulatedReply
  | { type: 'error'; message: string };
