import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import type { Language } from './types.js';

const STORAGE_KEY = 'supportal.lang';

/** The language before anyone is signed in: the last choice on this browser, else the browser's. */
export function initialLanguage(): Language {
  const saved = window.localStorage.getItem(STORAGE_KEY);
  if (saved === 'de' || saved === 'en') return saved;
  return (navigator.languages ?? [navigator.language]).some((l) => l.toLowerCase().startsWith('de')) ? 'de' : 'en';
}

export async function setLanguage(lang: Language): Promise<void> {
  window.localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  await i18n.changeLanguage(lang);
}

export function currentLanguage(): Language {
  return i18n.language === 'de' ? 'de' : 'en';
}

export async function initI18n(): Promise<void> {
  const lng = initialLanguage();
  document.documentElement.lang = lng;
  await i18n.use(initReactI18next).init({
    resources: { de: { translation: de }, en: { translation: en } },
    lng,
    fallbackLng: 'en',
    // React escapes every string it renders; escaping twice would show &amp; to the user.
    interpolation: { escapeValue: false },
  });
}

export { i18n };
