/** Enum labels and error messages in the current UI language. */
import { useI18n } from 'vue-i18n'
import { enumLabel, enumOptions, type EnumGroup, type Locale } from '@/locales/enums'
import { errorMessage } from '@/locales/errors'

export function useLabels() {
  const { locale } = useI18n()
  const loc = () => locale.value as Locale
  return {
    label: (group: EnumGroup, value: string | null | undefined) => enumLabel(group, value, loc()),
    options: (group: EnumGroup) => enumOptions(group, loc()),
    errorText: (err: unknown) => errorMessage(err, loc()),
  }
}
