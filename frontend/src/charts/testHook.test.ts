import { describe, expect, it } from "vitest";
import { chartGeometry, installChartsHook, type ChartLike } from "./testHook.ts";

function fake(): ChartLike {
  return {
    canvas: { dataset: { testid: "progress-chart" } },
    width: 400,
    height: 200,
    chartArea: { left: 30, top: 10, right: 390, bottom: 180 },
    config: { type: "line" },
    data: { datasets: [{}, {}] },
    getDatasetMeta: (i: number) => ({
      data:
        i === 0
          ? [{ x: 210, y: 10, options: { radius: 4 } }]
          : [{ x: Number.NaN, y: 0 }, { x: 100, y: 50, skip: true }],
    }),
  };
}

describe("window.__mockroomCharts", () => {
  it("reports each chart's drawn points, leaving out skipped ones", () => {
    expect(chartGeometry(fake())).toEqual({
      testid: "progress-chart",
      type: "line",
      width: 400,
      height: 200,
      area: { left: 30, top: 10, right: 390, bottom: 180 },
      points: [{ dataset: 0, index: 0, x: 210, y: 10, radius: 4 }],
    });
  });

  it("is installed on the target it is given", () => {
    const target: Pick<Window, "__mockroomCharts"> = {};
    installChartsHook(() => [fake()], target);
    expect(target.__mockroomCharts?.()).toHaveLength(1);
  });
});
