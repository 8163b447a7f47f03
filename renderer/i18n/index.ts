/**
 * i18next setup. Every user-visible string goes through `t()`; zh-CN is the default and English
 * the alternative. The choice is persisted in localStorage and mirrored into the UI store so
 * imperative renderers (map tooltips, legends) can follow it.
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zhCN } from './zh-CN.ts';
import { en } from './en.ts';
import { LANGUAGE_KEY, useUiStore, type Language } from '../state/uiStore.ts';

export const i18n: I18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: useUiStore.getState().language,
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
});
document.documentElement.lang = useUiStore.getState().language;

export function setLanguage(language: Language): void {
  try {
    localStorage.setItem(LANGUAGE_KEY, language);
  } catch {
    // NOTE: storage can be disabled by policy on kiosk machines; the switch still applies.
  }
  void i18n.changeLanguage(language);
  document.documentElement.lang = language;
  document.title = i18n.t('app.title');
  useUiStore.setState({ language });
}

/** Translate outside React (map controller, test hooks). */
export const t = (key: string, options?: Record<string, unknown>): string => i18n.t(key, options);
