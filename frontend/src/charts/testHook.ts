/**
 * `window.__mockroomCharts`: what each drawn chart put where, for browser tests (does a point
 * at the maximum fit in the canvas? are one round's points centred, not at x = 0?). Installed
 * only in the e2e build: the caller guards it with `import.meta.env.MODE === "e2e"`.
 */

export interface PointGeometry {
  dataset: number;
  index: number;
  x: number;
  y: number;
  radius: number;
}

export interface ChartGeometry {
  testid: string;
  type: string;
  width: number;
  height: number;
  area: { left: number; top: number; right: number; bottom: number };
  points: PointGeometry[];
}

/** The parts of a Chart.js chart the geometry needs (kept narrow so tests can fake it). */
export interface ChartLike {
  canvas: { dataset: DOMStringMap };
  width: number;
  height: number;
  chartArea: { left: number; top: number; right: number; bottom: number };
  config: { type?: string };
  data: { datasets: unknown[] };
  getDatasetMeta(index: number): {
    data: { x: number; y: number; options?: { radius?: number }; skip?: boolean }[];
  };
}

export function chartGeometry(chart: ChartLike): ChartGeometry {
  const points: PointGeometry[] = [];
  chart.data.datasets.forEach((_, dataset) => {
    chart.getDatasetMeta(dataset).data.forEach((element, index) => {
      if (element.skip || !Number.isFinite(element.x) || !Number.isFinite(element.y)) return;
      points.push({ dataset, index, x: element.x, y: element.y, radius: element.options?.radius ?? 0 });
    });
  });
  const { left, top, right, bottom } = chart.chartArea;
  return {
    testid: chart.canvas.dataset.testid ?? "",
    type: String(chart.config.type ?? ""),
    width: chart.width,
    height: chart.height,
    area: { left, top, right, bottom },
    points,
  };
}

declare global {
  interface Window {
    __mockroomCharts?: () => ChartGeometry[];
  }
}

export function installChartsHook(charts: () => ChartLike[], target: Pick<Window, "__mockroomCharts"> = window): void {
  target.__mockroomCharts = () => charts().map(chartGeometry);
}
