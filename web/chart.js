// SPDX-License-Identifier: MIT
// A grouped SVG bar chart drawn by hand: a group per month (every month given, those without
// figures left empty), a bar per series, axes, ticks and axis titles; swatch() draws a series'
// colour for the key beside it. Numbers only place pixels; tooltips show the exact amounts.

import { groupDigits, monthLabel } from "./format.js";
import { lang, numberLocale, t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const PLOT_HEIGHT = 200;
const MARGIN = { top: 16, right: 16, bottom: 58, left: 84 };
const GROUP_MIN_WIDTH = 16;
const LABEL_WIDTH = 30;     /* Room a month's name needs. */
const WIDTH_MIN = 640;
const TICKS = 5;

function svg(tag, attrs = {}, text = null) {
    const el = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs)) {
        if (value !== null && value !== undefined) {
            el.setAttribute(key, String(value));
        }
    }
    if (text !== null) {
        el.textContent = text;
    }
    return el;
}

/** A round step (1, 2, 2.5 or 5 times a power of ten) giving about TICKS ticks up to max. */
function tickStep(max) {
    const raw = max / TICKS;
    const power = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
    return step || power * 10;
}

/** Tick values in the user's locale, short (1.5M, 150万; lakh and crore for INR in English). */
const compactFormat = (unit) => new Intl.NumberFormat(numberLocale(unit),
    { notation: "compact", maximumFractionDigits: 1 });

function drawAxes(root, { width, top, bottom, left, step, max, scale, unit }) {
    const compact = compactFormat(unit);
    for (let value = 0; value <= max + step / 1e6; value += step) {
        const y = bottom - value * scale;
        root.appendChild(svg("line", { class: "gridline", x1: left, x2: width - MARGIN.right,
            y1: y, y2: y }));
        root.appendChild(svg("text", { class: "tick", x: left - 8, y: y + 4,
            "text-anchor": "end" }, compact.format(value)));
    }
    root.appendChild(svg("line", { class: "axis", x1: left, x2: width - MARGIN.right,
        y1: bottom, y2: bottom }));
    root.appendChild(svg("line", { class: "axis", x1: left, x2: left, y1: top, y2: bottom }));
    const middle = (top + bottom) / 2;
    root.appendChild(svg("text", { class: "axis-title", x: 16, y: middle, "text-anchor": "middle",
        transform: `rotate(-90 16 ${middle})` }, t("chart.valueAxis", { unit })));
    root.appendChild(svg("text", { class: "axis-title", x: (left + width) / 2,
        y: bottom + 50, "text-anchor": "middle" }, t("chart.monthAxis")));
}

/* A tick for every month; its name under every month when there is room, else under every
 * few (always under January, with the year). */
function drawMonths(root, months, { left, bottom, groupWidth }) {
    const every = Math.ceil(LABEL_WIDTH / groupWidth);
    const room = lang() === "ja" ? LABEL_WIDTH + 8 : LABEL_WIDTH;
    let lastLabel = -Infinity;
    months.forEach((month, i) => {
        const x = left + groupWidth * (i + 0.5);
        const number = Number(month.slice(5, 7));
        const [name, year] = lang() === "ja" ? [`${number}月`, `${month.slice(0, 4)}年`]
            : monthLabel(month).split(" ");
        root.appendChild(svg("line", { class: "axis", x1: x, x2: x, y1: bottom, y2: bottom + 4,
            "data-test": "chart-month", "data-month": month }));
        if ((every === 1 || (number - 1) % every === 0) && x - lastLabel >= room) {
            lastLabel = x;
            root.appendChild(svg("text", { class: "tick", x, y: bottom + 16,
                "text-anchor": "middle" }, name || month));
        }
        if (i === 0 || number === 1) {
            root.appendChild(svg("text", { class: "tick year", x, y: bottom + 30,
                "text-anchor": "middle" }, year || ""));
        }
    });
}

/** A square of series i's colour, for a key beside the chart. */
export function swatch(i) {
    const root = svg("svg", { class: "swatch", width: 12, height: 12, viewBox: "0 0 12 12",
        "aria-hidden": "true" });
    root.appendChild(svg("rect", { class: `series-${i % 8}`, width: 12, height: 12, rx: 2 }));
    return root;
}

/** The chart as an <svg>. months: ["2024-06", ...]; series: [{name, values: [{number,
 * text}|null per month]}], the i-th coloured as swatch(i); unit: the currency; title:
 * accessible name; fit: the width available (the chart is wider, and scrolls, when the months
 * need more). */
export function barChart({ months, series, unit, title, fit = WIDTH_MIN }) {
    // On a phone the chart takes the width there is (thinner bars, fewer month names).
    const narrow = fit > 0 && fit < WIDTH_MIN;
    const groupWidth = Math.max(narrow ? 3 : GROUP_MIN_WIDTH, ((narrow ? fit : Math.max(fit,
        WIDTH_MIN)) - MARGIN.left - MARGIN.right) / Math.max(months.length, 1));
    const width = MARGIN.left + MARGIN.right + groupWidth * months.length;
    const height = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom;
    const top = MARGIN.top;
    const bottom = MARGIN.top + PLOT_HEIGHT;
    const peak = Math.max(0, ...series.flatMap((s) => s.values.map((v) => (v ? v.number : 0))));
    const step = tickStep(peak > 0 ? peak : 1);
    const max = Math.ceil((peak > 0 ? peak : 1) / step) * step;
    const scale = PLOT_HEIGHT / max;

    const root = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, width, height,
        role: "img", "aria-label": title });
    root.appendChild(svg("title", {}, title));
    drawAxes(root, { width, top, bottom, left: MARGIN.left, step, max, scale, unit });
    drawMonths(root, months, { left: MARGIN.left, bottom, groupWidth });

    const barWidth = Math.min(28, (groupWidth * 0.8) / Math.max(series.length, 1));
    const groupInset = (groupWidth - barWidth * series.length) / 2;
    series.forEach((s, si) => {
        s.values.forEach((v, mi) => {
            if (!v || v.number <= 0) {
                return;
            }
            const barHeight = Math.max(1, v.number * scale);
            const bar = svg("rect", { class: `bar series-${si % 8}`,
                x: MARGIN.left + groupWidth * mi + groupInset + barWidth * si,
                y: bottom - barHeight, width: Math.max(1, barWidth - 2), height: barHeight,
                "data-test": "chart-bar" });
            bar.appendChild(svg("title", {},
                `${s.name}, ${monthLabel(months[mi])}: ${groupDigits(v.text, unit)} ${unit}`));
            root.appendChild(bar);
        });
    });
    return root;
}
