// 小慢 transition (移行期): the children who turn 18 soon, and those over 18 still in the
// program, with their latest support plan and its transition goals.
import { api, call, type Schemas } from './client';

export type TransitionPage = Schemas['ListOf_TransitionEntryDto'];
export type TransitionEntry = Schemas['TransitionEntryDto'];
export type TransitionStage = Schemas['TransitionStage'];

/** A page of the list: children who turn 18 within `withinMonths` (1–60), and every older one. */
export async function listTransition(withinMonths: number, cursor?: string, limit = 50): Promise<TransitionPage> {
  return (await call(api.GET('/api/v1/transition', { params: { query: { within_months: withinMonths, limit, cursor } } }))).data;
}
