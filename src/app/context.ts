import type { Clock, PasswordHasher, Store } from './ports.js';
import type { Language } from '../domain/case.js';
import type { MailComposer } from './outbound/mail-composer.js';

/** What the mail rules need to know about this installation. */
export interface MailSettings {
  mailDomain: string;
  supportAddress: string;
  noreplyAddress: string;
  bounceAddress: string;
  publicUrl: string;
  caseTokenLabel: string;
  plusAddressing: boolean;
  defaultLanguage: Language;
  secret: string;
  /** True when a relay is configured: mails are queued for sending, else held in the local outbox. */
  relayConfigured: boolean;
  autoMailsPerSenderPerHour: number;
  maxMessageBytes: number;
  productName: string;
}

/** Everything a use case may use, handed over by the composition root. */
export interface AppContext {
  store: Store;
  clock: Clock;
  hasher: PasswordHasher;
  mail: MailSettings;
  composer: MailComposer;
}

/**
 * The slice of the AppContext a use-case module reaches: the Store sub-stores `S` it names and the
 * context fields `C`. Each module declares its own (`type Deps = AppSlice<'cases' | 'audit', 'clock'>`),
 * so that its signature says what it uses and the type checker keeps that true; the composition
 * root still hands over the whole context, which fits every slice.
 */
export type AppSlice<S extends keyof Store = never, C extends Exclude<keyof AppContext, 'store'> = never> = { store: Pick<Store, S> } & Pick<AppContext, C>;
