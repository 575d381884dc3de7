/** A confirmation dialog before destructive actions; resolves true when confirmed. */
import { ElMessageBox } from 'element-plus'
import { i18n } from '@/locales'

export async function confirmDanger(message: string, confirmText?: string): Promise<boolean> {
  const { t } = i18n.global
  try {
    await ElMessageBox.confirm(message, t('common.dangerTitle'), {
      type: 'warning',
      confirmButtonText: confirmText ?? t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      confirmButtonClass: 'el-button--danger',
      autofocus: false,
    })
    return true
  } catch {
    return false
  }
}
