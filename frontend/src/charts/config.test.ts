import { describe, expect, it } from "vitest";
import {
  chartConfig,
  countPoints,
  datasetColour,
  EXTRA_COLOURS,
  formatMinutes,
  formatValue,
  parseSpec,
  POINT_RADIUS,
  TOP_PADDING,
  withAlpha,
  type ChartSpec,
  type Palette,
} from "./config.ts";

const palette: Palette = { accent: "#3b5bdb", warning: "#8a5a00", text: "#1b1f29", grid: "#d5d9e2" };

function spec(overrides: Partial<ChartSpec> = {}): ChartSpec {
  return {
    type: "radar",
    labels: ["Clarity", "Depth", "Tradeoffs"],
    datasets: [
      { label: "You", data: [3, null, 4] },
      { label: "Peer", data: [2, 5, 1] },
    ],
    min: 0,
    max: 5,
    title: "Rubric",
    ...overrides,
  };
}

const text = (value: unknown) => JSON.stringify(value);

describe("parseSpec", () => {
  it("accepts each valid type", () => {
    for (const type of ["radar", "bar", "line"] as const) {
      expect(parseSpec(text(spec({ type })))).toEqual(spec({ type }));
    }
  });

  it("accepts empty labels/datasets and ignores extra keys", () => {
    const s = parseSpec(text({ ...spec({ labels: [], datasets: [] }), extra: 1 }));
    expect(s).toEqual(spec({ labels: [], datasets: [] }));
  });

  it("rejects malformed or missing JSON without throwing", () => {
    for (const bad of [null, undefined, "", "   ", "{", "not json", "null", "[]", "42", '"radar"']) {
      expect(parseSpec(bad)).toBeNull();
    }
  });

  it.each([
    ["unknown type", { type: "pie" }],
    ["missing type", { type: undefined }],
    ["labels not array", { labels: "a,b,c" }],
    ["non-string label", { labels: ["a", 2, "c"] }],
    ["datasets not array", { datasets: {} }],
    ["dataset without label", { datasets: [{ data: [1, 2, 3] }] }],
    ["dataset data not array", { datasets: [{ label: "x", data: 3 }] }],
    ["string data point", { datasets: [{ label: "x", data: [1, "2", 3] }] }],
    ["data length mismatch", { datasets: [{ label: "x", data: [1, 2] }] }],
    ["min missing", { min: undefined }],
    ["max not number", { max: "5" }],
    ["min >= max", { min: 5, max: 5 }],
    ["title not string", { title: null }],
  ])("rejects %s", (_name, patch) => {
    expect(parseSpec(text({ ...spec(), ...patch }))).toBeNull();
  });
});

describe("countPoints", () => {
  it("counts non-null points across datasets", () => {
    expect(countPoints(spec())).toBe(5);
    expect(countPoints(spec({ datasets: [] }))).toBe(0);
    expect(countPoints(spec({ datasets: [{ label: "x", data: [null, null, null] }] }))).toBe(0);
  });
});

describe("colours", () => {
  it("uses accent, warning, then the fixed palette", () => {
    expect(datasetColour(0, palette)).toBe(palette.accent);
    expect(datasetColour(1, palette)).toBe(palette.warning);
    expect(datasetColour(2, palette)).toBe(EXTRA_COLOURS[0]);
    expect(datasetColour(2 + EXTRA_COLOURS.length, palette)).toBe(EXTRA_COLOURS[0]);
  });

  it("adds alpha to hex and rgb colours, passes others through", () => {
    expect(withAlpha("#3b5bdb", 0.2)).toBe("rgba(59, 91, 219, 0.2)");
    expect(withAlpha("#fff", 0.5)).toBe("rgba(255, 255, 255, 0.5)");
    expect(withAlpha("rgb(1, 2, 3)", 0.2)).toBe("rgba(1, 2, 3, 0.2)");
    expect(withAlpha("rgba(1, 2, 3, 0.9)", 0.2)).toBe("rgba(1, 2, 3, 0.2)");
    expect(withAlpha("oklch(0.5 0.1 200)", 0.2)).toBe("oklch(0.5 0.1 200)");
  });
});

describe("chartConfig", () => {
  it("radar: r scale min/max, stepSize 1, themed colours, filled areas", () => {
    const cfg = chartConfig(spec(), palette);
    expect(cfg.type).toBe("radar");
    const r = (cfg.options?.scales as Record<string, Record<string, unknown>>).r;
    expect(r).toMatchObject({
      min: 0,
      max: 5,
      ticks: { stepSize: 1, color: palette.text },
      grid: { color: palette.grid },
      angleLines: { color: palette.grid },
      pointLabels: { color: palette.text },
    });
    const [a, b] = cfg.data.datasets;
    expect(a).toMatchObject({ label: "You", data: [3, null, 4], borderColor: palette.accent, fill: true });
    expect(a?.backgroundColor).toBe("rgba(59, 91, 219, 0.2)");
    expect(b).toMatchObject({ label: "Peer", borderColor: palette.warning });
    expect(cfg.data.labels).toEqual(["Clarity", "Depth", "Tradeoffs"]);
  });

  it.each(["bar", "line"] as const)("%s: y min/max, x/y themed, no r scale", (type) => {
    const cfg = chartConfig(spec({ type, min: 1, max: 10 }), palette);
    expect(cfg.type).toBe(type);
    const scales = cfg.options?.scales as Record<string, Record<string, unknown>>;
    expect(scales.r).toBeUndefined();
    expect(scales.y).toMatchObject({ min: 1, max: 10, ticks: { color: palette.text }, grid: { color: palette.grid } });
    expect(scales.x).toMatchObject({ ticks: { color: palette.text }, grid: { color: palette.grid } });
    expect(cfg.data.datasets.map((d) => d.borderColor)).toEqual([palette.accent, palette.warning]);
    // nulls pass through as gaps
    expect(cfg.data.datasets[0]?.data).toEqual([3, null, 4]);
  });

  it("line spans gaps", () => {
    const cfg = chartConfig(spec({ type: "line" }), palette);
    expect(cfg.options).toMatchObject({ spanGaps: true });
    for (const ds of cfg.data.datasets) expect(ds).toMatchObject({ spanGaps: true, fill: false });
  });

  it("title, legend and text colour", () => {
    const cfg = chartConfig(spec(), palette);
    expect(cfg.options?.color).toBe(palette.text);
    expect(cfg.options?.plugins?.title).toMatchObject({ display: true, text: "Rubric", color: palette.text });
    expect(cfg.options?.plugins?.legend).toMatchObject({ display: true, labels: { color: palette.text } });
    const single = chartConfig(spec({ title: "", datasets: [{ label: "x", data: [1, 2, 3] }] }), palette);
    expect(single.options?.plugins?.title?.display).toBe(false);
    expect(single.options?.plugins?.legend?.display).toBe(false);
  });

  it("animation off only when asked (reduced motion / print)", () => {
    expect(chartConfig(spec(), palette).options).not.toHaveProperty("animation");
    expect(chartConfig(spec(), palette, { animate: true }).options).not.toHaveProperty("animation");
    expect(chartConfig(spec(), palette, { animate: false }).options?.animation).toBe(false);
  });

  it("is pure: does not alias or mutate the spec", () => {
    const s = spec();
    const before = structuredClone(s);
    const cfg = chartConfig(s, palette);
    expect(s).toEqual(before);
    expect(cfg.data.labels).not.toBe(s.labels);
    expect(cfg.data.datasets[0]?.data).not.toBe(s.datasets[0]?.data);
  });

  it("cycles extra colours for third+ datasets", () => {
    const datasets = Array.from({ length: 4 }, (_, i) => ({ label: `d${i}`, data: [i, i, i] }));
    const cfg = chartConfig(spec({ type: "bar", datasets }), palette);
    expect(cfg.data.datasets.map((d) => d.borderColor)).toEqual([
      palette.accent,
      palette.warning,
      EXTRA_COLOURS[0],
      EXTRA_COLOURS[1],
    ]);
  });
});

describe("durations (the report's one time format)", () => {
  it.each([
    [5, "5 min"],
    [4 + 32 / 60, "4 min 32 s"],
    [0.75, "45 s"],
    [0, "0 min"],
    [-3, "0 min"],
    [65, "1 h 5 min"],
    [60, "1 h"],
    [60 + 1 / 60, "1 h 0 min 1 s"],
    [0.5 / 60, "0 min"],
  ])("%s minutes reads %s", (minutes, words) => {
    expect(formatMinutes(minutes)).toBe(words);
  });

  it("tooltips use it for minute charts only", () => {
    expect(formatValue(4.5, "minutes")).toBe("4 min 30 s");
    expect(formatValue(4.5)).toBe("4.5");
    expect(formatValue(null, "minutes")).toBe("—");
    const cfg = chartConfig(spec({ type: "bar", format: "minutes" }), palette);
    const label = cfg.options?.plugins?.tooltip?.callbacks?.label as unknown as (item: unknown) => string;
    expect(label({ dataset: { label: "Actual" }, raw: 4.5 })).toBe("Actual: 4 min 30 s");
  });

  it("parseSpec keeps a known format and refuses an unknown one", () => {
    expect(parseSpec(text({ ...spec(), format: "minutes" }))?.format).toBe("minutes");
    expect(parseSpec(text(spec()))).not.toHaveProperty("format");
    expect(parseSpec(text({ ...spec(), format: "hours" }))).toBeNull();
  });
});

describe("a point at the maximum or a single round", () => {
  it("leaves room above the plot for a whole point, and never clips line points", () => {
    for (const type of ["radar", "bar", "line"] as const) {
      const cfg = chartConfig(spec({ type }), palette);
      expect(cfg.options?.layout).toMatchObject({ padding: { top: TOP_PADDING } });
    }
    expect(TOP_PADDING).toBeGreaterThan(POINT_RADIUS * 2);
    const line = chartConfig(spec({ type: "line" }), palette);
    for (const ds of line.data.datasets) expect(ds).toMatchObject({ clip: false, pointRadius: POINT_RADIUS });
  });

  it("centres the only x position of a one-round line chart", () => {
    const one = chartConfig(spec({ type: "line", labels: ["Round 1"], datasets: [{ label: "x", data: [4] }] }), palette);
    expect((one.options?.scales as Record<string, Record<string, unknown>>).x?.offset).toBe(true);
    const many = chartConfig(spec({ type: "line" }), palette);
    expect((many.options?.scales as Record<string, Record<string, unknown>>).x?.offset).toBe(false);
  });
});

describe("a phone-width box", () => {
  it("draws bar and line charts square there, and leaves Chart.js's 2:1 elsewhere", () => {
    for (const type of ["bar", "line"] as const) {
      expect(chartConfig(spec({ type }), palette, { narrow: true }).options?.aspectRatio).toBe(1);
      expect(chartConfig(spec({ type }), palette).options).not.toHaveProperty("aspectRatio");
    }
    expect(chartConfig(spec({ type: "radar" }), palette).options?.aspectRatio).toBe(1);
  });
});

describe("value axis", () => {
  it("shows whole numbers for scores and ratings, any value for minutes", () => {
    for (const type of ["bar", "line"] as const) {
      const scores = chartConfig(spec({ type }), palette).options?.scales as Record<string, Record<string, unknown>>;
      expect(scores.y?.ticks).toMatchObject({ precision: 0 });
      const minutes = chartConfig(spec({ type, format: "minutes" }), palette).options?.scales as Record<
        string,
        Record<string, unknown>
      >;
      expect(minutes.y?.ticks).not.toHaveProperty("precision");
    }
  });
});
