import { describe, expect, it } from 'vitest';
import { API_SCOPES, WEBHOOK_EVENTS } from '../../api/enums';
import type { ApiClient, Webhook } from '../../api/integrations';
import { toProblem } from '../../api/problem';
import { changedFields, reapplyChanges } from '../../components/forms';
import { en, ja } from '../../i18n/messages';
import { translate } from '../../i18n/translate';
import {
  apiClientCreateBody,
  apiClientPatch,
  DEFAULT_OVERLAP,
  deliveryStateLabel,
  EVENT_GROUPS,
  EVENT_LABELS,
  eventLabel,
  eventsField,
  eventsOf,
  isRevoked,
  isWriteScope,
  lastResponse,
  newestFirst,
  overlapSeconds,
  OVERLAPS,
  previousSecretValid,
  refineProblem,
  REGION_SCOPE_GROUPS,
  SCOPE_GROUPS,
  SCOPE_LABELS,
  scopeGroupsFor,
  scopeLabel,
  scopesField,
  scopesOf,
  setField,
  setOf,
  toApiClientForm,
  tokenEndpoint,
  toWebhookForm,
  webhookCreateBody,
  webhookPatch,
} from './integrationModel';

const ja_ = { t: (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('ja', key, params) };
const en_ = { t: (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('en', key, params) };

const client = {
  id: 'c1',
  center_id: 'x',
  client_id: 'tsu_abc',
  name: '県庁ダッシュボード',
  scopes: ['reports:read', 'patients:read'],
  active: true,
  created_at: '2026-04-01T00:00:00Z',
  updated_at: '2026-04-01T00:00:00Z',
  revoked_at: null,
  previous_secret_expires_at: null,
} as unknown as ApiClient;

const webhook = {
  id: 'w1',
  center_id: 'x',
  url: 'https://example.jp/hook',
  description: null,
  events: ['follow_up.overdue', 'referral.created'],
  active: true,
  created_at: '2026-04-01T00:00:00Z',
  updated_at: '2026-04-01T00:00:00Z',
} as unknown as Webhook;

describe('scopes', () => {
  it('offers a center and an administration their own scopes, each once, reading before writing', () => {
    const center = SCOPE_GROUPS.flatMap((g) => g.values);
    const region = REGION_SCOPE_GROUPS.flatMap((g) => g.values);
    expect(new Set([...center, ...region])).toEqual(new Set(API_SCOPES));
    expect(new Set(center).size).toBe(center.length);
    expect(new Set(region).size).toBe(region.length);
    // An administration's application never reaches a patient; a center grants no regional work.
    expect(region).toEqual(['regional:read', 'regional:write', 'reports:read']);
    expect(center.filter((s) => s.startsWith('regional:'))).toEqual([]);
    expect(scopeGroupsFor('municipal_officer')).toBe(REGION_SCOPE_GROUPS);
    expect(scopeGroupsFor('center_admin')).toBe(SCOPE_GROUPS);
    for (const g of [...SCOPE_GROUPS, ...REGION_SCOPE_GROUPS]) {
      for (const w of g.values.filter(isWriteScope)) {
        expect(g.values.indexOf(w), w).toBeGreaterThan(g.values.indexOf(w.replace(':write', ':read') as never));
      }
    }
    // Personal data first.
    expect(SCOPE_GROUPS[0]?.values).toContain('patients:read');
  });

  it('names every scope and every group, differently, in both languages', () => {
    for (const table of [ja, en] as Record<string, string>[]) {
      const labels = API_SCOPES.map((s) => table[SCOPE_LABELS[s]]);
      expect(labels.every((l) => typeof l === 'string' && l.trim() !== '')).toBe(true);
      expect(new Set(labels).size).toBe(API_SCOPES.length);
      for (const g of [...SCOPE_GROUPS, ...REGION_SCOPE_GROUPS]) expect(table[g.legend], g.id).toBeTruthy();
    }
    expect(scopeLabel(ja_, 'patients:read')).toBe('患者情報の閲覧（同意・情報提供の記録・経過を含む）');
    expect(scopeLabel(en_, 'reports:read')).toBe("Read reports (the ministry's figures and others)");
    // A scope this version does not know is shown as it is.
    expect(scopeLabel(ja_, 'billing:read')).toBe('billing:read');
  });

  it('marks the scopes that write', () => {
    expect(API_SCOPES.filter(isWriteScope)).toEqual([
      'patients:write',
      'consultations:write',
      'referrals:write',
      'follow_ups:write',
      'shoman:write',
      'activities:write',
      'regional:write',
    ]);
  });

  it('keeps a set of scopes as one canonical value, in catalog order', () => {
    expect(scopesField(['reports:read', 'patients:read', 'nonsense'])).toBe('patients:read,reports:read');
    expect(scopesOf('reports:read,patients:read')).toEqual(['patients:read', 'reports:read']);
    expect(scopesOf('')).toEqual([]);
    expect(setField(['a', 'b', 'c'], ['c', 'a'])).toBe('a,c');
    expect(setOf(['a', 'b', 'c'] as const, 'c,x,a')).toEqual(['a', 'c']);
  });
});

describe('webhook events', () => {
  it('groups every event exactly once, each under its own kind of record', () => {
    const grouped = EVENT_GROUPS.flatMap((g) => g.values);
    expect([...grouped].sort()).toEqual([...WEBHOOK_EVENTS].sort());
    expect(new Set(grouped).size).toBe(WEBHOOK_EVENTS.length);
    for (const g of EVENT_GROUPS) {
      for (const e of g.values) expect(e.startsWith(`${g.id}.`), e).toBe(true);
    }
  });

  it('names every event differently in both languages', () => {
    for (const table of [ja, en] as Record<string, string>[]) {
      const labels = WEBHOOK_EVENTS.map((e) => table[EVENT_LABELS[e]]);
      expect(labels.every((l) => typeof l === 'string' && l.trim() !== '')).toBe(true);
      expect(new Set(labels).size).toBe(WEBHOOK_EVENTS.length);
      for (const g of EVENT_GROUPS) expect(table[g.legend], g.id).toBeTruthy();
    }
    expect(eventLabel(ja_, 'follow_up.overdue')).toBe('フォローアップが期限を過ぎた');
    expect(eventLabel(ja_, 'patient.deleted')).toBe('patient.deleted');
  });

  it('keeps a set of events as one canonical value', () => {
    expect(eventsField(['follow_up.overdue', 'referral.created'])).toBe('referral.created,follow_up.overdue');
    expect(eventsOf('follow_up.overdue,referral.created')).toEqual(['referral.created', 'follow_up.overdue']);
  });
});

describe('the API client form', () => {
  it('creates with a trimmed name and the ticked scopes', () => {
    expect(apiClientCreateBody({ name: '  県庁ダッシュボード ', scopes: 'reports:read,patients:read' })).toEqual({
      name: '県庁ダッシュボード',
      scopes: ['patients:read', 'reports:read'],
    });
    expect(apiClientCreateBody({ name: '', scopes: '' })).toEqual({ name: '', scopes: [] });
  });

  it('sees no change when the same scopes come back in another order', () => {
    const form = toApiClientForm(client);
    expect(form).toEqual({ name: '県庁ダッシュボード', scopes: 'patients:read,reports:read' });
    const again = toApiClientForm({ ...client, scopes: ['patients:read', 'reports:read'] });
    expect(changedFields(form, again)).toEqual({});
  });

  it('patches only what changed', () => {
    expect(apiClientPatch({})).toEqual({});
    expect(apiClientPatch({ name: ' 新しい名前 ' })).toEqual({ name: '新しい名前' });
    expect(apiClientPatch({ scopes: 'audit:read' })).toEqual({ scopes: ['audit:read'] });
  });

  it("reapplies a change of scopes over someone else's rename", () => {
    const base = toApiClientForm(client);
    const mine = { ...base, scopes: 'patients:read' };
    const current = { ...base, name: '別の名前' };
    expect(reapplyChanges(base, mine, current)).toEqual({ name: '別の名前', scopes: 'patients:read' });
  });

  it('knows a revoked client and whether the previous secret still works', () => {
    expect(isRevoked(client)).toBe(false);
    expect(isRevoked({ active: false, revoked_at: '2026-04-02T00:00:00Z' })).toBe(true);
    expect(isRevoked({ active: false, revoked_at: null })).toBe(true);
    const now = new Date('2026-04-02T00:00:00Z');
    expect(previousSecretValid({ previous_secret_expires_at: '2026-04-02T01:00:00Z' }, now)).toBe(true);
    expect(previousSecretValid({ previous_secret_expires_at: '2026-04-01T23:59:59Z' }, now)).toBe(false);
    expect(previousSecretValid({ previous_secret_expires_at: null }, now)).toBe(false);
  });

  it('offers the overlaps of a rotation, a day by default as the API', () => {
    expect(OVERLAPS.map((o) => o.seconds)).toEqual([0, 3_600, 86_400, 604_800]);
    expect(overlapSeconds(DEFAULT_OVERLAP)).toBe(86_400);
    expect(overlapSeconds('none')).toBe(0);
    expect(overlapSeconds('7d')).toBe(604_800);
    expect(overlapSeconds('forever')).toBe(86_400);
    // Within the API's limit of 30 days.
    expect(Math.max(...OVERLAPS.map((o) => o.seconds))).toBeLessThanOrEqual(2_592_000);
  });

  it('names the token endpoint on the API origin, else the page origin', () => {
    expect(tokenEndpoint('', 'https://tsunagu.example')).toBe('https://tsunagu.example/api/v1/oauth/token');
    expect(tokenEndpoint('https://api.example/', 'https://app.example')).toBe('https://api.example/api/v1/oauth/token');
  });
});

describe('the webhook form', () => {
  it('creates with the trimmed URL, an optional description and the ticked events', () => {
    expect(
      webhookCreateBody({ url: ' https://example.jp/hook ', description: ' ', events: 'follow_up.overdue,referral.created', active: true }),
    ).toEqual({ url: 'https://example.jp/hook', description: null, events: ['referral.created', 'follow_up.overdue'] });
    expect(webhookCreateBody({ url: 'https://e.jp', description: '県の集計', events: '', active: true }).description).toBe('県の集計');
  });

  it('patches only what changed, clearing an emptied description and pausing', () => {
    const form = toWebhookForm(webhook);
    expect(form).toEqual({ url: 'https://example.jp/hook', description: '', events: 'referral.created,follow_up.overdue', active: true });
    expect(webhookPatch(changedFields(form, { ...form, active: false }))).toEqual({ active: false });
    expect(webhookPatch({ description: '' })).toEqual({ description: null });
    expect(webhookPatch({ url: ' https://example.jp/v2 ', events: 'patient.created' })).toEqual({
      url: 'https://example.jp/v2',
      events: ['patient.created'],
    });
    expect(changedFields(form, toWebhookForm({ ...webhook, events: ['referral.created', 'follow_up.overdue'] }))).toEqual({});
  });
});

describe('the delivery log', () => {
  it('shows the newest first', () => {
    const d = (id: string, created_at: string) => ({ id, created_at });
    expect(
      newestFirst([d('a', '2026-04-01T00:00:00Z'), d('c', '2026-04-03T00:00:00Z'), d('b', '2026-04-02T00:00:00Z')]).map((x) => x.id),
    ).toEqual(['c', 'b', 'a']);
  });

  it('says what the receiver answered last', () => {
    expect(lastResponse(ja_, { attempts: 0, last_status: null, last_error: null })).toBe('未送信');
    expect(lastResponse(ja_, { attempts: 1, last_status: 204, last_error: null })).toBe('HTTP 204');
    expect(lastResponse(ja_, { attempts: 3, last_status: 500, last_error: 'server error' })).toBe('HTTP 500 — server error');
    expect(lastResponse(ja_, { attempts: 1, last_status: 503, last_error: 'HTTP 503' })).toBe('HTTP 503');
    expect(lastResponse(en_, { attempts: 2, last_status: null, last_error: 'connection refused' })).toBe(
      'No answer — connection refused',
    );
  });

  it('names the states, and shows an unknown one as it is', () => {
    expect(deliveryStateLabel(ja_, 'delivered')).toBe('配信済み');
    expect(deliveryStateLabel(en_, 'failed')).toBe('Failed (gave up)');
    expect(deliveryStateLabel(ja_, 'archived')).toBe('archived');
  });
});

describe('problems', () => {
  it('asks to choose at least one scope or event instead of "enter something"', () => {
    const p = toProblem(422, {
      code: 'validation_failed',
      errors: [
        { field: 'scopes', code: 'required', message: 'grant at least one scope' },
        { field: 'name', code: 'required', message: 'must not be empty' },
      ],
    });
    expect(refineProblem(p)?.errors.map((e) => `${e.field}:${e.code}`)).toEqual(['scopes:choose_at_least_one', 'name:required']);
    const other = toProblem(422, { code: 'validation_failed', errors: [{ field: 'url', code: 'invalid_url', message: 'x' }] });
    expect(refineProblem(other)).toBe(other);
    expect(refineProblem(null)).toBeNull();
  });
});
