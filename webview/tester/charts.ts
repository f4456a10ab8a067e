// Charts drawn as plain SVG, coloured by the theme's chart variables through CSS classes (tester.css).
import type { LoadPoint } from '../../src/protocol/tester';
import { s } from './dom';

export interface Bar {
  label: string;
  value: number;
}

/**
 * A horizontal bar chart of probabilities (0..1): one row per label, the top one highlighted. For screen readers
 * it is a list named by `title` whose items read "Sneaker: 100.0%" (the full label, which the drawing truncates).
 */
export function barChart(bars: Bar[], title: string): SVGElement {
  const rowH = 24;
  const labelW = 110;
  const valueW = 56;
  const width = 380;
  const barW = width - labelW - valueW;
  const height = bars.length * rowH + 4;
  const svg = s('svg', { class: 'bar-chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'list', 'aria-label': title, preserveAspectRatio: 'xMinYMin meet' });
  svg.appendChild(s('title', {}, title));
  bars.forEach((bar, i) => {
    const y = i * rowH + 2;
    const w = Math.max(1.5, Math.min(1, Math.max(0, bar.value)) * barW);
    const percent = `${(bar.value * 100).toFixed(1)}%`;
    const g = s('g', { class: i === 0 ? 'bar top' : 'bar', role: 'listitem', 'aria-label': `${bar.label}: ${percent}` });
    g.appendChild(s('text', { x: labelW - 8, y: y + rowH / 2 + 1, class: 'bar-label', 'text-anchor': 'end', 'dominant-baseline': 'middle', 'aria-hidden': 'true' }, truncate(bar.label, 20)));
    g.appendChild(s('rect', { x: labelW, y: y + 3, width: barW, height: rowH - 6, rx: 2, class: 'bar-track', 'aria-hidden': 'true' }));
    g.appendChild(s('rect', { x: labelW, y: y + 3, width: w, height: rowH - 6, rx: 2, class: 'bar-fill', 'aria-hidden': 'true' }));
    g.appendChild(s('text', { x: labelW + barW + 8, y: y + rowH / 2 + 1, class: 'bar-value', 'dominant-baseline': 'middle', 'aria-hidden': 'true' }, percent));
    svg.appendChild(g);
  });
  return svg;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const m = v / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

interface Series {
  key: 'p50' | 'p95' | 'p99' | 'rps';
  label: string;
}

/** A line chart over time of some series of the load test's points, with a y axis, grid and legend. */
export function lineChart(points: LoadPoint[], series: Series[], unit: string, title: string, maxSeconds: number): SVGElement {
  const width = 460;
  const height = 150;
  const left = 44;
  const right = 8;
  const top = 8;
  const bottom = 22;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const maxT = Math.max(1000, ...points.map((p) => p.t), Math.min(maxSeconds * 1000, 1000));
  const maxY = niceMax(Math.max(0, ...points.flatMap((p) => series.map((se) => p[se.key]))));
  const x = (t: number): number => left + (t / maxT) * plotW;
  const y = (v: number): number => top + plotH - (v / maxY) * plotH;
  const svg = s('svg', { class: 'line-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
  svg.appendChild(s('title', {}, title));
  for (let i = 0; i <= 4; i++) {
    const v = (maxY * i) / 4;
    svg.appendChild(s('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), class: 'grid' }));
    svg.appendChild(s('text', { x: left - 6, y: y(v), class: 'axis', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, formatAxis(v)));
  }
  svg.appendChild(s('text', { x: left, y: height - 4, class: 'axis' }, '0 s'));
  svg.appendChild(s('text', { x: width - right, y: height - 4, class: 'axis', 'text-anchor': 'end' }, `${(maxT / 1000).toFixed(1)} s`));
  svg.appendChild(s('text', { x: left + 4, y: top + 10, class: 'axis unit' }, unit));
  for (const se of series) {
    if (points.length === 0) continue;
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p[se.key]).toFixed(1)}`).join(' ');
    svg.appendChild(s('path', { d, class: `series ${se.key}` }));
  }
  return svg;
}

function formatAxis(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(v % 1000 === 0 ? 0 : 1)}k`;
  if (v >= 10 || v === 0) return v.toFixed(0);
  return v.toFixed(1);
}
