/**
 * <VChart> (vue-echarts) loaded on first use: ECharts is fetched only when a chart is shown, so
 * pages without one (the sign-in page, a member's 工作台, the roster) never download it.
 */
import { defineAsyncComponent } from 'vue'

export default defineAsyncComponent(() => import('./echarts'))
