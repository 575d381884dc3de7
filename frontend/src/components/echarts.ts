/**
 * vue-echarts' <VChart> with the ECharts parts the SPA draws (bar, line and pie charts; grid,
 * legend and tooltip; canvas). Never import this file statically: use LazyChart, so that ECharts
 * (about half a megabyte) is a chunk of its own, fetched only by a page that shows a chart.
 */
import { use } from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import VChart from 'vue-echarts'

use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export default VChart
