// Regional councils (地域協議会), their members, meetings and papers, the issues a meeting
// discussed, a council member's confidentiality pledge, and comments on regional issues.
import { api, call, versioned, type Schemas, type Versioned } from './client';
import { ApiError, networkProblem, toProblem } from './problem';
import { fileNameFrom, type DownloadedFile } from './reports';

export type Council = Schemas['CouncilDto'];
export type CreateCouncil = Schemas['CreateCouncil'];
export type UpdateCouncil = Schemas['UpdateCouncil'];
export type CouncilMember = Schemas['CouncilMemberDto'];
export type CreateCouncilMember = Schemas['CreateCouncilMember'];
export type UpdateCouncilMember = Schemas['UpdateCouncilMember'];
export type MemberAccount = Schemas['MemberAccountDto'];
export type Meeting = Schemas['MeetingDto'];
export type CreateMeeting = Schemas['CreateMeeting'];
export type UpdateMeeting = Schemas['UpdateMeeting'];
export type Attachment = Schemas['AttachmentDto'];
export type RegionalIssue = Schemas['RegionalIssueDto'];
export type RegionalIssueDetail = Schemas['RegionalIssueDetailDto'];
export type IssueComment = Schemas['IssueCommentDto'];

export const councilKeys = {
  all: ['councils'] as const,
  list: (parentId?: string) => ['councils', 'list', parentId ?? ''] as const,
  council: (id: string) => ['councils', 'one', id] as const,
  members: (id: string) => ['councils', 'one', id, 'members'] as const,
  member: (id: string, memberId: string) => ['councils', 'one', id, 'members', memberId] as const,
  meetings: (id: string) => ['councils', 'one', id, 'meetings'] as const,
  meeting: (id: string) => ['councils', 'meetings', id] as const,
  attachments: (id: string) => ['councils', 'meetings', id, 'attachments'] as const,
  meetingIssues: (id: string) => ['councils', 'meetings', id, 'issues'] as const,
  issues: ['councils', 'regional-issues'] as const,
  issue: (id: string) => ['councils', 'regional-issues', id] as const,
  comments: (id: string) => ['councils', 'regional-issues', id, 'comments'] as const,
};

/** Every page of a cursor list (councils, members and meetings number in the dozens). */
async function everyPage<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor?: string | null }>) {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    out.push(...p.items);
    cursor = p.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

export function listCouncils(parentId?: string): Promise<Council[]> {
  return everyPage(async (cursor) =>
    (await call(api.GET('/api/v1/councils', { params: { query: { limit: 200, cursor, parent_id: parentId } } }))).data,
  );
}

export async function getCouncil(id: string): Promise<Versioned<Council>> {
  return versioned(await call(api.GET('/api/v1/councils/{id}', { params: { path: { id } } })));
}

export async function createCouncil(body: CreateCouncil, idempotencyKey: string): Promise<Council> {
  return (await call(api.POST('/api/v1/councils', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

export async function updateCouncil(id: string, body: UpdateCouncil, etag: string): Promise<Versioned<Council>> {
  return versioned(await call(api.PATCH('/api/v1/councils/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })));
}

export function listMembers(id: string): Promise<CouncilMember[]> {
  return everyPage(async (cursor) =>
    (await call(api.GET('/api/v1/councils/{id}/members', { params: { path: { id }, query: { limit: 200, cursor } } }))).data,
  );
}

export async function getMember(id: string, memberId: string): Promise<Versioned<CouncilMember>> {
  return versioned(
    await call(api.GET('/api/v1/councils/{id}/members/{member_id}', { params: { path: { id, member_id: memberId } } })),
  );
}

export async function createMember(id: string, body: CreateCouncilMember, idempotencyKey: string): Promise<CouncilMember> {
  return (
    await call(
      api.POST('/api/v1/councils/{id}/members', { params: { path: { id } }, body, headers: { 'Idempotency-Key': idempotencyKey } }),
    )
  ).data;
}

export async function updateMember(
  id: string,
  memberId: string,
  body: UpdateCouncilMember,
  etag: string,
): Promise<Versioned<CouncilMember>> {
  return versioned(
    await call(
      api.PATCH('/api/v1/councils/{id}/members/{member_id}', {
        params: { path: { id, member_id: memberId }, header: { 'If-Match': etag } },
        body,
      }),
    ),
  );
}

/** Gives the member a sign-in; the temporary password is answered this once only. */
export async function createMemberAccount(id: string, memberId: string, login: string): Promise<MemberAccount> {
  return (
    await call(
      api.POST('/api/v1/councils/{id}/members/{member_id}/account', {
        params: { path: { id, member_id: memberId } },
        body: { login },
      }),
    )
  ).data;
}

export function listMeetings(id: string): Promise<Meeting[]> {
  return everyPage(async (cursor) =>
    (await call(api.GET('/api/v1/councils/{id}/meetings', { params: { path: { id }, query: { limit: 200, cursor } } }))).data,
  );
}

export async function createMeeting(id: string, body: CreateMeeting, idempotencyKey: string): Promise<Meeting> {
  return (
    await call(
      api.POST('/api/v1/councils/{id}/meetings', { params: { path: { id } }, body, headers: { 'Idempotency-Key': idempotencyKey } }),
    )
  ).data;
}

export async function getMeeting(id: string): Promise<Versioned<Meeting>> {
  return versioned(await call(api.GET('/api/v1/meetings/{id}', { params: { path: { id } } })));
}

export async function updateMeeting(id: string, body: UpdateMeeting, etag: string): Promise<Versioned<Meeting>> {
  return versioned(await call(api.PATCH('/api/v1/meetings/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })));
}

export async function listAttachments(id: string): Promise<Attachment[]> {
  return (await call(api.GET('/api/v1/meetings/{id}/attachments', { params: { path: { id } } }))).data.items;
}

/** Uploads a paper as raw bytes with its own media type; the server refuses others (415) and big ones (413). */
export async function uploadAttachment(id: string, file: File): Promise<Attachment> {
  return (
    await call(
      api.POST('/api/v1/meetings/{id}/attachments', {
        params: { path: { id }, query: { file_name: file.name } },
        body: file as never,
        bodySerializer: (b: unknown) => b as BodyInit,
        headers: { 'Content-Type': file.type || 'application/octet-stream' },
      }),
    )
  ).data;
}

export async function downloadAttachment(meetingId: string, attachment: Attachment): Promise<DownloadedFile> {
  const { data, response } = await call(
    api.GET('/api/v1/meetings/{id}/attachments/{attachment_id}', {
      params: { path: { id: meetingId, attachment_id: attachment.id } },
      parseAs: 'blob',
    }),
  );
  return { blob: data, fileName: fileNameFrom(response.headers.get('Content-Disposition'), attachment.file_name) };
}

export async function deleteAttachment(meetingId: string, attachmentId: string): Promise<void> {
  const result = await api
    .DELETE('/api/v1/meetings/{id}/attachments/{attachment_id}', {
      params: { path: { id: meetingId, attachment_id: attachmentId } },
    })
    .catch((e: unknown) => {
      throw new ApiError(networkProblem(e));
    });
  if (!result.response.ok) throw new ApiError(toProblem(result.response.status, result.error ?? null, result.response.headers));
}

export async function listMeetingIssues(id: string): Promise<RegionalIssue[]> {
  return (await call(api.GET('/api/v1/meetings/{id}/issues', { params: { path: { id } } }))).data;
}

export async function setMeetingIssues(id: string, issueIds: string[]): Promise<RegionalIssue[]> {
  return (await call(api.PUT('/api/v1/meetings/{id}/issues', { params: { path: { id } }, body: { issue_ids: issueIds } }))).data;
}

export function listRegionalIssues(): Promise<RegionalIssue[]> {
  return everyPage(async (cursor) =>
    (await call(api.GET('/api/v1/regional-issues', { params: { query: { limit: 200, cursor } } }))).data,
  );
}

export async function getRegionalIssue(id: string): Promise<RegionalIssueDetail> {
  return (await call(api.GET('/api/v1/regional-issues/{id}', { params: { path: { id } } }))).data;
}

export async function listComments(id: string): Promise<IssueComment[]> {
  return (await call(api.GET('/api/v1/regional-issues/{id}/comments', { params: { path: { id } } }))).data;
}

export async function createComment(id: string, body: string, idempotencyKey: string): Promise<IssueComment> {
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

/** 守秘義務の誓約: recorded on every seat the member holds. */
export async function makePledge(): Promise<CouncilMember[]> {
  return (await call(api.POST('/api/v1/me/confidentiality-pledge'))).data.items;
}
