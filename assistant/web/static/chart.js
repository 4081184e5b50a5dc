// A small chart for a statistics result, drawn as inline SVG (no chart library, nothing fetched).
// A line for a time series (the first column is a year, month or date), bars for categories; no
// chart when the result does not fit one (one row, no numbers, several dimensions).

import { svg } from "./dom.js";
import { formatNumber, t } from "./i18n.js";

const TIME_NAME =
  /(^|_)(year|years|month|date|day|period|quarter|yyyymm|ym)($|_)|연도|년도|년월|월|일자|기간|분기|날짜/i;
const TIME_TEXT = /^(\d{4})([-./]\d{1,2}([-./]\d{1,2})?|년(\s*\d{1,2}월)?)?$/;
const MAX_BARS = 40;
const MAX_SERIES = 4;

const isNumber = (value) => typeof value === "number" && Number.isFinite(value);

/** Whether a column holds years, months or dates (then it is an axis, and printed without grouping). */
export function isTimeColumn(name, rows, index) {
  const values = rows.map((row) => row[index]).filter((value) => value !== null && value !== undefined);
  if (!values.length) return false;
  const looksLikeTime = values.every((value) =>
    isNumber(value) ? Number.isInteger(value) && value >= 1800 && value <= 2200 : TIME_TEXT.test(String(value)),
  );
  return looksLikeTime && (TIME_NAME.test(name) || values.every((value) => !isNumber(value)));
}

function numericColumns(result, skip) {
  return result.columns
    .map((_, index) => index)
    .filter((index) => index !== skip && result.rows.every((row) => row[index] === null || isNumber(row[index])))
    .filter((index) => result.rows.some((row) => isNumber(row[index])));
}

/** Which chart fits the result: {type, x, series} or null. */
export function chartPlan(result) {
  if (!result || result.rows.length < 2 || result.columns.length < 2) return null;
  if (isTimeColumn(result.columns[0], result.rows, 0)) {
    const series = numericColumns(result, 0);
    const others = result.columns.length - 1 - series.length;
    // A second dimension (say, year × district) would need one line per group: not drawn.
    if (!series.length || others > 0) return null;
    return { type: "line", x: 0, series: series.slice(0, MAX_SERIES) };
  }
  const label = result.columns.findIndex((_, index) =>
    result.rows.every((row) => row[index] === null || !isNumber(row[index])),
  );
  const values = numericColumns(result, label);
  if (label < 0 || !values.length || result.rows.length > MAX_BARS) return null;
  return { type: "bar", x: label, series: [values[0]] };
}

/** "Nice" axis ticks between min and max (1, 2 or 5 times a power of ten). */
function ticks(min, max, count = 5) {
  if (min === max) {
    min -= Math.abs(min) * 0.1 || 1;
    max += Math.abs(max) * 0.1 || 1;
  }
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= raw);
  const values = [];
  for (let value = Math.floor(min / step) * step; value <= max + step / 2; value += step) {
    values.push(Number(value.toPrecision(12)));
  }
  if (values[values.length - 1] < max) values.push(values[values.length - 1] + step);
  return values;
}

const short = (text, length = 14) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);
const label = (value) => (value === null || value === undefined ? "" : String(value));

function frame(plan, result, width, height) {
  const names = plan.series.map((index) => result.columns[index]).join(", ");
  const title = t(plan.type === "line" ? "chart.line" : "chart.bar", { series: names, x: result.columns[plan.x] });
  return svg(
    "svg",
    { class: `chart chart-${plan.type}`, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title },
    svg("title", {}, title),
  );
}

function lineChart(plan, result, width) {
  const byTime = (a, b) => String(a[plan.x]).localeCompare(String(b[plan.x]), "en", { numeric: true });
  const rows = result.rows.slice().sort(byTime);
  const all = rows.flatMap((row) => plan.series.map((index) => row[index])).filter(isNumber);
  const yTicks = ticks(Math.min(...all), Math.max(...all));
  const [low, high] = [yTicks[0], yTicks[yTicks.length - 1]];
  const tickLabels = yTicks.map((value) => formatNumber(value));
  const legend = plan.series.length > 1;
  const height = Math.round(Math.min(300, Math.max(220, width * 0.5))) + (legend ? 20 : 0);
  const widest = Math.max(...tickLabels.map((text) => text.length));
  const margin = { top: 16, right: 20, bottom: legend ? 56 : 36, left: Math.round(16 + widest * 7.5) };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  // Years are placed by value (a missing year leaves a gap); other time labels one step apart.
  const byValue = rows.every((row) => isNumber(row[plan.x]));
  const positions = rows.map((row, i) => (byValue ? row[plan.x] : i));
  const [first, last] = [positions[0], positions[positions.length - 1]];
  const span = last - first;
  const x = (i) => margin.left + (span === 0 ? plotWidth / 2 : ((positions[i] - first) * plotWidth) / span);
  const y = (value) => margin.top + plotHeight - ((value - low) / (high - low)) * plotHeight;
  const chart = frame(plan, result, width, height);

  yTicks.forEach((value, k) => {
    chart.append(
      svg("line", { class: "grid", x1: margin.left, x2: width - margin.right, y1: y(value), y2: y(value) }),
      svg("text", { class: "tick", x: margin.left - 6, y: y(value) + 4, "text-anchor": "end" }, tickLabels[k]),
    );
  });
  // Time labels about 70px apart; the last one only when it does not run into its neighbour.
  const every = Math.ceil(rows.length / Math.max(3, Math.floor(plotWidth / 70)));
  rows.forEach((row, i) => {
    const lastFits = i === rows.length - 1 && i % every >= every / 2;
    if (i % every === 0 || lastFits) {
      const at = { class: "tick", x: x(i), y: height - margin.bottom + 18, "text-anchor": "middle" };
      chart.append(svg("text", at, label(row[plan.x])));
    }
  });
  plan.series.forEach((column, s) => {
    const points = rows.map((row, i) => [i, row[column]]).filter(([, value]) => isNumber(value));
    const path = points
      .map(([i, value], k) => `${k ? "L" : "M"}${x(i).toFixed(1)},${y(value).toFixed(1)}`)
      .join(" ");
    chart.append(svg("path", { class: `series series-${s}`, d: path }));
    for (const [i, value] of points) {
      chart.append(
        svg(
          "circle",
          { class: `point series-${s}`, cx: x(i), cy: y(value), r: 3 },
          svg("title", {}, `${label(rows[i][plan.x])}: ${formatNumber(value)} (${result.columns[column]})`),
        ),
      );
    }
  });
  if (legend) {
    const step = Math.max(90, Math.floor(plotWidth / plan.series.length));
    plan.series.forEach((column, s) => {
      const left = margin.left + s * step;
      chart.append(
        svg("rect", { class: `legend series-${s}`, x: left, y: height - 16, width: 12, height: 4 }),
        svg("text", { class: "tick", x: left + 16, y: height - 10 }, short(result.columns[column], step / 8)),
      );
    });
  }
  return chart;
}

function barChart(plan, result, width) {
  const [column] = plan.series;
  const bar = 22;
  const values = result.rows.map((row) => (isNumber(row[column]) ? row[column] : 0));
  const widestValue = Math.max(...values.map((value) => formatNumber(value).length));
  const margin = {
    top: 8,
    right: Math.round(12 + widestValue * 7.5),
    bottom: 8,
    left: Math.round(Math.min(140, width * 0.3)),
  };
  const height = margin.top + margin.bottom + result.rows.length * bar;
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values) || 1;
  const plotWidth = width - margin.left - margin.right;
  const x = (value) => margin.left + ((value - low) / (high - low)) * plotWidth;
  const chart = frame(plan, result, width, height);
  result.rows.forEach((row, i) => {
    const top = margin.top + i * bar;
    const value = values[i];
    const name = label(row[plan.x]);
    chart.append(
      svg("text", { class: "tick", x: margin.left - 6, y: top + bar / 2 + 4, "text-anchor": "end" }, short(name)),
      svg(
        "rect",
        {
          class: "bar series-0",
          x: Math.min(x(0), x(value)),
          y: top + 3,
          width: Math.abs(x(value) - x(0)),
          height: bar - 6,
        },
        svg("title", {}, `${name}: ${formatNumber(value)}`),
      ),
      svg(
        "text",
        { class: "tick value", x: Math.max(x(0), x(value)) + 4, y: top + bar / 2 + 4 },
        formatNumber(value),
      ),
    );
  });
  chart.append(svg("line", { class: "axis", x1: x(0), x2: x(0), y1: margin.top, y2: height - margin.bottom }));
  return chart;
}

/** The chart for an SqlResult, or null when none fits. `width` is the room it will have on screen (in
 * CSS pixels): drawn at that size, its labels stay readable on a phone instead of being scaled down. */
export function renderChart(result, width = 640) {
  const plan = chartPlan(result);
  if (!plan) return null;
  const drawnWidth = Math.round(Math.min(720, Math.max(300, width)));
  return plan.type === "line" ? lineChart(plan, result, drawnWidth) : barChart(plan, result, drawnWidth);
}
