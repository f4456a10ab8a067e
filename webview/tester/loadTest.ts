// The Load test tab: repeats the last request N times at a concurrency, within a time limit (the host runs it),
// with live p50/p95/p99 and requests per second, charts over time and a summary to copy.
import { testerLimits, type HostMessage, type LoadPoint, type MessageOf, type ResultView } from '../../src/protocol/tester';
import { lineChart } from './charts';
import { button, type ValueElement } from './controls';
import { formatMs, h, replace } from './dom';
import type { PanelContext } from './panelContext';

type LoadProgress = MessageOf<HostMessage, 'loadtest/progress'>['progress'];
type LoadSummary = MessageOf<HostMessage, 'loadtest/finished'>['summary'];

export interface LoadTestTab {
  panel: HTMLElement;
  /** The last request changed: say what a test would repeat (none yet: Start is disabled). */
  renderWhat(): void;
  progress(p: LoadProgress): void;
  finished(summary: LoadSummary, text: string): void;
  failed(message: string): void;
}

const numberField = (id: string, max: number, label: string): ValueElement =>
  h('vscode-textfield', { id, type: 'number', min: '1', max: String(max), 'aria-label': label }) as ValueElement;

export function createLoadTestTab(ctx: PanelContext): LoadTestTab {
  const { state } = ctx;
  let running = false;
  let points: LoadPoint[] = [];
  let summaryText = '';

  const loadN = numberField('load-n', testerLimits.maxLoadRequests, 'Number of requests');
  const loadC = numberField('load-c', testerLimits.maxLoadConcurrency, 'Concurrency');
  const loadD = numberField('load-d', testerLimits.maxLoadDurationS, 'Time limit in seconds');
  const start = button('Start', { icon: 'play', id: 'load-start' });
  const stop = button('Stop', { secondary: true, icon: 'debug-stop', disabled: true, id: 'load-stop' });
  const what = h('p', { class: 'muted' });
  const live = h('div', { class: 'load-live', id: 'load-live', role: 'status', 'aria-live': 'polite' });
  const charts = h('div', { class: 'load-charts', id: 'load-charts' });
  const summary = h('pre', { class: 'summary', id: 'load-summary', hidden: true, tabindex: '0', role: 'region', 'aria-label': 'Load test summary' });
  const copy = button('Copy summary', { secondary: true, icon: 'copy', hidden: true, id: 'load-copy' });
  const panel = h(
    'vscode-tab-panel',
    {},
    what,
    h(
      'div',
      { class: 'row wrap load-form' },
      h('div', { class: 'field' }, h('vscode-label', { for: 'load-n' }, 'Requests'), loadN),
      h('div', { class: 'field' }, h('vscode-label', { for: 'load-c' }, 'Concurrency'), loadC),
      h('div', { class: 'field' }, h('vscode-label', { for: 'load-d' }, 'Time limit (s)'), loadD),
      h('div', { class: 'field end' }, h('div', { class: 'row' }, start, stop)),
    ),
    live,
    charts,
    summary,
    h('div', { class: 'row' }, copy),
  );
  loadN.value = String(state.loadRequests);
  loadC.value = String(state.loadConcurrency);
  loadD.value = String(state.loadDurationS);

  const readInt = (field: ValueElement, min: number, max: number, label: string): number | undefined => {
    const n = Number(field.value);
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.notice('error', `${label} must be a whole number from ${min} to ${max}.`);
      field.focus();
      return undefined;
    }
    return n;
  };

  const setRunning = (on: boolean): void => {
    running = on;
    start.disabled = on;
    stop.disabled = !on;
  };

  const drawCharts = (): void => {
    replace(
      charts,
      h('div', { class: 'legend' }, h('span', { class: 'key p50' }, 'p50'), h('span', { class: 'key p95' }, 'p95'), h('span', { class: 'key p99' }, 'p99'), h('span', { class: 'key rps' }, 'requests/s')),
      lineChart(points, [{ key: 'p50', label: 'p50' }, { key: 'p95', label: 'p95' }, { key: 'p99', label: 'p99' }], 'ms', 'Latency percentiles over time', state.loadDurationS),
      lineChart(points, [{ key: 'rps', label: 'requests/s' }], 'req/s', 'Requests per second over time', state.loadDurationS),
    );
  };

  const renderWhat = (): void => {
    const last: ResultView | undefined = state.lastResult;
    what.textContent = last
      ? `Repeats the last request: ${last.summary} → ${last.url}. Up to ${testerLimits.maxLoadRequests.toLocaleString('en-US')} requests, ${testerLimits.maxLoadDurationS} s at most.`
      : 'Send one request first: the load test repeats it.';
    start.disabled = !last || running;
  };

  const startLoad = (): void => {
    const requests = readInt(loadN, 1, testerLimits.maxLoadRequests, 'Requests');
    const concurrency = requests === undefined ? undefined : readInt(loadC, 1, testerLimits.maxLoadConcurrency, 'Concurrency');
    const maxDurationS = concurrency === undefined ? undefined : readInt(loadD, 1, testerLimits.maxLoadDurationS, 'The time limit');
    if (requests === undefined || concurrency === undefined || maxDurationS === undefined) return;
    Object.assign(state, { loadRequests: requests, loadConcurrency: concurrency, loadDurationS: maxDurationS });
    ctx.save();
    ctx.notice();
    points = [];
    summary.hidden = true;
    copy.hidden = true;
    setRunning(true);
    replace(live, 'Starting…');
    drawCharts();
    ctx.post({ type: 'loadtest/start', requests, concurrency, maxDurationS });
  };

  start.addEventListener('click', startLoad);
  stop.addEventListener('click', () => ctx.post({ type: 'loadtest/stop' }));
  copy.addEventListener('click', () => ctx.post({ type: 'clipboard/copy', text: summaryText }));
  renderWhat();
  drawCharts();

  return {
    panel,
    renderWhat,
    progress(p) {
      points.push(p.point);
      replace(
        live,
        h('span', { class: 'metric' }, `${p.completed} / ${state.loadRequests} done`),
        h('span', { class: 'metric' }, `${p.failed} failed`),
        h('span', { class: 'metric' }, `${(p.elapsedMs / 1000).toFixed(1)} s`),
        h('span', { class: 'metric' }, `p50 ${formatMs(p.point.p50)} · p95 ${formatMs(p.point.p95)} · p99 ${formatMs(p.point.p99)}`),
        h('span', { class: 'metric' }, `${p.point.rps.toFixed(0)} req/s`),
      );
      drawCharts();
    },
    finished(s, text) {
      setRunning(false);
      points = s.points;
      drawCharts();
      replace(
        live,
        h('span', { class: `pill status ${s.failed === 0 ? 'ok' : 'err'}` }, s.stoppedBy === 'completed' ? 'Done' : s.stoppedBy === 'time-limit' ? 'Time limit reached' : 'Stopped'),
        h('span', { class: 'metric' }, `${s.succeeded} ok, ${s.failed} failed`),
        h('span', { class: 'metric' }, `${s.rps.toFixed(1)} req/s`),
        h('span', { class: 'metric' }, `p50 ${formatMs(s.latency.p50)} · p95 ${formatMs(s.latency.p95)} · p99 ${formatMs(s.latency.p99)}`),
      );
      summaryText = text;
      summary.textContent = text;
      summary.hidden = false;
      copy.hidden = false;
      renderWhat();
    },
    failed(message) {
      setRunning(false);
      replace(live, '');
      ctx.notice('error', message);
      renderWhat();
    },
  };
}
