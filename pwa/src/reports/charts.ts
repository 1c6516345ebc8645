// ECharts with only what the dashboard draws (line, bar, grid, tooltip, legend, canvas): its own chunk.
import * as echarts from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export type Chart = echarts.ECharts

export function makeChart(el: HTMLElement): Chart {
  return echarts.init(el, undefined, { renderer: 'canvas' })
}

export function lineOptions(months: string[], series: { label: string; data: (number | null)[] }[]) {
  return {
    tooltip: {
      trigger: 'axis' as const,
      valueFormatter: (v: unknown) => (v === null || v === undefined ? '–' : `${v}%`),
    },
    legend: { type: 'scroll' as const, top: 0 },
    grid: { left: 40, right: 16, top: 40, bottom: 30 },
    xAxis: { type: 'category' as const, data: months },
    yAxis: { type: 'value' as const, min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: series.map((s) => ({ name: s.label, type: 'line' as const, data: s.data, connectNulls: false })),
  }
}

export function barOptions(names: string[], values: (number | null)[], label: string) {
  return {
    tooltip: { trigger: 'axis' as const },
    // containLabel: long community names under the bars are not cut off.
    grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
    xAxis: { type: 'category' as const, data: names, axisLabel: { rotate: 30 } },
    yAxis: { type: 'value' as const, min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [{ name: label, type: 'bar' as const, data: values }],
  }
}
