// Entry "src/charts/main.ts": renders every
//   <canvas data-chart-source="ID" role="img" aria-label="...">
// from the JSON in <script type="application/json" id="ID"> (Django json_script).
// Never throws: a bad/missing spec marks the canvas data-rendered="error".
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  RadarController,
  RadialLinearScale,
  Title,
  Tooltip,
} from "chart.js";
import {
  chartConfig,
  countPoints,
  FALLBACK_PALETTE,
  NARROW_WIDTH,
  parseSpec,
  type ChartSpec,
  type Palette,
} from "./config.ts";
import { installChartsHook, type ChartLike } from "./testHook.ts";

Chart.register(
  RadarController,
  LineController,
  BarController,
  RadialLinearScale,
  LinearScale,
  CategoryScale,
  PointElement,
  LineElement,
  BarElement,
  Filler,
  Legend,
  Tooltip,
  Title,
);

interface Rendered {
  chart: Chart;
  spec: ChartSpec;
  narrow: boolean;
}

const rendered: Rendered[] = [];
let printing = false;

/** Normalise a CSS colour to something Chart.js/withAlpha understands, or null if invalid. */
function normaliseColour(value: string, ctx: CanvasRenderingContext2D | null): string | null {
  const v = value.trim();
  if (v === "") return null;
  if (!ctx) return v;
  // An invalid colour leaves fillStyle unchanged, so try from two different starts.
  ctx.fillStyle = "#000000";
  ctx.fillStyle = v;
  const a = String(ctx.fillStyle);
  ctx.fillStyle = "#ffffff";
  ctx.fillStyle = v;
  const b = String(ctx.fillStyle);
  return a === b ? a : null;
}

function readPalette(): Palette {
  const style = getComputedStyle(document.documentElement);
  let ctx: CanvasRenderingContext2D | null = null;
  try {
    ctx = document.createElement("canvas").getContext("2d");
  } catch {
    ctx = null;
  }
  const pick = (name: string, fallback: string) => normaliseColour(style.getPropertyValue(name), ctx) ?? fallback;
  return {
    accent: pick("--accent", FALLBACK_PALETTE.accent),
    warning: pick("--warning", FALLBACK_PALETTE.warning),
    text: pick("--text", FALLBACK_PALETTE.text),
    grid: pick("--border", FALLBACK_PALETTE.grid),
  };
}

function reducedMotion(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}

function animate(): boolean {
  return !printing && !reducedMotion();
}

function renderCanvas(canvas: HTMLElement, palette: Palette): void {
  try {
    if (!(canvas instanceof HTMLCanvasElement)) {
      canvas.dataset.rendered = "error";
      return;
    }
    if (Chart.getChart(canvas)) return; // already drawn
    const id = canvas.dataset.chartSource ?? "";
    const source = id ? document.getElementById(id) : null;
    const spec = source instanceof HTMLScriptElement ? parseSpec(source.textContent) : null;
    if (!spec) {
      canvas.dataset.rendered = "error";
      return;
    }
    const narrow = (canvas.parentElement?.clientWidth ?? Infinity) < NARROW_WIDTH;
    const chart = new Chart(canvas, chartConfig(spec, palette, { animate: animate(), narrow }));
    rendered.push({ chart, spec, narrow });
    canvas.dataset.points = String(countPoints(spec));
    canvas.dataset.chartType = spec.type;
    canvas.dataset.rendered = "true";
  } catch (err) {
    canvas.dataset.rendered = "error";
    console.error("chart render failed", err);
  }
}

/** Re-apply colours/animation (colour-scheme or motion preference changed, print). */
function refreshAll(resize: boolean): void {
  const palette = readPalette();
  for (const { chart, spec, narrow } of rendered) {
    try {
      const cfg = chartConfig(spec, palette, { animate: animate(), narrow });
      chart.options = cfg.options ?? {};
      if (resize) chart.resize();
      chart.update("none");
    } catch (err) {
      console.error("chart refresh failed", err);
    }
  }
}

function renderAll(): void {
  const palette = readPalette();
  document.querySelectorAll<HTMLElement>("[data-chart-source]").forEach((c) => renderCanvas(c, palette));
}

function onPrint(start: boolean): void {
  if (printing === start) return;
  printing = start;
  refreshAll(true);
}

function watch(query: string, handler: () => void): void {
  if (typeof matchMedia !== "function") return;
  matchMedia(query).addEventListener("change", handler);
}

function init(): void {
  try {
    renderAll();
    if (import.meta.env.MODE === "e2e") installChartsHook(() => rendered.map((r) => r.chart as unknown as ChartLike));
    window.addEventListener("beforeprint", () => onPrint(true));
    window.addEventListener("afterprint", () => onPrint(false));
    watch("print", () => onPrint(matchMedia("print").matches));
    watch("(prefers-color-scheme: dark)", () => refreshAll(false));
    watch("(prefers-reduced-motion: reduce)", () => refreshAll(false));
  } catch (err) {
    console.error("charts init failed", err);
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init, { once: true });
} else {
  init();
}
