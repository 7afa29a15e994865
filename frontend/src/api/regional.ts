// Regional councils (地域協議会, part 2): the administrations (自治体) and their centers, the
// regional issues an officer moves through the PDCA cycle with measures, live figures and
// comments, the yearly publication, and its public page (no sign-in).
import createClient from 'openapi-fetch';
import { API_ORIGIN, api, call, versioned, type Schemas, type Versioned } from './client';
import { FILE_TYPES, asFile, type DownloadedFile, type FileFormat } from './reports';
import { ApiError, networkProblem, toProblem } from './problem';
import type { paths } from './schema';

export type Administration = Schemas['AdministrationDto'];
export type CreateAdministration = Schemas['CreateAdministration'];
export type UpdateAdministration = Schemas['UpdateAdministration'];
export type RegionalIssue = Schemas['RegionalIssueDto'];
export type RegionalIssueDetail = Schemas['RegionalIssueDetailDto'];
export type CreateRegionalIssue = Schemas['CreateRegionalIssue'];
export type UpdateRegionalIssue = Schemas['UpdateRegionalIssue'];
export type IssueStage = Schemas['IssueStage'];
export type IssueCategory = Schemas['IssueCategory'];
export type Measure = Schemas['MeasureDto'];
export type CreateMeasure = Schemas['CreateMeasure'];
export type MeasureStatus = Schemas['MeasureStatus'];
export type LinkedFigure = Schemas['LinkedFigureDto'];
export type LinkFigure = Schemas['LinkFigure'];
export type FigureKind = Schemas['FigureKind'];
export type FigureValue = Schemas['FigureValueDto'];
export type StageChange = Schemas['StageChangeDto'];
export type IssueComment = Schemas['IssueCommentDto'];
export type PublicationSummary = Schemas['PublicationSummaryDto'];
export type Publication = Schemas['PublicationDto'];
export type ShownValue = Schemas['ShownValueDto'];
export type RegionalCouncilsReport = Schemas['RegionalCouncilsReport'];

// --- administrations ---------------------------------------------------------------------

export async function listAdministrations(cursor?: string, limit = 50) {
  return (await call(api.GET('/api/v1/administrations', { params: { query: { limit, cursor } } }))).data;
}

export async function getAdministration(id: string): Promise<Versioned<Administration>> {
  return versioned(await call(api.GET('/api/v1/administrations/{id}', { params: { path: { id } } })));
}

export async function createAdministration(body: CreateAdministration, idempotencyKey: string): Promise<Administration> {
  return (await call(api.POST('/api/v1/administrations', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

export async function updateAdministration(id: string, body: UpdateAdministration, etag: string): Promise<Versioned<Administration>> {
  return versioned(
    await call(api.PATCH('/api/v1/administrations/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })),
  );
}

/** An officer's own administration: the only one their list holds. */
export async function ownAdministration(): Promise<Administration | null> {
  const page = await listAdministrations(undefined, 1);
  return page.items[0] ?? null;
}

// --- regional issues ---------------------------------------------------------------------

export interface IssueFilter {
  readonly stage?: IssueStage;
  readonly category?: IssueCategory;
}

export async function listRegionalIssues(filter: IssueFilter, cursor?: string, limit = 200) {
  return (await call(api.GET('/api/v1/regional-issues', { params: { query: { ...filter, limit, cursor } } }))).data;
}

/** Every issue (an administration has tens, not thousands), following the cursor. */
export async function allRegionalIssues(filter: IssueFilter = {}): Promise<RegionalIssue[]> {
  const out: RegionalIssue[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRegionalIssues(filter, cursor);
    out.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

export async function getRegionalIssue(id: string): Promise<Versioned<RegionalIssueDetail>> {
  return versioned(await call(api.GET('/api/v1/regional-issues/{id}', { params: { path: { id } } })));
}

export async function createRegionalIssue(body: CreateRegionalIssue, idempotencyKey: string): Promise<RegionalIssue> {
  return (await call(api.POST('/api/v1/regional-issues', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

export async function updateRegionalIssue(id: string, body: UpdateRegionalIssue, etag: string): Promise<Versioned<RegionalIssue>> {
  return versioned(
    await call(api.PATCH('/api/v1/regional-issues/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })),
  );
}

/** Moves an issue to another stage with the reason; answers the issue with its new ETag. */
export async function changeStage(id: string, toStage: IssueStage, reason: string, etag: string) {
  const { data, response } = await call(
    api.POST('/api/v1/regional-issues/{id}/stage-changes', {
      params: { path: { id }, header: { 'If-Match': etag } },
      body: { to_stage: toStage, reason },
    }),
  );
  return { issue: { data: data.issue, etag: response.headers.get('ETag') ?? '' } as Versioned<RegionalIssue>, change: data.change };
}

export async function listStageChanges(id: string): Promise<StageChange[]> {
  return (await call(api.GET('/api/v1/regional-issues/{id}/stage-changes', { params: { path: { id } } }))).data;
}

export async function createMeasure(id: string, body: CreateMeasure, idempotencyKey: string): Promise<Measure> {
  return (
    await call(
      api.POST('/api/v1/regional-issues/{id}/measures', { params: { path: { id } }, body, headers: { 'Idempotency-Key': idempotencyKey } }),
    )
  ).data;
}

/**
 * The ETag of a record read in a list (lists carry versions, not headers): the server tags
 * version 3 as `"v3"`.
 */
export function etagOfVersion(version: number): string {
  return `"v${version}"`;
}

/** A measure's status, at the version listed with its issue. */
export async function setMeasureStatus(issueId: string, measure: Measure, status: MeasureStatus): Promise<Measure> {
  return (
    await call(
      api.PATCH('/api/v1/regional-issues/{id}/measures/{measure_id}', {
        params: { path: { id: issueId, measure_id: measure.id }, header: { 'If-Match': etagOfVersion(measure.version) } },
        body: { status },
      }),
    )
  ).data;
}

export async function linkFigure(id: string, body: LinkFigure, idempotencyKey: string): Promise<LinkedFigure> {
  return (
    await call(
      api.POST('/api/v1/regional-issues/{id}/figures', { params: { path: { id } }, body, headers: { 'Idempotency-Key': idempotencyKey } }),
    )
  ).data;
}

export async function unlinkFigure(id: string, figureId: string): Promise<void> {
  const { error, response } = await api
    .DELETE('/api/v1/regional-issues/{id}/figures/{figure_id}', { params: { path: { id, figure_id: figureId } } })
    .catch((e: unknown) => {
      throw new ApiError(networkProblem(e));
    });
  if (!response.ok) throw new ApiError(toProblem(response.status, error ?? null, response.headers));
}

export async function listComments(id: string): Promise<IssueComment[]> {
  return (await call(api.GET('/api/v1/regional-issues/{id}/comments', { params: { path: { id } } }))).data;
}

export async function addComment(id: string, body: string, idempotencyKey: string): Promise<IssueComment> {
  return (
    await call(
      api.POST('/api/v1/regional-issues/{id}/comments', {
        params: { path: { id } },
        body: { body },
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    )
  ).data;
}

// --- publication -------------------------------------------------------------------------

const JSON_ONLY = { Accept: 'application/json' } as const;

export async function getPublicationPreview(id: string, fiscalYear: number): Promise<PublicationSummary> {
  return (
    await call(
      api.GET('/api/v1/administrations/{id}/publication-preview', {
        params: { path: { id }, query: { fiscal_year: String(fiscalYear) } },
        headers: JSON_ONLY,
      }),
    )
  ).data as PublicationSummary;
}

export function downloadPublicationPreview(id: string, fiscalYear: number, format: FileFormat): Promise<DownloadedFile> {
  return asFile(
    api.GET('/api/v1/administrations/{id}/publication-preview', {
      params: { path: { id }, query: { fiscal_year: String(fiscalYear) } },
      headers: { Accept: FILE_TYPES[format] },
      parseAs: 'blob',
    }),
    `publication-preview-${fiscalYear}.${format}`,
  );
}

export async function listPublications(id: string): Promise<Publication[]> {
  return (await call(api.GET('/api/v1/administrations/{id}/publications', { params: { path: { id } } }))).data;
}

export async function publish(id: string, fiscalYear: number, idempotencyKey: string): Promise<Publication> {
  return (
    await call(
      api.POST('/api/v1/administrations/{id}/publications', {
        params: { path: { id } },
        body: { fiscal_year: fiscalYear },
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    )
  ).data;
}

/** The public page's calls: no token, no cookie. */
const anonymous = createClient<paths>({ baseUrl: API_ORIGIN });

export async function getPublicSummary(code: string, fiscalYear: number): Promise<PublicationSummary> {
  return (
    await call(
      anonymous.GET('/api/v1/public/administrations/{code}/summary', {
        params: { path: { code }, query: { fiscal_year: String(fiscalYear) } },
        headers: JSON_ONLY,
      }),
    )
  ).data as PublicationSummary;
}

/** The address of a published summary's file, for a plain link (no sign-in needed). */
export function publicSummaryFileUrl(code: string, fiscalYear: number, format: FileFormat): string {
  const query = new URLSearchParams({ fiscal_year: String(fiscalYear), format });
  return `${API_ORIGIN}/api/v1/public/administrations/${encodeURIComponent(code)}/summary?${query.toString()}`;
}

// --- the ministry's part-2 tables --------------------------------------------------------

export async function getRegionalCouncilsReport(fiscalYear: number): Promise<RegionalCouncilsReport> {
  return (
    await call(
      api.GET('/api/v1/reports/regional-councils', { params: { query: { fiscal_year: String(fiscalYear) } }, headers: JSON_ONLY }),
    )
  ).data as RegionalCouncilsReport;
}

export function downloadRegionalCouncilsReport(fiscalYear: number, format: FileFormat): Promise<DownloadedFile> {
  return asFile(
    api.GET('/api/v1/reports/regional-councils', {
      params: { query: { fiscal_year: String(fiscalYear) } },
      headers: { Accept: FILE_TYPES[format] },
      parseAs: 'blob',
    }),
    `regional-councils-${fiscalYear}.${format}`,
  );
}
