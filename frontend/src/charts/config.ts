// Pure helpers for the report/progress charts: validate the JSON a Django
// template embeds with json_script, and turn it into a Chart.js config.
// No DOM access here, so everything in this file is unit-testable in Node.
import type { ChartConfiguration } from "chart.js";

export type ChartType = "radar" | "bar" | "line";

export interface ChartDataset {
  label: string;
  data: (number | null)[];
}

/** How values read in tooltips and ticks: plain numbers, or minutes written as a duration. */
export type ValueFormat = "minutes";

export interface ChartSpec {
  type: ChartType;
  labels: string[];
  datasets: ChartDataset[];
  min: number;
  max: number;
  title: string;
  format?: ValueFormat;
}

/** Room above the top of the y scale, so a point at the maximum is drawn whole. */
export const POINT_RADIUS = 4;
export const TOP_PADDING = POINT_RADIUS * 2 + 2;

/**
 * Minutes as the report writes durations (mockroom/feedback/durations.py):
 * "4 min 32 s", "5 min", "45 s", "1 h 5 min", "0 min". Whole seconds; negatives are 0.
 */
export function formatMinutes(minutes: number): string {
  const total = Math.max(0, Math.floor(Math.round(minutes * 60_000) / 1000));
  const hours = Math.floor(total / 3600);
  const mins = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  const parts: string[] = [];
  if (hours) parts.push(`${hours} h`);
  if (mins || (hours && secs)) parts.push(`${mins} min`);
  if (secs) parts.push(`${secs} s`);
  return parts.length ? parts.join(" ") : "0 min";
}

/** A value as tooltips show it. */
export function formatValue(value: number | null, format?: ValueFormat): string {
  if (value === null || !Number.isFinite(value)) return "—";
  return format === "minutes" ? formatMinutes(value) : String(value);
}

/** Colours already resolved from the page's CSS custom properties. */
export interface Palette {
  /** --accent: first dataset. */
  accent: string;
  /** --warning (or FALLBACK_PALETTE.warning): second dataset. */
  warning: string;
  /** --text: ticks, labels, legend, title. */
  text: string;
  /** --border: grid lines. */
  grid: string;
}

export interface ChartOptionsInput {
  /** false for prefers-reduced-motion and for print. Default true. */
  animate?: boolean;
  /** A phone-width box: draw square, so the legend leaves room for the plot. */
  narrow?: boolean;
}

/** Below this width (CSS px) a chart counts as narrow. */
export const NARROW_WIDTH = 560;

export type ChartSpecConfig =
  | ChartConfiguration<"radar", (number | null)[], string>
  | ChartConfiguration<"bar", (number | null)[], string>
  | ChartConfiguration<"line", (number | null)[], string>;

/** Used when a CSS custom property is missing or unparsable. */
export const FALLBACK_PALETTE: Palette = {
  accent: "#3b5bdb",
  // Okabe-Ito vermillion: distinguishable from blue for colour-blind readers.
  warning: "#d55e00",
  text: "#1b1f29",
  grid: "#d5d9e2",
};

/** Datasets 3+ cycle through these (Okabe-Ito, colour-blind safe). */
export const EXTRA_COLOURS: readonly string[] = ["#009e73", "#cc79a7", "#0072b2", "#e69f00", "#56b4e9"];

const TYPES: readonly string[] = ["radar", "bar", "line"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function parseDataset(value: unknown, length: number): ChartDataset | null {
  if (!isRecord(value) || typeof value.label !== "string" || !Array.isArray(value.data)) return null;
  if (value.data.length !== length) return null;
  const data: (number | null)[] = [];
  for (const point of value.data) {
    if (point === null || isFiniteNumber(point)) data.push(point);
    else return null;
  }
  return { label: value.label, data };
}

/**
 * Parse and validate the text of a json_script element. Returns null (never
 * throws) if the JSON is malformed or does not match the contract:
 * known type, string labels, every dataset's data as long as labels and made
 * of finite numbers or null, finite min < max, string title.
 */
export function parseSpec(text: string | null | undefined): ChartSpec | null {
  if (typeof text !== "string" || text.trim() === "") return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(raw)) return null;
  const { type, labels, datasets, min, max, title } = raw;
  if (typeof type !== "string" || !TYPES.includes(type)) return null;
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === "string")) return null;
  if (!Array.isArray(datasets)) return null;
  if (!isFiniteNumber(min) || !isFiniteNumber(max) || min >= max) return null;
  if (typeof title !== "string") return null;
  if (raw.format !== undefined && raw.format !== "minutes") return null;
  const parsed: ChartDataset[] = [];
  for (const ds of datasets) {
    const one = parseDataset(ds, labels.length);
    if (!one) return null;
    parsed.push(one);
  }
  const out: ChartSpec = { type: type as ChartType, labels: labels as string[], datasets: parsed, min, max, title };
  if (raw.format === "minutes") out.format = "minutes";
  return out;
}

/** Number of non-null data points across all datasets. */
export function countPoints(spec: ChartSpec): number {
  let n = 0;
  for (const ds of spec.datasets) for (const p of ds.data) if (p !== null) n += 1;
  return n;
}

/** Colour for the dataset at `index`: accent, warning, then EXTRA_COLOURS. */
export function datasetColour(index: number, palette: Palette): string {
  if (index === 0) return palette.accent;
  if (index === 1) return palette.warning;
  return EXTRA_COLOURS[(index - 2) % EXTRA_COLOURS.length] ?? palette.accent;
}

/**
 * `colour` with the given alpha, for area fills. Handles #rgb, #rrggbb and
 * rgb()/rgba() (what a canvas context normalises colours to); anything else
 * is returned unchanged (opaque).
 */
export function withAlpha(colour: string, alpha: number): string {
  const c = colour.trim();
  let hex = /^#([0-9a-f]{3})$/i.exec(c)?.[1];
  if (hex) hex = hex.replace(/./g, (d) => d + d);
  hex ??= /^#([0-9a-f]{6})$/i.exec(c)?.[1];
  if (hex) {
    const n = parseInt(hex, 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const rgb = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*[\d.]+\s*)?\)$/i.exec(c);
  if (rgb) return `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})`;
  return c;
}

/** Build the Chart.js config for a validated spec. Pure: no DOM access. */
export function chartConfig(spec: ChartSpec, palette: Palette, input: ChartOptionsInput = {}): ChartSpecConfig {
  const animation = input.animate === false ? (false as const) : undefined;
  const labels = [...spec.labels];
  const format = spec.format;
  const plugins = {
    title: { display: spec.title !== "", text: spec.title, color: palette.text },
    legend: { display: spec.datasets.length > 1, labels: { color: palette.text } },
    tooltip: {
      callbacks: {
        label: (item: { dataset: { label?: string }; raw: unknown }) =>
          `${item.dataset.label ?? ""}: ${formatValue(typeof item.raw === "number" ? item.raw : null, format)}`,
      },
    },
  };
  const common = {
    responsive: true,
    // Chart.js's defaults: 2 for bar and line, 1 for radar. A narrow box draws them square.
    ...(input.narrow || spec.type === "radar" ? { aspectRatio: 1 } : {}),
    color: palette.text,
    borderColor: palette.grid,
    ...(animation === false ? { animation } : {}),
    plugins,
    // A point at the scale's maximum sits on the top edge of the plot: leave room for it.
    layout: { padding: { top: TOP_PADDING } },
  };
  const ticks = { color: palette.text };
  // Scores and ratings are whole numbers: no 2.5 on their axis. Minutes may be fractional.
  const valueTicks = format === "minutes" ? ticks : { ...ticks, precision: 0 };
  const grid = { color: palette.grid };

  switch (spec.type) {
    case "radar":
      return {
        type: "radar",
        data: {
          labels,
          datasets: spec.datasets.map((ds, i) => {
            const colour = datasetColour(i, palette);
            return {
              label: ds.label,
              data: [...ds.data],
              borderColor: colour,
              backgroundColor: withAlpha(colour, 0.2),
              pointBackgroundColor: colour,
              fill: true,
              spanGaps: false,
            };
          }),
        },
        options: {
          ...common,
          scales: {
            r: {
              min: spec.min,
              max: spec.max,
              ticks: { ...ticks, stepSize: 1, backdropColor: "transparent" },
              grid,
              angleLines: { color: palette.grid },
              pointLabels: { color: palette.text },
            },
          },
        },
      };
    case "bar":
      return {
        type: "bar",
        data: {
          labels,
          datasets: spec.datasets.map((ds, i) => {
            const colour = datasetColour(i, palette);
            return {
              label: ds.label,
              data: [...ds.data],
              borderColor: colour,
              backgroundColor: withAlpha(colour, 0.75),
              borderWidth: 1,
            };
          }),
        },
        options: {
          ...common,
          scales: {
            x: { ticks, grid },
            y: { min: spec.min, max: spec.max, ticks: valueTicks, grid },
          },
        },
      };
    case "line":
      return {
        type: "line",
        data: {
          labels,
          datasets: spec.datasets.map((ds, i) => {
            const colour = datasetColour(i, palette);
            return {
              label: ds.label,
              data: [...ds.data],
              borderColor: colour,
              backgroundColor: colour,
              pointBackgroundColor: colour,
              pointRadius: POINT_RADIUS,
              fill: false,
              spanGaps: true,
              // Points at the maximum (or minimum) are drawn whole, not cut at the plot edge.
              clip: false as const,
            };
          }),
        },
        options: {
          ...common,
          spanGaps: true,
          scales: {
            // With one round there is one x position: centre it instead of the left edge.
            x: { ticks, grid, offset: labels.length < 2 },
            y: { min: spec.min, max: spec.max, ticks: valueTicks, grid },
          },
        },
      };
  }
}
