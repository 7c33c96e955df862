// Shared helpers for the runbook unit tests: fixture loading and an in-memory RunbookSource.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Runbook } from '../../../src/runbooks/model';
import { parseRunbook, type ParseOptions } from '../../../src/runbooks/parse';

export const FIXTURES = resolve(__dirname, '../../fixtures/runbooks/messy');
export const SAMPLE_REPO = resolve(__dirname, '../../../runbooks');

export function fixtureText(rel: string): string {
  return readFileSync(join(FIXTURES, rel), 'utf8');
}

/** Parses a fixture as if it lived under the root `/repo`. */
export function parseFixture(rel: string, options?: ParseOptions): Runbook {
  return parseText(rel, fixtureText(rel), options);
}

export function parseText(rel: string, text: string, options?: ParseOptions): Runbook {
  return parseRunbook({ path: `/repo/${rel}`, root: '/repo', text }, options);
}

/** A runbook as markdown, with the usual front matter unless overridden. */
export function runbookText(body: string, frontMatter = 'title: T\nowner: team-a\nalerts: [SomethingBroke]\nlast_reviewed: 2024-05-01'): string {
  return `---\n${frontMatter}\n---\n${body}`;
}
