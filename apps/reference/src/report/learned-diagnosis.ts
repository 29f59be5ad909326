import type { LearnedDiagnosisRun } from '../pipeline/learned-diagnosis';
import { distancePanel, stiffnessPanel } from '../plot/panels';
import type { Block } from './document';

const num = (v: number) => (Number.isFinite(v) ? v.toPrecision(3) : String(v));

const steadyLabel = (s: { stability: string; negative: string[] }) =>
  s.negative.length > 0 ? `${s.stability}, negative ${s.negative.join(', ')}` : s.stability;

/** The terminal summary of `diagnose --model-file`, one finding per line. */
export function diagnosisLines(run: LearnedDiagnosisRun, trainedOn: string[]): string[] {
  const d = run.summary;
  const o = d.ood;
  const lines = [
    `strain ${d.strain} against the training groups ${trainedOn.join(', ')}: ${o.flagged ? 'OUT OF DISTRIBUTION' : 'within the training distribution'}`,
    ...o.reasons.map((r) => `  - ${r}`),
    `  distance to the nearest training input up to ${num(o.maxDistance)} (training threshold ${num(o.distanceThreshold)}); Jacobian norm ${num(o.jacobianNormRatio)}× the training maximum`,
  ];
  const outside = d.controls.filter((c) => c.outside);
  if (outside.length > 0) {
    lines.push(
      `  enzymes outside the training range: ${outside.map((c) => `${c.name} ${num(c.strain.min)}–${num(c.strain.max)} (training ${num(c.training.min)}–${num(c.training.max)})`).join('; ')}`,
    );
  }
  if (o.extrapolationNrmse)
    lines.push(`  nRMSE of the prediction against the measurements: ${num(o.extrapolationNrmse.overall)}`);
  lines.push(
    `stiffness ratio along the predicted trajectory up to ${num(d.maxStiffnessRatio)}; recommended method: ${d.recommendation.method} (${d.recommendation.reason})`,
    `steady states of the learned field with ${d.strain}'s final enzyme levels: ${d.steadyStates.length}${d.steadyStates.map((s) => ` [${steadyLabel(s)}]`).join('')}`,
  );
  return lines;
}

/** Report blocks: the findings, the enzyme ranges and the distance / stiffness curves. */
export function diagnosisBlocks(
  run: LearnedDiagnosisRun,
  modelPath: string,
  trainedOn: string[],
  timeLabel: string,
): Block[] {
  const d = run.summary;
  const t = run.stiffness.t;
  const table = [
    '| enzyme | strain min | strain max | training min | training max | outside |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...d.controls.map(
      (c) =>
        `| ${c.name} | ${num(c.strain.min)} | ${num(c.strain.max)} | ${num(c.training.min)} | ${num(c.training.max)} | ${c.outside ? 'yes' : ''} |`,
    ),
  ].join('\n');
  return [
    {
      kind: 'text',
      text: `Model \`${modelPath}\` (trained on ${trainedOn.join(', ')}), strain **${d.strain}**: ${d.ood.flagged ? '**out of distribution**' : 'within the training distribution'}. ${d.ood.reasons.join('; ')}`,
    },
    { kind: 'table', markdown: table },
    {
      kind: 'text',
      text: `Recommended solver along the predicted trajectory: **${d.recommendation.method}** (${d.recommendation.reason}). Steady states of the learned field at the final enzyme levels: ${d.steadyStates.length}${d.steadyStates.map((s) => ` (${steadyLabel(s)})`).join('')}.`,
    },
    {
      kind: 'figure',
      file: 'diagnosis',
      figure: {
        panels: [
          distancePanel({
            t,
            distance: run.ood.distance,
            threshold: run.ood.distanceThreshold,
            time: timeLabel,
          }),
          stiffnessPanel({
            t,
            ratio: run.stiffness.stiffnessRatio,
            time: timeLabel,
            title: 'Stiffness ratio along the predicted trajectory',
          }),
        ],
      },
      caption: `Scaled distance to the nearest training state and enzyme level, and the stiffness ratio, for ${d.strain}`,
    },
  ];
}
