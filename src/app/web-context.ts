import type { AppContext } from './context.js';
import type { Store } from './ports.js';
import type { CatalogStore, OrganisationAdminStore } from './admin/ports.js';
import type { ApiTokenStore, AttemptStore, OneTimeTokenStore, SessionStore, UserSettingsStore } from './auth/ports.js';
import type { DirectoryQueries, MailAdminStore, MailReader, ReportQueries } from './desk/ports.js';
import type { LiveQueries, PortalEventBus } from './live/ports.js';
import type { PortalSearch, UploadGate, ZipListing } from './portal/ports.js';
import type { InstallationSettings } from './settings/installation-settings.js';

/**
 * Every store the web use cases may use, one per port (`src/db/stores/web.ts` assembles them).
 * A use case names the few it needs in its own parameter type; this bundle is what the
 * composition root hands over.
 *
 * Inside a `store.transaction()` callback these stores join that transaction (the database
 * adapter binds them to the transaction's connection), so a use case may read and write both in
 * one unit of work.
 */
export interface WebStore {
  readonly sessions: SessionStore;
  readonly apiTokens: ApiTokenStore;
  readonly oneTimeTokens: OneTimeTokenStore;
  readonly attempts: AttemptStore;
  readonly settings: UserSettingsStore;
  readonly search: PortalSearch;
  readonly live: LiveQueries;
  readonly reports: ReportQueries;
  readonly directory: DirectoryQueries;
  readonly catalog: CatalogStore;
  readonly organisations: OrganisationAdminStore;
  readonly mailAdmin: MailAdminStore;
}

/** The AppContext plus the web store: what the auth and portal use cases receive. */
export interface WebContext extends AppContext {
  web: WebStore;
  /** The attachment inspection for uploads; absent: uploads with files are refused (unavailable). */
  uploads?: UploadGate | null;
  /** Live-update wake-ups; absent: the streams rely on their poll alone. */
  events?: PortalEventBus;
}

/**
 * The web context of the portal's use cases: the web store plus the installation settings an
 * admin edits and the ZIP listing of the case page (buildApp assembles it).
 */
export interface PortalContext extends WebContext {
  installation: InstallationSettings;
  zipListing: ZipListing;
  /** Reads a stored mail for the desk (a rejected mail's text and files); absent: such views answer mail_unreadable. */
  mailReader?: MailReader | null;
}

/**
 * The slice of the PortalContext a web use-case module reaches: the Store sub-stores `S`, the web
 * stores `W` and the context fields `C` it names (see AppSlice). Kysely's four-method `Dialect` is
 * the model: a module that only reads sessions gets a port that only has sessions.
 */
export type WebSlice<S extends keyof Store = never, W extends keyof WebStore = never, C extends Exclude<keyof PortalContext, 'store' | 'web'> = never> = {
  store: Pick<Store, S>;
  web: Pick<WebStore, W>;
} & Pick<PortalContext, C>;
