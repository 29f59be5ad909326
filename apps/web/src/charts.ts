/**
 * The page's charts: the reference app's chart builders (Observable Plot, the same code that draws
 * the CLI report's figures), given the page's `document`.
 */
import { lossElement, renderPanelsElement, type Series, trajectoriesElement } from '@kinetica/reference/web';
import type { ResultView } from './protocol';

/** Training loss per epoch; one line per ensemble member while training, their mean at the end. */
export function lossChart(members: number[][], doc: Document): Element {
  if (members.length <= 1) return lossElement({ training: members[0] ?? [] }, { document: doc });
  const series: Series[] = members.map((loss, m) => ({
    name: `member ${m + 1}`,
    x: loss.map((_, i) => i + 1),
    y: loss,
  }));
  return renderPanelsElement(
    [{ title: 'Training loss', xLabel: 'epoch', yLabel: 'training loss (MSE, scaled)', logY: true, series }],
    { document: doc, panelWidth: 560, panelHeight: 300, legend: true },
  );
}

/** One held-out group: per state, observed points, the prediction with its band, the baseline. */
export function trajectoryCharts(r: ResultView, time: string, doc: Document): Element {
  return trajectoriesElement(
    {
      group: r.group,
      time,
      states: r.stateNames.map((name, j) => {
        const m = r.measured[j]!;
        const base = r.baseline[j];
        return {
          name,
          observed: { t: m.times, y: m.values },
          predicted: { t: r.grid, y: r.predicted[j]! },
          ...(r.band ? { band: { t: r.grid, lower: r.band.lower[j]!, upper: r.band.upper[j]! } } : {}),
          ...(base && r.baselineName && base.some(Number.isFinite)
            ? { baselines: [{ name: `baseline (${r.baselineName})`, t: r.grid, y: base }] }
            : {}),
        };
      }),
    },
    { document: doc },
  );
}

/** An SBML simulation: every species against time in one panel (at most 12 series drawn). */
export function speciesChart(header: string[], rows: number[][], doc: Document): Element {
  const t = rows.map((r) => r[0]!);
  const names = header.slice(1, 13);
  const series: Series[] = names.map((name, j) => ({ name, x: t, y: rows.map((r) => r[j + 1]!) }));
  return renderPanelsElement(
    [
      {
        title:
          header.length - 1 > names.length
            ? `first ${names.length} of ${header.length - 1} species`
            : 'species',
        xLabel: 'time',
        yLabel: 'amount or concentration',
        series,
      },
    ],
    { document: doc, panelWidth: 720, panelHeight: 380, legend: true },
  );
}
