import { ElMessage } from 'element-plus'
import { i18n } from '@/locales'

export async function copyText(text: string): Promise<void> {
  const { t } = i18n.global
  try {
    await navigator.clipboard.writeText(text)
    ElMessage.success(t('common.copied'))
  } catch {
    ElMessage.warning(t('common.copyFailed'))
  }
}
