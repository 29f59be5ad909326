/**
 * The Kinetica page: load a table (file picker, drag and drop, or `?data=URL`), correct the
 * guessed columns, pick training and test strains, train in a Web Worker with a live loss chart,
 * then show predictions, metrics and downloads. `?demo` runs the built-in demo; the second view
 * simulates an SBML model. Contract (../shared/API.md, "The web app"): `<html
 * data-kinetica-state>` is `running` while working and `done` or `error` at the end; `#metrics`
 * holds metrics.json and `#error` the message.
 */
import { builtInNetworkColumns } from '@kinetica/reference/web';
import { lossChart, speciesChart, trajectoryCharts } from './charts';
import { guessTable, splitRecord, type TableGuess } from './guess';
import { reportHtml } from './report';
import type {
  EpochFigures,
  ResultView,
  Selection,
  TrainedReply,
  WorkerReply,
  WorkerRequest,
} from './protocol';

type PageState = 'idle' | 'ready' | 'running' | 'done' | 'error' | 'cancelled';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page: #${id} is missing`);
  return el as T;
};

const html = document.documentElement;
const setState = (s: PageState) => html.setAttribute('data-kinetica-state', s);

/** The table loaded (text and name), and the guess made of it. */
let table: { text: string; file: string; guess: TableGuess } | undefined;
let worker: Worker | undefined;
const downloads: string[] = [];

// ---------------------------------------------------------------- messages

function showError(message: string): void {
  const el = $('error');
  el.textContent = `error: ${message}`;
  el.hidden = false;
  setState('error');
}

function clearError(): void {
  const el = $('error');
  el.textContent = '';
  el.hidden = true;
}

function status(text: string): void {
  $('status').textContent = text;
}

// ---------------------------------------------------------------- tabs

function selectTab(id: 'train' | 'sbml', focus = false): void {
  for (const name of ['train', 'sbml'] as const) {
    const tab = $(`tab-${name}`);
    const on = name === id;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`view-${name}`).hidden = !on;
    if (on && focus) tab.focus();
  }
}

function setupTabs(): void {
  $('tab-train').addEventListener('click', () => selectTab('train'));
  $('tab-sbml').addEventListener('click', () => selectTab('sbml'));
  $('tablist').addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight' && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    const onTrain = $('tab-train').getAttribute('aria-selected') === 'true';
    const next = e.key === 'Home' ? 'train' : e.key === 'End' ? 'sbml' : onTrain ? 'sbml' : 'train';
    selectTab(next, true);
  });
}

// ---------------------------------------------------------------- loading a table

const KNOWN = builtInNetworkColumns();

function option(value: string, label = value, selected = false): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  o.selected = selected;
  return o;
}

/** Fill the column and strain forms from the guess (or from the URL's choices). */
function showTable(text: string, file: string, preset?: Partial<Selection>): void {
  const guess = guessTable(text, KNOWN);
  table = { text, file, guess };
  const names = guess.columns.map((c) => c.name);
  if (names.length < 2 || (names.length === 2 && guess.columns.every((c) => c.numeric === 0))) {
    showError(`${file}:1:1: expected a table with a header row and at least a time and a value column`);
    return;
  }
  const time = preset?.time ?? guess.time ?? names[0]!;
  const group = preset?.group ?? guess.group ?? '';
  const timeSel = $<HTMLSelectElement>('time-col');
  timeSel.replaceChildren(...names.map((n) => option(n, n, n === time)));
  const groupSel = $<HTMLSelectElement>('group-col');
  groupSel.replaceChildren(...names.map((n) => option(n, n, n === group)));
  const states = new Set(preset?.states ?? guess.states);
  const controls = new Set(preset?.controls ?? guess.controls);
  const body = $('columns-body');
  body.replaceChildren(
    ...guess.columns.map((c, j) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = c.name;
      const td = document.createElement('td');
      const sel = document.createElement('select');
      sel.id = `role-${j}`;
      sel.dataset.column = c.name;
      sel.setAttribute('aria-label', `role of column ${c.name}`);
      const role = states.has(c.name) ? 'state' : controls.has(c.name) ? 'control' : 'ignore';
      sel.append(
        option('state', 'state (metabolite)', role === 'state'),
        option('control', 'control (protein)', role === 'control'),
        option('ignore', 'not used', role === 'ignore'),
      );
      td.append(sel);
      const info = document.createElement('td');
      info.textContent = c.text > 0 ? 'text' : `${c.numeric} numbers`;
      tr.append(th, td, info);
      return tr;
    }),
  );
  fillGroups(preset);
  $('data-summary').textContent =
    `${file}: ${guess.columns.length} columns, ${guess.groups.length} groups` +
    (guess.network ? ` (columns of the built-in ${guess.network} network proposed)` : '');
  $('setup').hidden = false;
  setState('ready');
}

/** The strains of the chosen group column, each for training, testing or not used. */
function fillGroups(preset?: Partial<Selection>): void {
  if (!table) return;
  const groupCol = $<HTMLSelectElement>('group-col').value;
  const index = table.guess.columns.findIndex((c) => c.name === groupCol);
  const groups: string[] = [];
  const seen = new Set<string>();
  const lines = table.text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (const line of lines.slice(1)) {
    const g = splitRecord(line, table.guess.delimiter)[index];
    if (g !== undefined && g !== '' && !seen.has(g)) {
      seen.add(g);
      groups.push(g);
    }
  }
  const test = new Set(preset?.test ?? groups.slice(-1));
  const train = new Set(preset?.train ?? groups.filter((g) => !test.has(g)));
  $('groups-body').replaceChildren(
    ...groups.map((g, i) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = g;
      const td = document.createElement('td');
      const sel = document.createElement('select');
      sel.id = `group-${i}`;
      sel.dataset.group = g;
      sel.setAttribute('aria-label', `use of strain ${g}`);
      const use = test.has(g) ? 'test' : train.has(g) ? 'train' : 'unused';
      sel.append(
        option('train', 'train on it', use === 'train'),
        option('test', 'hold out and predict', use === 'test'),
        option('unused', 'not used', use === 'unused'),
      );
      td.append(sel);
      tr.append(th, td);
      return tr;
    }),
  );
}

function selection(): Selection {
  const roles = [...document.querySelectorAll<HTMLSelectElement>('#columns-body select')];
  const uses = [...document.querySelectorAll<HTMLSelectElement>('#groups-body select')];
  const time = $<HTMLSelectElement>('time-col').value;
  const group = $<HTMLSelectElement>('group-col').value;
  const pick = (list: HTMLSelectElement[], key: 'column' | 'group', value: string) =>
    list.filter((s) => s.value === value).map((s) => s.dataset[key]!);
  return {
    time,
    group,
    states: pick(roles, 'column', 'state').filter((c) => c !== time && c !== group),
    controls: pick(roles, 'column', 'control').filter((c) => c !== time && c !== group),
    train: pick(uses, 'group', 'train'),
    test: pick(uses, 'group', 'test'),
  };
}

async function loadFile(file: File): Promise<void> {
  clearError();
  if (file.size > 64 * 1024 * 1024) {
    showError(
      `${file.name}: the file has ${file.size.toLocaleString('en-US')} bytes; the page reads tables up to 64 MiB`,
    );
    return;
  }
  showTable(await file.text(), file.name);
}

// ---------------------------------------------------------------- the worker

function stopWorker(): void {
  worker?.terminate();
  worker = undefined;
}

function startWorker(request: WorkerRequest, onDone: (reply: WorkerReply) => void): void {
  stopWorker();
  clearError();
  setState('running');
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'kinetica' });
  worker = w;
  w.onmessage = (e: MessageEvent<WorkerReply>) => {
    const reply = e.data;
    if (reply.type === 'progress') return progress(reply.fraction, reply.message, reply.epoch);
    stopWorker();
    if (reply.type === 'error') {
      $('cancel').hidden = true;
      showError(reply.message);
      return;
    }
    onDone(reply);
  };
  w.onerror = (e) => {
    stopWorker();
    showError(`the worker failed: ${e.message || 'unknown error'}`);
  };
  w.postMessage(request);
}

/** Loss per member and epoch, redrawn at most every 250 ms. */
let losses: number[][] = [];
let redraw = 0;

function progress(fraction: number, message: string, epoch?: EpochFigures): void {
  $<HTMLProgressElement>('progress').value = fraction;
  status(message);
  if (!epoch) return;
  (losses[epoch.member] ??= [])[epoch.epoch] = epoch.loss;
  if (redraw) return;
  redraw = window.setTimeout(() => {
    redraw = 0;
    $('loss-chart').replaceChildren(lossChart(losses, document));
  }, 250);
}

function beginRun(): void {
  losses = [];
  $('progress-section').hidden = false;
  $('results').hidden = true;
  $('cancel').hidden = false;
  $<HTMLProgressElement>('progress').value = 0;
  $('loss-chart').replaceChildren();
  $('metrics').textContent = '';
  status('starting');
}

function train(seedText?: string, epochsText?: string): void {
  if (!table) return;
  const sel = selection();
  const seed = Number(seedText ?? $<HTMLInputElement>('seed').value);
  const epochsValue = epochsText ?? $<HTMLInputElement>('epochs').value;
  const problems: string[] = [];
  if (sel.states.length === 0) problems.push('choose at least one state column');
  if (sel.train.length === 0) problems.push('choose at least one training strain');
  if (sel.test.length === 0) problems.push('choose at least one strain to hold out');
  if (!Number.isInteger(seed) || seed < 0)
    problems.push(`the seed must be an integer ≥ 0, got '${seedText}'`);
  const epochs = epochsValue.trim() === '' ? undefined : Number(epochsValue);
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs >= 1 && epochs <= 100_000))
    problems.push(`epochs must be an integer in [1, 100000], got '${epochsValue}'`);
  if (problems.length > 0) {
    showError(problems.join('; '));
    return;
  }
  beginRun();
  startWorker(
    {
      type: 'train',
      text: table.text,
      file: table.file,
      selection: sel,
      seed,
      ...(epochs !== undefined ? { epochs } : {}),
    },
    (reply) => showResults(reply as TrainedReply),
  );
}

function cancel(): void {
  if (!worker) return;
  stopWorker();
  $('cancel').hidden = true;
  status('cancelled');
  setState('cancelled');
}

// ---------------------------------------------------------------- results

const fmt = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v.toPrecision(3) : 'n/a');

function cell(tag: 'td' | 'th', text: string, scope?: string): HTMLTableCellElement {
  const c = document.createElement(tag);
  c.textContent = text;
  if (scope) c.scope = scope;
  return c;
}

function metricsTable(r: ResultView): HTMLTableElement {
  const t = document.createElement('table');
  const cap = document.createElement('caption');
  const b = r.baselineName ?? 'baseline';
  cap.textContent = `${r.group}: neural ODE vs the strongest baseline (${b}); improvement ${Number.isFinite(r.improvementPct) ? `${r.improvementPct.toFixed(1)}%` : 'n/a'}`;
  const head = document.createElement('tr');
  for (const h of ['state', 'RMSE (neural ODE)', `RMSE (${b})`, 'nRMSE (neural ODE)', `nRMSE (${b})`])
    head.append(cell('th', h, 'col'));
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  for (const s of r.stateNames) {
    const tr = document.createElement('tr');
    tr.append(
      cell('th', s, 'row'),
      cell('td', fmt(r.rmse[s])),
      cell('td', fmt(r.baselineRmse[s])),
      cell('td', fmt(r.nrmse[s])),
      cell('td', fmt(r.baselineNrmse[s])),
    );
    tbody.append(tr);
  }
  const total = document.createElement('tr');
  total.className = 'total';
  total.append(
    cell('th', 'mean over states', 'row'),
    cell('td', ''),
    cell('td', ''),
    cell('td', fmt(r.overallNrmse)),
    cell('td', fmt(r.baselineOverallNrmse)),
  );
  tbody.append(total);
  t.append(cap, thead, tbody);
  return t;
}

function download(name: string, text: string, type: string): HTMLAnchorElement {
  const url = URL.createObjectURL(new Blob([text], { type }));
  downloads.push(url);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.textContent = name;
  a.className = 'download';
  return a;
}

function showResults(reply: TrainedReply): void {
  for (const url of downloads.splice(0)) URL.revokeObjectURL(url);
  $('cancel').hidden = true;
  $<HTMLProgressElement>('progress').value = 1;
  status(`done: trained in ${reply.trainSeconds.toFixed(1)} s (${reply.structure})`);
  const loss = lossChart([reply.loss], document);
  $('loss-chart').replaceChildren(loss);
  const tables = reply.results.map(metricsTable);
  $('metrics-tables').replaceChildren(...tables);
  const figures = reply.results.map((r) => trajectoryCharts(r, reply.time, document));
  const report = reportHtml({
    title: reply.title,
    text: [
      `Trained in this browser in ${reply.trainSeconds.toFixed(1)} s (model: ${reply.structure}); held out ${reply.results.map((r) => r.group).join(', ')}.`,
    ],
    tables: tables.map((t) => t.cloneNode(true) as Element),
    figures: [
      ...figures.map((element, i) => ({
        element: element.cloneNode(true) as Element,
        caption: `${reply.results[i]!.group}: observed, predicted and baseline trajectories`,
      })),
      { element: loss.cloneNode(true) as Element, caption: 'Training loss per epoch' },
    ],
  });
  const files = [
    download('model.json', reply.modelJson, 'application/json'),
    download('metrics.json', reply.metricsJson, 'application/json'),
    download('predictions.csv', reply.predictionsCsv, 'text/csv'),
    download('report.html', report, 'text/html'),
    ...(reply.dataCsv ? [download('data.csv', reply.dataCsv, 'text/csv')] : []),
  ];
  const list = $('downloads');
  list.replaceChildren(
    ...files.map((a) => {
      const li = document.createElement('li');
      li.append(a);
      return li;
    }),
  );
  $('trajectories').replaceChildren(...figures);
  $('metrics').textContent = reply.metricsJson.trim();
  $('results').hidden = false;
  // The results in view (the plots fill a 1280×800 window), their heading read out first.
  $('h-results').focus({ preventScroll: true });
  $('results').scrollIntoView({ block: 'start' });
  setState('done');
}

// ---------------------------------------------------------------- SBML view

let sbml: { xml: string; file: string } | undefined;

function simulateSbml(): void {
  if (!sbml) {
    showSbmlError('choose an SBML file first');
    return;
  }
  const t1 = Number($<HTMLInputElement>('sbml-t1').value);
  const points = Number($<HTMLInputElement>('sbml-points').value);
  if (!(Number.isFinite(t1) && t1 > 0)) {
    showSbmlError('the end time must be a number > 0');
    return;
  }
  if (!(Number.isInteger(points) && points >= 2 && points <= 100_000)) {
    showSbmlError('output points must be an integer in [2, 100000]');
    return;
  }
  $('sbml-error').hidden = true;
  $('sbml-status').textContent = 'simulating';
  setState('running');
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'kinetica-sbml' });
  w.onmessage = (e: MessageEvent<WorkerReply>) => {
    const reply = e.data;
    if (reply.type === 'progress') return;
    w.terminate();
    if (reply.type === 'error') return showSbmlError(`${sbml?.file}: ${reply.message}`);
    if (reply.type !== 'simulated') return;
    $('sbml-status').textContent =
      reply.status === 'success'
        ? `${reply.header.length - 1} species, ${reply.rows.length} output times`
        : `the solve failed: ${reply.message}`;
    $('sbml-chart').replaceChildren(speciesChart(reply.header, reply.rows, document));
    const list = $('sbml-downloads');
    const li = document.createElement('li');
    li.append(download('simulation.csv', reply.csv, 'text/csv'));
    list.replaceChildren(li);
    setState(reply.status === 'success' ? 'done' : 'error');
  };
  w.postMessage({ type: 'sbml', xml: sbml.xml, file: sbml.file, t1, points } satisfies WorkerRequest);
}

function showSbmlError(message: string): void {
  const el = $('sbml-error');
  el.textContent = `error: ${message}`;
  el.hidden = false;
  $('sbml-status').textContent = '';
  setState('error');
}

// ---------------------------------------------------------------- URL parameters

/** A comma-separated URL parameter; names holding commas are quoted, as on the command line. */
function list(params: URLSearchParams, name: string): string[] | undefined {
  const v = params.get(name);
  return v === null || v.trim() === '' ? undefined : splitRecord(v, ',').filter((s) => s !== '');
}

async function fromUrl(params: URLSearchParams): Promise<void> {
  const url = params.get('data')!;
  let target: URL;
  try {
    target = new URL(url, window.location.href);
  } catch {
    showError(`data=${url}: not a URL`);
    return;
  }
  if (target.origin !== window.location.origin) {
    showError(`data=${url}: the page reads tables from its own origin only (${window.location.origin})`);
    return;
  }
  const name = decodeURIComponent(target.pathname.split('/').pop() || 'data.csv');
  let text: string;
  try {
    const response = await fetch(target);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    text = await response.text();
  } catch (err) {
    showError(`${name}: cannot fetch it (${(err as Error).message})`);
    return;
  }
  const preset: Partial<Selection> = {};
  for (const key of ['time', 'group'] as const) {
    const v = params.get(key);
    if (v) preset[key] = v;
  }
  for (const key of ['states', 'controls', 'train', 'test'] as const) {
    const v = list(params, key);
    if (v) preset[key] = v;
  }
  if (params.has('controls') && !preset.controls) preset.controls = [];
  showTable(text, name, preset);
  if (html.getAttribute('data-kinetica-state') === 'error') return;
  const seed = params.get('seed') ?? '0';
  $<HTMLInputElement>('seed').value = seed;
  const epochs = params.get('epochs');
  if (epochs !== null) $<HTMLInputElement>('epochs').value = epochs;
  // Columns or strains named in the URL that the table lacks: one line, as the CLI says it.
  const columns = new Set(table?.guess.columns.map((c) => c.name));
  for (const c of [preset.time, preset.group, ...(preset.states ?? []), ...(preset.controls ?? [])])
    if (c !== undefined && !columns.has(c)) return showError(`${name}:1: no column '${c}' in the header`);
  const groups = new Set(
    [...document.querySelectorAll<HTMLSelectElement>('#groups-body select')].map((s) => s.dataset.group),
  );
  for (const g of [...(preset.train ?? []), ...(preset.test ?? [])])
    if (!groups.has(g)) return showError(`${name}: no group '${g}' in column '${preset.group ?? ''}'`);
  train(seed, epochs ?? '');
}

function runDemo(params: URLSearchParams): void {
  const quick = params.has('quick');
  const int = (name: string, fallback: number, min: number) => {
    const v = params.get(name);
    const n = v === null || v === '' ? fallback : Number(v);
    return Number.isInteger(n) && n >= min ? n : fallback;
  };
  const strains = int('strains', quick ? 5 : 12, 2);
  const test = Math.min(int('test', quick ? 1 : 2, 1), strains - 1);
  const request: WorkerRequest = {
    type: 'demo',
    seed: int('seed', 1, 0),
    strains,
    test,
    epochs: int('epochs', quick ? 40 : 800, 1),
  };
  $('data-summary').textContent =
    `demo: ${strains} simulated limonene strains (Costello & Martin 2018 model), ${test} held out, ${request.epochs} epochs`;
  beginRun();
  startWorker(request, (reply) => showResults(reply as TrainedReply));
}

// ---------------------------------------------------------------- wiring

function setup(): void {
  setupTabs();
  const input = $<HTMLInputElement>('csv-file');
  input.addEventListener('change', () => {
    const f = input.files?.[0];
    if (f) void loadFile(f);
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) void loadFile(f);
  });
  $('group-col').addEventListener('change', () => fillGroups());
  $('train').addEventListener('click', () => train());
  $('cancel').addEventListener('click', cancel);
  $('demo-button').addEventListener('click', () => runDemo(new URLSearchParams('quick')));
  const sbmlInput = $<HTMLInputElement>('sbml-file');
  sbmlInput.addEventListener('change', async () => {
    const f = sbmlInput.files?.[0];
    if (!f) return;
    sbml = { xml: await f.text(), file: f.name };
    $('sbml-error').hidden = true;
    $('sbml-status').textContent = `${f.name} loaded`;
  });
  $('sbml-run').addEventListener('click', simulateSbml);

  const params = new URLSearchParams(window.location.search);
  if (params.has('demo')) runDemo(params);
  else if (params.has('data')) void fromUrl(params);
  else if (params.get('view') === 'sbml') selectTab('sbml');
  else setState('idle');
}

setup();
