import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from './api.js';
import { currentLanguage, setLanguage } from './i18n.js';
import type { Language, User } from './types.js';

interface Me { user: User; csrfToken: string | null }

export interface Session {
  user: User | null;
  loading: boolean;
  login(email: string, password: string): Promise<User>;
  logout(): Promise<void>;
  setUser(u: User): void;
  /** Switches the language; a signed-in user's profile keeps the choice, so mails follow it too. */
  changeLanguage(lang: Language): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUserState] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);

  const adopt = useCallback(async (me: Me) => {
    setCsrfToken(me.csrfToken);
    setUserState(me.user);
    if (me.user.language !== currentLanguage()) await setLanguage(me.user.language);
  }, []);

  useEffect(() => {
    api
      .get<Me>('/api/auth/me')
      .then(adopt)
      .catch((e: unknown) => {
        if (!(e instanceof ApiError) || e.status !== 401) console.error(e);
      })
      .finally(() => setLoading(false));
  }, [adopt]);

  const value: Session = {
    user,
    loading,
    async login(email, password) {
      const me = await api.post<Me>('/api/auth/login', { email, password });
      await adopt(me);
      return me.user;
    },
    async logout() {
      try {
        await api.post('/api/auth/logout');
      } finally {
        setCsrfToken(null);
        setUserState(null);
      }
    },
    setUser: setUserState,
    async changeLanguage(lang) {
      await setLanguage(lang);
      if (user && user.language !== lang) {
        const r = await api.patch<{ user: User }>('/api/auth/profile', { language: lang });
        setUserState(r.user);
      }
    },
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export function isStaff(u: User | null): boolean {
  return u?.role === 'agent' || u?.role === 'admin';
}
