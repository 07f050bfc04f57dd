/**
 * Chinese first, English switchable. `t(key, vars)` reads the current language (a rune),
 * so every template that calls it re-renders on a switch. Texts from the server come as
 * { zh, en } and are picked with `pick()`.
 */
import { MESSAGES, type MessageKey } from './messages'

export type Lang = 'zh' | 'en'
const STORAGE_KEY = 'shuangbai.lang'

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(location.search).get('lang')
  if (fromUrl === 'en' || fromUrl === 'zh') return fromUrl
  try {
    const stored = localStorage.getItem(STORAGE_KEY)
    if (stored === 'en' || stored === 'zh') return stored
  } catch {
    // storage unavailable (private mode): Chinese
  }
  return 'zh'
}

class I18n {
  lang = $state<Lang>(initialLang())

  constructor() {
    document.documentElement.lang = this.lang === 'zh' ? 'zh-CN' : 'en'
  }

  set(lang: Lang): void {
    this.lang = lang
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
    try {
      localStorage.setItem(STORAGE_KEY, lang)
    } catch {
      // not persisted
    }
  }

  /** The BCP 47 locale for number and date formatting. */
  get locale(): string {
    return this.lang === 'zh' ? 'zh-CN' : 'en-GB'
  }
}

export const i18n = new I18n()

/** The message `key` in the current language, with `{name}` placeholders filled from `vars`. */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  const entry = MESSAGES[key]
  let text: string = entry ? entry[i18n.lang === 'zh' ? 0 : 1] : key
  if (vars) for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{${k}}`, String(v))
  return text
}

/** A server text ({ zh, en }) in the current language. */
export function pick(text: { zh: string; en: string } | null | undefined): string {
  if (!text) return ''
  return i18n.lang === 'zh' ? text.zh : text.en
}
