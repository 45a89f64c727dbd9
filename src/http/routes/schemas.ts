import type { JsonSchema } from '../route-registry.js';
import { CASE_STATUSES, LANGUAGES, USER_ROLES } from '../../domain/case.js';
import { INBOUND_STATUSES, REASON_CODES } from '../../domain/reason-codes.js';

/** JSON schemas shared by the routes: they validate input and describe output in the OpenAPI document. */
export const str = (max: number, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', maxLength: max, ...extra });
export const obj = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({ type: 'object', additionalProperties: false, properties, required });
export const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });

export const caseNumberParams = obj({ number: { type: 'integer', minimum: 1, description: 'The case number.' } }, ['number']);
export const idParams = (name: string, description: string) => obj({ [name]: str(100, { minLength: 1, description }) }, [name]);

export const userSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: str(100), email: str(320), name: str(200), role: { enum: [...USER_ROLES] }, language: { enum: [...LANGUAGES] },
    organisationId: { type: ['string', 'null'] }, orgAdmin: { type: 'boolean' }, emailVerified: { type: 'boolean' }, disabled: { type: 'boolean' },
  },
};

export const caseSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, number: { type: 'integer' }, subject: { type: 'string' }, status: { enum: [...CASE_STATUSES] },
    channel: { enum: ['portal', 'phone'] }, customerId: { type: 'string' }, organisationId: { type: ['string', 'null'] },
    productId: { type: ['string', 'null'] }, version: { type: ['string', 'null'] }, environment: { type: ['string', 'null'] },
    assigneeId: { type: ['string', 'null'] }, createdAt: { type: 'string' }, updatedAt: { type: 'string' }, lastActivityAt: { type: 'string' },
    closedAt: { type: ['string', 'null'] },
  },
};

export const messageSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, caseId: { type: 'string' }, authorId: { type: ['string', 'null'] }, authorEmail: { type: ['string', 'null'] },
    kind: { enum: ['customer_reply', 'agent_reply', 'internal_note'] }, source: { enum: ['portal', 'email', 'phone', 'agent'] },
    bodyText: { type: 'string' }, bodyHtml: { type: ['string', 'null'] }, quotedText: { type: ['string', 'null'] }, createdAt: { type: 'string' },
    authorName: { type: ['string', 'null'], description: 'Who wrote it; a phone case\'s first message: the agent who took the call.' },
    senderUnverified: { type: 'boolean', description: 'Staff only: a mailed reply whose From could not be verified (no SPF or DKIM pass aligned with the From domain), marked by the installation setting.' },
  },
};

export const mailLogSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, receivedAt: { type: 'string' }, subject: { type: ['string', 'null'] }, fromAddress: { type: ['string', 'null'] },
    caseNumber: { type: ['integer', 'null'] }, status: { enum: [...INBOUND_STATUSES] }, reason: { enum: [...REASON_CODES, null] },
    detail: { type: ['string', 'null'] }, processedAt: { type: ['string', 'null'] },
    rawDeleted: { type: ['object', 'null'], description: 'Staff only: the raw source was deleted (reason retention or erasure, afterDays), so there is nothing to download.' },
    refusedFiles: { type: 'array', items: { type: 'string' }, description: 'The attachments the mail was refused for.' },
    caseUrl: { type: ['string', 'null'], description: 'The case in the portal, when the sender may see it.' },
    detailParts: {
      type: 'array',
      description: 'Staff only: the processing notes as codes with their values, in German and English (`untranslated`: shown as written).',
      items: { type: 'object', properties: { code: { type: 'string' }, params: { type: 'object', additionalProperties: { type: 'string' } }, text: { type: 'object', properties: { de: { type: 'string' }, en: { type: 'string' } } }, untranslated: { type: 'boolean' } } },
    },
    senderVerification: { enum: ['verified', 'unverified', null], description: 'Staff only: the sender check on From (an SPF or DKIM pass aligned with the From domain); null when no check ran (mailbox, pipe, check off).' },
  },
};

export const passwordField = str(1000, { minLength: 8 });
export const emailField = str(320, { minLength: 3, format: 'email' });
export const languageField: JsonSchema = { enum: [...LANGUAGES] };
