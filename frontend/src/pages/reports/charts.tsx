// The two charts of the Reports screen, drawn with Chart.js on a canvas. A canvas says
// nothing to assistive technology by itself: each chart has an accessible name and a
// description, and the page shows the same figures in a table right below it.
import { BarElement, CategoryScale, Chart as ChartJS, LinearScale, Tooltip, type ChartOptions, type Plugin } from 'chart.js';
import { Bar } from 'react-chartjs-2';
import { INK, textColorOn, wrapLabel, type StackedDataset } from './reportModel';

// Only what bar charts need, so the rest of Chart.js stays out of the bundle.
ChartJS.register(CategoryScale, LinearScale, BarElement, Tooltip);

const GRID = '#e6e6e6'; // Neutral Solid Gray 100
const MUTED = '#4d4d4d'; // Neutral Solid Gray 700
const BAR = '#3460fb'; // Primitive Blue 600

function fontFamily(): string {
  // The page's own font (the design system's Noto Sans JP stack), so the charts match the text.
  return getComputedStyle(document.documentElement).fontFamily || 'sans-serif';
}

ChartJS.defaults.color = INK;
ChartJS.defaults.font.size = 14;

/**
 * Writes each segment's percentage inside it, like the ministry's figure, where it fits; in
 * near-black or white, whichever reads better on the segment's colour.
 */
function segmentLabels(colors: readonly string[], emptyLabel: string): Plugin<'bar'> {
  return {
    id: 'tsunaguSegmentLabels',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      ctx.save();
      ctx.font = `bold 13px ${fontFamily()}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      chart.data.datasets.forEach((dataset, di) => {
        const meta = chart.getDatasetMeta(di);
        if (meta.hidden) return;
        meta.data.forEach((element, index) => {
          const value = dataset.data[index];
          if (typeof value !== 'number' || value <= 0) return;
          const { x, y, base } = element.getProps(['x', 'y', 'base'], true) as { x: number; y: number; base: number };
          const text = `${Math.round(value)}%`;
          if (ctx.measureText(text).width + 8 > Math.abs(x - base)) return;
          ctx.fillStyle = textColorOn(colors[di] ?? '#ffffff');
          ctx.fillText(text, (x + base) / 2, y);
        });
      });
      // A row with nothing to show says so, rather than leaving a blank that reads as missing.
      const first = chart.getDatasetMeta(0);
      ctx.font = `13px ${fontFamily()}`;
      ctx.textAlign = 'left';
      ctx.fillStyle = MUTED;
      first.data.forEach((element, index) => {
        const empty = chart.data.datasets.every((d) => !d.data[index]);
        if (!empty) return;
        const { y } = element.getProps(['y'], true) as { y: number };
        ctx.fillText(emptyLabel, chart.chartArea.left + 8, y);
      });
      ctx.restore();
    },
  };
}

/**
 * The referral-level figure: one horizontal bar per agency type, stacked to 100 %, one
 * segment per answer. `describedBy` names the elements that describe it (a summary and the
 * note pointing at the table).
 */
export function LevelChart({
  labels,
  datasets,
  title,
  describedBy,
  emptyLabel,
  tooltip,
}: {
  labels: string[];
  datasets: StackedDataset[];
  title: string;
  describedBy: string;
  /** Written in a row without any data. */
  emptyLabel: string;
  /** The tooltip line of one segment. */
  tooltip: (dataset: StackedDataset, index: number) => string;
}) {
  const options: ChartOptions<'bar'> = {
    indexAxis: 'y',
    responsive: true,
    maintainAspectRatio: false,
    // Figures, not a show: no animation (and nothing to trouble people who avoid motion).
    animation: false,
    font: { family: fontFamily() },
    scales: {
      x: {
        stacked: true,
        min: 0,
        max: 100,
        grid: { color: GRID },
        ticks: { stepSize: 20, callback: (v) => `${v}%`, font: { family: fontFamily() } },
      },
      y: {
        stacked: true,
        grid: { display: false },
        ticks: {
          autoSkip: false,
          font: { family: fontFamily(), size: 14 },
          // Long agency names in lines, up to about a third of the chart's width (7 px a unit).
          callback(value) {
            return wrapLabel(this.getLabelForValue(Number(value)), Math.max(12, Math.floor((this.chart.width * 0.32) / 7)));
          },
        },
      },
    },
    plugins: {
      tooltip: {
        callbacks: {
          label: (item) => {
            const ds = datasets[item.datasetIndex];
            return ds ? tooltip(ds, item.dataIndex) : '';
          },
        },
      },
    },
  };
  const data = {
    labels,
    datasets: datasets.map((d) => ({
      label: d.label,
      data: d.data,
      backgroundColor: d.backgroundColor,
      borderColor: '#ffffff',
      borderWidth: 1,
      barPercentage: 0.75,
    })),
  };
  return (
    // Taller rows on narrow screens, where the agency names take several lines.
    <div className="relative w-full [--row:5rem] md:[--row:3.5rem]" style={{ height: `calc(${labels.length} * var(--row) + 3rem)` }}>
      <Bar
        // Chart.js takes plugins once, at creation: a new language or series makes a new chart.
        key={`${emptyLabel}-${datasets.length}`}
        data={data}
        options={options}
        plugins={[segmentLabels(datasets.map((d) => d.backgroundColor), emptyLabel)]}
        role="img"
        aria-label={title}
        aria-describedby={describedBy}
        data-testid="level-chart"
      />
    </div>
  );
}

/** Consultations per month: one bar per month of the period. */
export function MonthChart({
  labels,
  counts,
  seriesLabel,
  title,
  describedBy,
}: {
  labels: string[];
  counts: number[];
  seriesLabel: string;
  title: string;
  describedBy: string;
}) {
  const options: ChartOptions<'bar'> = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    font: { family: fontFamily() },
    scales: {
      x: { grid: { display: false }, ticks: { font: { family: fontFamily() } } },
      y: { beginAtZero: true, grid: { color: GRID }, ticks: { precision: 0, font: { family: fontFamily() } } },
    },
  };
  const data = { labels, datasets: [{ label: seriesLabel, data: counts, backgroundColor: BAR, maxBarThickness: 48 }] };
  return (
    <div className="relative h-64 w-full">
      <Bar data={data} options={options} role="img" aria-label={title} aria-describedby={describedBy} data-testid="month-chart" />
    </div>
  );
}

/**
 * Counts per category (project kinds, need kinds): one horizontal bar each, so long
 * Japanese names fit on a phone. The same figures are in a table right below it.
 */
export function CountChart({
  labels,
  counts,
  seriesLabel,
  title,
  describedBy,
  testId,
}: {
  labels: string[];
  counts: number[];
  seriesLabel: string;
  title: string;
  describedBy: string;
  testId: string;
}) {
  const options: ChartOptions<'bar'> = {
    indexAxis: 'y',
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    font: { family: fontFamily() },
    scales: {
      x: { beginAtZero: true, grid: { color: GRID }, ticks: { precision: 0, font: { family: fontFamily() } } },
      y: {
        grid: { display: false },
        ticks: {
          autoSkip: false,
          font: { family: fontFamily(), size: 14 },
          callback(value) {
            return wrapLabel(this.getLabelForValue(Number(value)), Math.max(8, Math.floor((this.chart.width * 0.35) / 7)));
          },
        },
      },
    },
  };
  const data = { labels, datasets: [{ label: seriesLabel, data: counts, backgroundColor: BAR, maxBarThickness: 36 }] };
  return (
    <div className="relative w-full" style={{ height: `calc(${labels.length} * 2.75rem + 3rem)` }}>
      <Bar data={data} options={options} role="img" aria-label={title} aria-describedby={describedBy} data-testid={testId} />
    </div>
  );
}
