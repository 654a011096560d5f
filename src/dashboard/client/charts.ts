import uPlot from 'uplot';
import { formatCount, formatMs } from './format.js';
import type { SeriesColumns } from './range.js';

const HEIGHT = 220;
/** Whole numbers only on a count axis. */
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1e6, 2e6, 5e6, 1e7];

const fromZero = (_plot: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, max > 0 ? max * 1.1 : 1];

/** Half a bucket on either side, so the first and last bars are drawn whole. */
const padded = (plot: uPlot, min: number, max: number): uPlot.Range.MinMax => {
  const times = plot.data[0];
  const step = times.length > 1 ? times[1]! - times[0]! : 60;
  return [min - step / 2, max + step / 2];
};

interface ChartKind {
  series: uPlot.Series[];
  axis: uPlot.Axis;
  columns: (all: SeriesColumns) => uPlot.AlignedData;
}

function bars(label: string, color: string, fill: string): uPlot.Series {
  return {
    label,
    stroke: color,
    fill,
    // No outline: an empty bucket draws nothing rather than a line at 0.
    width: 0,
    paths: uPlot.paths.bars!({ size: [0.7, 48] }),
    points: { show: false },
    value: (_plot, value) => formatCount(value),
  };
}

/** A value with no neighbour draws no line: it gets a point, so one busy minute still shows. */
const isolated: uPlot.Series.Points.Filter = (plot, seriesIndex) => {
  const values = plot.data[seriesIndex] ?? [];
  const indices: number[] = [];
  for (let index = 0; index < values.length; index++) {
    if (values[index] != null && values[index - 1] == null && values[index + 1] == null) indices.push(index);
  }
  return indices;
};

function line(label: string, color: string): uPlot.Series {
  return { label, stroke: color, width: 2, spanGaps: false, points: { show: true, size: 7, fill: color, filter: isolated }, value: (_plot, value) => formatMs(value) };
}

const KINDS: Record<'traffic' | 'latency', ChartKind> = {
  traffic: {
    // Errors drawn over requests: the red part of a bar is the share that failed.
    series: [bars('Requests', '#2563eb', 'rgba(37, 99, 235, 0.55)'), bars('Errors', '#dc2626', 'rgba(220, 38, 38, 0.85)')],
    axis: { size: 56, incrs: COUNT_STEPS, values: (_plot, splits) => splits.map((value) => formatCount(value)) },
    columns: ([time, requests, errors]) => [time, requests, errors],
  },
  latency: {
    series: [line('p50', '#059669'), line('p95', '#d97706'), line('p99', '#7c3aed')],
    axis: { size: 64, values: (_plot, splits) => splits.map((value) => formatMs(value)) },
    columns: ([time, , , p50, p95, p99]) => [time, p50, p95, p99],
  },
};

/** A uPlot time series in `container`, as wide as the container, redrawn with each refresh. */
export class TimeSeriesChart {
  readonly #container: HTMLElement;
  readonly #kind: ChartKind;
  #plot: uPlot | undefined;

  constructor(container: HTMLElement, kind: 'traffic' | 'latency') {
    this.#container = container;
    this.#kind = KINDS[kind];
    new ResizeObserver(() => this.#plot?.setSize({ width: this.#width(), height: HEIGHT })).observe(container);
  }

  update(all: SeriesColumns): void {
    const data = this.#kind.columns(all);
    if (this.#plot) {
      this.#plot.setData(data);
      return;
    }
    this.#plot = new uPlot(
      {
        width: this.#width(),
        height: HEIGHT,
        scales: { x: { time: true, range: padded }, y: { range: fromZero } },
        series: [{}, ...this.#kind.series],
        axes: [{}, this.#kind.axis],
        cursor: { drag: { x: false, y: false } },
      },
      data,
      this.#container,
    );
  }

  #width(): number {
    return Math.max(this.#container.clientWidth, 240);
  }
}
