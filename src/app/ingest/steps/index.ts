import type { PipelineStep } from '../pipeline-context.js';
import { parseStep } from './020-parse.js';
import { deduplicateStep } from './025-deduplicate.js';
import { classifyStep } from './030-classify.js';
import { sizeStep } from './035-size.js';
import { authenticateStep } from './040-authenticate.js';
import { matchCaseStep } from './050-match-case.js';
import { authoriseSenderStep } from './060-authorise-sender.js';
import { caseStateStep } from './070-case-state.js';
import { contentStep } from './080-content.js';
import { attachmentsStep } from './090-attachments.js';
import { virusScanStep } from './100-virus-scan.js';

/** The inbound pipeline after 010-store (receive-mail.ts), in order. 110-accept is in accept-reply.ts. */
export const PIPELINE_STEPS: readonly PipelineStep[] = [
  parseStep,
  deduplicateStep,
  classifyStep,
  sizeStep,
  authenticateStep,
  matchCaseStep,
  authoriseSenderStep,
  caseStateStep,
  contentStep,
  attachmentsStep,
  virusScanStep,
];
