// Rules of the case that the screens need before asking the server: the referral level's
// four steps, and which consent lets data go to an agency. The server decides for real;
// these only let the screens show the right controls and warnings. Which consent scopes
// cover an agency is the server's to say (each agency names them): nothing here decides it.
import { LEVELS, type ConsentScope, type Level } from '../api/enums';

export type LevelRank = 1 | 2 | 3 | 4;

/** 1 (information only) to 4 (accompanied, with follow-up). */
export function levelRank(level: Level): LevelRank {
  return (LEVELS.indexOf(level) + 1) as LevelRank;
}

/** The four-step badge: filled dots up to the level, '●●○○' for level 2. */
export function levelDots(level: Level): string {
  const rank = levelRank(level);
  return '●'.repeat(rank) + '○'.repeat(LEVELS.length - rank);
}

/** From phone mediation up, the patient's data goes to the agency: shared items and a consent are needed. */
export function levelPassesData(level: Level): boolean {
  return levelRank(level) >= 2;
}

/** Level 4 promises follow-up: the first one is scheduled automatically. */
export function levelPromisesFollowUp(level: Level): boolean {
  return level === 'accompanied_with_follow_up';
}

/** The levels above `level`, lowest first (what anyone on the case may raise it to). */
export function levelsAbove(level: Level): Level[] {
  return LEVELS.filter((l) => levelRank(l) > levelRank(level));
}

export interface ConsentLike {
  readonly given_on: string;
  readonly withdrawn_on?: string | null;
  readonly scope: string;
}

/** In force on `day`: given on or before it, and not withdrawn by then (a withdrawal takes effect that day). */
export function consentInForce(c: ConsentLike, day: string): boolean {
  return c.given_on <= day && (c.withdrawn_on == null || c.withdrawn_on > day);
}

/** What the API says of an agency: its type, and the consent scopes that cover it. */
export interface AgencyLike {
  readonly agency_type: string;
  readonly consent_scopes: readonly ConsentScope[];
}

/**
 * The consent scopes the API names for agencies of `agencyType` (the same for every agency
 * of a type), or null when no agency of that type is known.
 */
export function consentScopesFor(agencies: readonly AgencyLike[], agencyType: string): readonly ConsentScope[] | null {
  return agencies.find((a) => a.agency_type === agencyType)?.consent_scopes ?? null;
}

/**
 * The consent that lets data go to an agency on `day` (the latest given): one in force
 * whose scope is among the agency's `scopes`, or undefined. Without scopes (no agency
 * chosen yet): the latest consent in force at all.
 */
export function consentCovering<C extends ConsentLike>(
  consents: readonly C[],
  scopes: readonly string[] | null,
  day: string,
): C | undefined {
  return [...consents]
    .filter((c) => consentInForce(c, day))
    .filter((c) => scopes === null || scopes.includes(c.scope))
    .sort((a, b) => (a.given_on < b.given_on ? 1 : a.given_on > b.given_on ? -1 : 0))[0];
}
