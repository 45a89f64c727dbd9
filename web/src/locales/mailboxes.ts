/**
 * Texts of the admin's mailboxes page, in both languages (kept in their own file; en.ts and de.ts
 * include them under `mailboxes`).
 */
export const mailboxesEn = {
  title: 'Mailboxes',
  intro: 'Inbound mailboxes Supportal fetches customer replies from, each with its own login. Microsoft 365 and Google Workspace accept only OAuth2; see the setup guide in docs/mailboxes.md.',
  none: 'No mailbox yet. Mails arrive over SMTP (or SUPPORTAL_IMAP_URL) only.',
  key: 'Key', keyHint: 'A stable name: lower-case letters, digits and dashes, e.g. support-de. It cannot be changed later.',
  user: 'Mailbox address (login)', imapUrl: 'IMAP server', imapUrlHint: 'imaps://outlook.office365.com/INBOX, imaps://imap.gmail.com/INBOX or imap[s]://host:port/FOLDER, without user and password.',
  auth: 'Login', authPassword: 'Password', authOAuth2: 'OAuth2',
  preset: 'Provider', presets: { microsoft: 'Microsoft 365 (Exchange Online)', google: 'Google Workspace', oidc: 'Other OAuth2 / OpenID Connect server' },
  tenant: 'Tenant ID', clientId: 'Client ID (application ID)', clientSecret: 'Client secret', password: 'Password',
  credential: 'Credential', credentialSecret: 'Client secret', credentialCertificate: 'Certificate',
  certificatePem: 'Certificate (PEM)', privateKeyPem: 'Private key of the certificate (PEM)',
  issuer: 'Issuer URL', issuerOverride: 'Authority or issuer URL (only for a non-standard cloud; empty = default)', scope: 'Scope', scopeHint: 'Empty = the provider\'s.',
  secretKept: 'Stored (encrypted). Leave empty to keep it.',
  save: 'Save mailbox', saved: 'Mailbox {{key}} saved.', delete: 'Delete', deleted: 'Mailbox {{key}} deleted; its messages stay on the server.',
  connect: 'Connect mailbox', reconnect: 'Connect again', connected: 'Mailbox {{key}} is connected: the refresh token is stored.',
  connectError: { expired: 'The connect link was unknown, used or expired. Start again.', denied: 'The sign-in was cancelled or refused.', exchange_failed: 'The authorization server did not issue a token. Check the client ID and secret, then try again.' },
  fromConfig: 'set in the configuration', edit: 'Edit', newMailbox: 'New mailbox', state: 'State', since: 'since {{at}}',
  states: {
    new: 'Starting', ok: 'Working', not_connected: 'Not connected: use “Connect mailbox”', auth_failed: 'The mail server refused the login',
    grant_revoked: 'Access was revoked or has expired: connect the mailbox again', invalid_client: 'Client ID, secret or certificate refused, or the app is not registered in the tenant',
    tenant_not_found: 'The tenant was not found: check the tenant ID', unreachable: 'The server cannot be reached', error: 'Error',
  },
  relay: {
    title: 'Outgoing relay',
    none: 'No relay is configured (SUPPORTAL_RELAY_URL): mails stay in the local outbox.',
    host: 'Server: {{host}}', oauthMailbox: 'login with OAuth2 as mailbox {{key}}',
    states: { new: 'Nothing sent yet', ok: 'Working', login_refused: 'The relay refused the login', unreachable: 'The relay cannot be reached' },
    advice: {
      login_refused: 'Mails wait in the outbox and are sent once the login works again. Check the relay\'s user and password, or the mailbox\'s OAuth2 app and its SMTP permission (docs/mailboxes.md).',
      unreachable: 'Mails wait in the outbox and are retried. Check the relay\'s host and port, the network and the firewall.',
    },
  },
};

export const mailboxesDe: typeof mailboxesEn = {
  title: 'Postfächer',
  intro: 'Eingangspostfächer, aus denen Supportal Antworten der Kunden abholt, jedes mit eigener Anmeldung. Microsoft 365 und Google Workspace nehmen nur OAuth2 an; siehe die Anleitung in docs/mailboxes.md.',
  none: 'Noch kein Postfach. Mails kommen nur über SMTP (oder SUPPORTAL_IMAP_URL) an.',
  key: 'Schlüssel', keyHint: 'Ein fester Name: Kleinbuchstaben, Ziffern und Bindestriche, z. B. support-de. Er lässt sich später nicht ändern.',
  user: 'Adresse des Postfachs (Anmeldung)', imapUrl: 'IMAP-Server', imapUrlHint: 'imaps://outlook.office365.com/INBOX, imaps://imap.gmail.com/INBOX oder imap[s]://host:port/ORDNER, ohne Benutzer und Passwort.',
  auth: 'Anmeldung', authPassword: 'Passwort', authOAuth2: 'OAuth2',
  preset: 'Anbieter', presets: { microsoft: 'Microsoft 365 (Exchange Online)', google: 'Google Workspace', oidc: 'Anderer OAuth2-/OpenID-Connect-Server' },
  tenant: 'Mandanten-ID (Tenant ID)', clientId: 'Client-ID (Anwendungs-ID)', clientSecret: 'Geheimer Clientschlüssel', password: 'Passwort',
  credential: 'Anmeldedaten', credentialSecret: 'Geheimer Clientschlüssel', credentialCertificate: 'Zertifikat',
  certificatePem: 'Zertifikat (PEM)', privateKeyPem: 'Privater Schlüssel des Zertifikats (PEM)',
  issuer: 'Aussteller-URL (Issuer)', issuerOverride: 'Authority- oder Issuer-URL (nur für eine abweichende Cloud; leer = Standard)', scope: 'Scope', scopeHint: 'Leer = der des Anbieters.',
  secretKept: 'Gespeichert (verschlüsselt). Leer lassen, um ihn zu behalten.',
  save: 'Postfach speichern', saved: 'Postfach {{key}} gespeichert.', delete: 'Löschen', deleted: 'Postfach {{key}} gelöscht; seine Nachrichten bleiben auf dem Server.',
  connect: 'Postfach verbinden', reconnect: 'Erneut verbinden', connected: 'Postfach {{key}} ist verbunden: das Refresh-Token ist gespeichert.',
  connectError: { expired: 'Der Verbindungslink war unbekannt, schon benutzt oder abgelaufen. Bitte neu beginnen.', denied: 'Die Anmeldung wurde abgebrochen oder abgelehnt.', exchange_failed: 'Der Autorisierungsserver hat kein Token ausgestellt. Prüfen Sie Client-ID und Schlüssel und versuchen Sie es erneut.' },
  fromConfig: 'in der Konfiguration festgelegt', edit: 'Bearbeiten', newMailbox: 'Neues Postfach', state: 'Zustand', since: 'seit {{at}}',
  states: {
    new: 'Startet', ok: 'Funktioniert', not_connected: 'Nicht verbunden: „Postfach verbinden“ verwenden', auth_failed: 'Der Mailserver hat die Anmeldung abgelehnt',
    grant_revoked: 'Der Zugriff wurde widerrufen oder ist abgelaufen: Postfach erneut verbinden', invalid_client: 'Client-ID, Schlüssel oder Zertifikat abgelehnt, oder die App ist im Mandanten nicht registriert',
    tenant_not_found: 'Der Mandant wurde nicht gefunden: Mandanten-ID prüfen', unreachable: 'Der Server ist nicht erreichbar', error: 'Fehler',
  },
  relay: {
    title: 'Ausgangsserver (Relay)',
    none: 'Kein Relay eingerichtet (SUPPORTAL_RELAY_URL): Mails bleiben im lokalen Postausgang.',
    host: 'Server: {{host}}', oauthMailbox: 'Anmeldung mit OAuth2 als Postfach {{key}}',
    states: { new: 'Noch nichts gesendet', ok: 'Funktioniert', login_refused: 'Das Relay hat die Anmeldung abgelehnt', unreachable: 'Das Relay ist nicht erreichbar' },
    advice: {
      login_refused: 'Die Mails warten im Postausgang und werden gesendet, sobald die Anmeldung wieder klappt. Prüfen Sie Benutzer und Passwort des Relays oder die OAuth2-App des Postfachs und ihre SMTP-Berechtigung (docs/mailboxes.md).',
      unreachable: 'Die Mails warten im Postausgang und werden erneut versucht. Prüfen Sie Host und Port des Relays, das Netzwerk und die Firewall.',
    },
  },
};
