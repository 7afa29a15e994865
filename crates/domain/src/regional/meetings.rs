//! A council's meetings (本会議, 部会, 事務局会議): when, the agenda, who attended, the minutes
//! and what was decided, and the papers given out (PDF and Office files, kept in the
//! database and served only as downloads). Read with the council's reach
//! ([`crate::policy::council_reach`]); written by its administration's officers.

use super::councils::{council_in, reach};
use crate::app::{Ctx, NAME_MAX, changed_fields};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy::CouncilReach;
use crate::values::{self, MeetingKind, MeetingStatus};
use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The longest agenda, minutes or decisions, in characters.
pub const MINUTES_MAX: usize = 20_000;
/// The largest paper accepted, in bytes (larger answers 413 `too_large`).
pub const ATTACHMENT_MAX_BYTES: usize = 10 * 1024 * 1024;
const FILE_NAME_MAX: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: Uuid,
    pub council_id: Uuid,
    pub administration_id: Uuid,
    pub kind: MeetingKind,
    pub status: MeetingStatus,
    pub held_on: NaiveDate,
    pub title: String,
    pub location: Option<String>,
    pub agenda: String,
    pub minutes: String,
    pub decisions: String,
    /// The members who attended (members of the meeting's council), in id order.
    pub attendee_ids: Vec<Uuid>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A paper's particulars, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentMeta {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    pub uploaded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub meta: AttachmentMeta,
    pub content: Vec<u8>,
}

pub struct MeetingInput {
    pub kind: String,
    /// `planned` when absent.
    pub status: Option<String>,
    pub held_on: String,
    pub title: String,
    pub location: Option<String>,
    pub agenda: Option<String>,
    pub minutes: Option<String>,
    pub decisions: Option<String>,
    pub attendee_ids: Vec<Uuid>,
}

#[derive(Default)]
pub struct UpdateMeetingInput {
    pub kind: Option<String>,
    pub status: Option<String>,
    pub held_on: Option<String>,
    pub title: Option<String>,
    pub location: Option<Option<String>>,
    pub agenda: Option<String>,
    pub minutes: Option<String>,
    pub decisions: Option<String>,
    pub attendee_ids: Option<Vec<Uuid>>,
}

/// What the bytes of a paper must begin with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Magic {
    Pdf,
    /// Office Open XML: a zip archive.
    Zip,
    /// The older Office formats: an OLE compound file.
    Ole,
}

impl Magic {
    fn prefix(self) -> &'static [u8] {
        match self {
            Magic::Pdf => b"%PDF-",
            Magic::Zip => b"PK\x03\x04",
            Magic::Ole => &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
        }
    }
}

/// The media types a paper may have, with what their bytes begin with.
const MEDIA_TYPES: &[(&str, Magic)] = &[
    ("application/pdf", Magic::Pdf),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Magic::Zip,
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Magic::Zip,
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Magic::Zip,
    ),
    ("application/msword", Magic::Ole),
    ("application/vnd.ms-excel", Magic::Ole),
    ("application/vnd.ms-powerpoint", Magic::Ole),
];

/// The media types a paper may have.
pub fn allowed_media_types() -> impl Iterator<Item = &'static str> {
    MEDIA_TYPES.iter().map(|(m, _)| *m)
}

/// Why a paper's body is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentRefusal {
    /// Not one of the media types, or the bytes are not what the type says (415).
    UnsupportedMediaType,
    /// Over [`ATTACHMENT_MAX_BYTES`] (413).
    TooLarge,
    /// Nothing at all.
    Empty,
}

/// A paper's declared media type (lower case, without parameters) checked against the
/// allowed ones and against its first bytes: a file whose bytes are not what its type says
/// is refused, so nothing else (HTML, a script) is ever served back from here.
pub fn check_content(media_type: &str, bytes: &[u8]) -> Result<&'static str, ContentRefusal> {
    if bytes.len() > ATTACHMENT_MAX_BYTES {
        return Err(ContentRefusal::TooLarge);
    }
    if bytes.is_empty() {
        return Err(ContentRefusal::Empty);
    }
    let (m, magic) = MEDIA_TYPES
        .iter()
        .find(|(m, _)| *m == media_type)
        .ok_or(ContentRefusal::UnsupportedMediaType)?;
    if bytes.starts_with(magic.prefix()) {
        Ok(m)
    } else {
        Err(ContentRefusal::UnsupportedMediaType)
    }
}

/// A paper's file name: a plain name (no folder), at most 200 characters.
pub fn check_file_name(raw: &str) -> Result<String, FieldError> {
    let name = values::name_text("file_name", raw, 1, FILE_NAME_MAX)?;
    if name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(FieldError::new(
            "file_name",
            "invalid_file_name",
            "must be a file's name without a folder",
        ));
    }
    Ok(name)
}

/// Attendees are members of the meeting's council; each is listed once, in id order.
pub fn check_attendees(attendees: &[Uuid], members: &[Uuid]) -> Result<Vec<Uuid>, FieldError> {
    if let Some(x) = attendees.iter().find(|a| !members.contains(a)) {
        return Err(FieldError::new(
            "attendee_ids",
            "not_a_member",
            format!("{x} is not a member of this council"),
        ));
    }
    let mut out = attendees.to_vec();
    out.sort();
    out.dedup();
    Ok(out)
}

fn prose(v: &mut Validator, field: &str, raw: Option<&str>) -> Option<String> {
    v.check(values::optional_multiline_prose(field, raw, MINUTES_MAX))
        .map(Option::unwrap_or_default)
}

crate::facade!(
    /// Council meetings and their papers: `services.meetings()`.
    Meetings,
    meetings
);

impl Meetings<'_> {
    /// A meeting whose council is within reach, else 404.
    fn meeting_in(&self, reach: &CouncilReach, id: Uuid) -> Result<Meeting, DomainError> {
        match self.store.meeting(id)? {
            Some(m) if reach.covers(m.administration_id, m.council_id) => Ok(m),
            _ => Err(DomainError::NotFound),
        }
    }

    fn attendees(
        &self,
        v: &mut Validator,
        council: Uuid,
        ids: &[Uuid],
    ) -> Result<Option<Vec<Uuid>>, DomainError> {
        let members = self.store.council_member_ids(council)?;
        Ok(v.check(check_attendees(ids, &members)))
    }

    #[tracing::instrument(skip_all, fields(council_id = %council_id))]
    pub fn create(
        &self,
        ctx: &Ctx,
        council_id: Uuid,
        input: MeetingInput,
    ) -> Result<Meeting, DomainError> {
        self.guard(ctx, Action::MeetingCreate, None, || {
            let r = reach(self, ctx, true)?;
            let council = council_in(self, &r, council_id)?;
            let mut v = Validator::new();
            let kind = v.check(MeetingKind::parse("kind", &input.kind));
            let status = match input.status.as_deref() {
                None => Some(MeetingStatus::Planned),
                Some(s) => v.check(MeetingStatus::parse("status", s)),
            };
            let held_on = v.check(values::date("held_on", &input.held_on));
            let title = v.check(values::name_text("title", &input.title, 1, NAME_MAX));
            let location = v
                .check(values::optional_text(
                    "location",
                    input.location.as_deref(),
                    NAME_MAX,
                ))
                .flatten();
            let agenda = prose(&mut v, "agenda", input.agenda.as_deref());
            let minutes = prose(&mut v, "minutes", input.minutes.as_deref());
            let decisions = prose(&mut v, "decisions", input.decisions.as_deref());
            let attendees = self.attendees(&mut v, council_id, &input.attendee_ids)?;
            v.finish()?;
            let (
                Some(kind),
                Some(status),
                Some(held_on),
                Some(title),
                Some(agenda),
                Some(minutes),
                Some(decisions),
                Some(attendee_ids),
            ) = (
                kind, status, held_on, title, agenda, minutes, decisions, attendees,
            )
            else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let m = Meeting {
                id: Uuid::now_v7(),
                council_id,
                administration_id: council.administration_id,
                kind,
                status,
                held_on,
                title,
                location,
                agenda,
                minutes,
                decisions,
                attendee_ids,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::MeetingCreate)
                .resource(m.id)
                .detail(format!(
                    "council={council_id}; kind={}; status={}; attendees={}",
                    kind.as_str(),
                    status.as_str(),
                    m.attendee_ids.len()
                ));
            self.store.insert_meeting(&m, &ev)?;
            Ok(m)
        })
    }

    #[tracing::instrument(skip_all, fields(meeting_id = %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<Meeting, DomainError> {
        self.guard(ctx, Action::MeetingRead, Some(id), || {
            let r = reach(self, ctx, false)?;
            let m = self.meeting_in(&r, id)?;
            self.log_access(self.ev(ctx, Action::MeetingRead).resource(id))?;
            Ok(m)
        })
    }

    /// A council's meetings, the latest first.
    #[tracing::instrument(skip_all, fields(council_id = %council_id))]
    pub fn list(
        &self,
        ctx: &Ctx,
        council_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<Meeting>, DomainError> {
        self.guard(ctx, Action::MeetingList, Some(council_id), || {
            let r = reach(self, ctx, false)?;
            council_in(self, &r, council_id)?;
            let found = self.store.meetings(council_id, page)?;
            self.log_access(
                self.ev(ctx, Action::MeetingList)
                    .resource(council_id)
                    .detail(format!("count={}", found.items.len())),
            )?;
            Ok(found)
        })
    }

    #[tracing::instrument(skip_all, fields(meeting_id = %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: UpdateMeetingInput,
    ) -> Result<Meeting, DomainError> {
        self.guard(ctx, Action::MeetingUpdate, Some(id), || {
            let r = reach(self, ctx, true)?;
            let mut m = self.meeting_in(&r, id)?;
            let mut v = Validator::new();
            let kind = input
                .kind
                .as_deref()
                .and_then(|k| v.check(MeetingKind::parse("kind", k)));
            let status = input
                .status
                .as_deref()
                .and_then(|k| v.check(MeetingStatus::parse("status", k)));
            let held_on = input
                .held_on
                .as_deref()
                .and_then(|d| v.check(values::date("held_on", d)));
            let title = input
                .title
                .as_deref()
                .and_then(|t| v.check(values::name_text("title", t, 1, NAME_MAX)));
            let location = input
                .location
                .as_ref()
                .and_then(|l| v.check(values::optional_text("location", l.as_deref(), NAME_MAX)));
            let agenda = input
                .agenda
                .as_deref()
                .and_then(|t| prose(&mut v, "agenda", Some(t)));
            let minutes = input
                .minutes
                .as_deref()
                .and_then(|t| prose(&mut v, "minutes", Some(t)));
            let decisions = input
                .decisions
                .as_deref()
                .and_then(|t| prose(&mut v, "decisions", Some(t)));
            let attendees = match &input.attendee_ids {
                Some(ids) => self.attendees(&mut v, m.council_id, ids)?,
                None => None,
            };
            v.finish()?;
            let expected = if_match.against(m.version)?;
            let fields = changed_fields(&[
                ("kind", kind.is_some()),
                ("status", status.is_some()),
                ("held_on", held_on.is_some()),
                ("title", title.is_some()),
                ("location", location.is_some()),
                ("agenda", agenda.is_some()),
                ("minutes", minutes.is_some()),
                ("decisions", decisions.is_some()),
                ("attendee_ids", attendees.is_some()),
            ]);
            if let Some(x) = kind {
                m.kind = x;
            }
            if let Some(x) = status {
                m.status = x;
            }
            if let Some(x) = held_on {
                m.held_on = x;
            }
            if let Some(x) = title {
                m.title = x;
            }
            if let Some(x) = location {
                m.location = x;
            }
            if let Some(x) = agenda {
                m.agenda = x;
            }
            if let Some(x) = minutes {
                m.minutes = x;
            }
            if let Some(x) = decisions {
                m.decisions = x;
            }
            if let Some(x) = attendees {
                m.attendee_ids = x;
            }
            m.updated_at = self.clock.now();
            let ev = self
                .ev(ctx, Action::MeetingUpdate)
                .resource(id)
                .detail(fields);
            self.store.save_meeting(&m, expected, &ev)
        })
    }

    // --- papers ----------------------------------------------------------------------------

    /// Keeps a paper of a meeting. The media type and the bytes are checked
    /// ([`check_content`]); the adapter answers 415 and 413 before this for what it can see.
    #[tracing::instrument(skip_all, fields(meeting_id = %meeting_id, size = content.len()))]
    pub fn add_attachment(
        &self,
        ctx: &Ctx,
        meeting_id: Uuid,
        file_name: &str,
        media_type: &str,
        content: Vec<u8>,
    ) -> Result<AttachmentMeta, DomainError> {
        self.guard(ctx, Action::MeetingAttachmentCreate, None, || {
            let r = reach(self, ctx, true)?;
            self.meeting_in(&r, meeting_id)?;
            let file_name =
                check_file_name(file_name).map_err(|e| DomainError::Validation(vec![e]))?;
            let media_type = check_content(media_type, &content).map_err(|e| match e {
                ContentRefusal::Empty => DomainError::field("body", "empty", "the file is empty"),
                ContentRefusal::TooLarge => DomainError::rule(
                    "too_large",
                    format!("a paper may be at most {ATTACHMENT_MAX_BYTES} bytes"),
                ),
                ContentRefusal::UnsupportedMediaType => DomainError::rule(
                    "unsupported_media_type",
                    "the file is not a PDF or Office document of its declared type",
                ),
            })?;
            let now = self.clock.now();
            let meta = AttachmentMeta {
                id: Uuid::now_v7(),
                meeting_id,
                file_name,
                media_type: media_type.to_owned(),
                size_bytes: i64::try_from(content.len()).unwrap_or(i64::MAX),
                sha256: hex::encode(Sha256::digest(&content)),
                uploaded_by: ctx.actor.user_id,
                created_at: now,
            };
            let ev = self
                .ev(ctx, Action::MeetingAttachmentCreate)
                .resource(meta.id)
                .detail(format!(
                    "meeting={meeting_id}; media_type={}; size={}",
                    meta.media_type, meta.size_bytes
                ));
            let a = Attachment { meta, content };
            self.store.insert_attachment(&a, &ev)?;
            Ok(a.meta)
        })
    }

    #[tracing::instrument(skip_all, fields(meeting_id = %meeting_id))]
    pub fn attachments(
        &self,
        ctx: &Ctx,
        meeting_id: Uuid,
    ) -> Result<Vec<AttachmentMeta>, DomainError> {
        self.guard(ctx, Action::MeetingAttachmentList, Some(meeting_id), || {
            let r = reach(self, ctx, false)?;
            self.meeting_in(&r, meeting_id)?;
            let found = self.store.attachments(meeting_id)?;
            self.log_access(
                self.ev(ctx, Action::MeetingAttachmentList)
                    .resource(meeting_id)
                    .detail(format!("count={}", found.len())),
            )?;
            Ok(found)
        })
    }

    /// A paper with its content; the read is on the trail before it is answered.
    #[tracing::instrument(skip_all, fields(meeting_id = %meeting_id, attachment_id = %id))]
    pub fn attachment(
        &self,
        ctx: &Ctx,
        meeting_id: Uuid,
        id: Uuid,
    ) -> Result<Attachment, DomainError> {
        self.guard(ctx, Action::MeetingAttachmentRead, Some(id), || {
            let r = reach(self, ctx, false)?;
            self.meeting_in(&r, meeting_id)?;
            let a = self
                .store
                .attachment(meeting_id, id)?
                .ok_or(DomainError::NotFound)?;
            self.log_access(
                self.ev(ctx, Action::MeetingAttachmentRead)
                    .resource(id)
                    .detail(format!("meeting={meeting_id}")),
            )?;
            Ok(a)
        })
    }

    #[tracing::instrument(skip_all, fields(meeting_id = %meeting_id, attachment_id = %id))]
    pub fn delete_attachment(
        &self,
        ctx: &Ctx,
        meeting_id: Uuid,
        id: Uuid,
    ) -> Result<(), DomainError> {
        self.guard(ctx, Action::MeetingAttachmentDelete, Some(id), || {
            let r = reach(self, ctx, true)?;
            self.meeting_in(&r, meeting_id)?;
            let ev = self
                .ev(ctx, Action::MeetingAttachmentDelete)
                .resource(id)
                .detail(format!("meeting={meeting_id}"));
            self.store.delete_attachment(meeting_id, id, &ev)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn papers_are_what_their_type_says() {
        assert_eq!(
            check_content("application/pdf", b"%PDF-1.7\n..."),
            Ok("application/pdf")
        );
        let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        assert!(check_content(docx, b"PK\x03\x04rest").is_ok());
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0];
        assert!(check_content("application/vnd.ms-excel", &ole).is_ok());
        // A PDF's bytes under a Word type, HTML as PDF, a type not on the list.
        assert_eq!(
            check_content(docx, b"%PDF-1.7"),
            Err(ContentRefusal::UnsupportedMediaType)
        );
        assert_eq!(
            check_content("application/pdf", b"<html><script>"),
            Err(ContentRefusal::UnsupportedMediaType)
        );
        assert_eq!(
            check_content("text/html", b"%PDF-1.7"),
            Err(ContentRefusal::UnsupportedMediaType)
        );
        assert_eq!(
            check_content("application/pdf", b""),
            Err(ContentRefusal::Empty)
        );
        let big = vec![b'%'; ATTACHMENT_MAX_BYTES + 1];
        assert_eq!(
            check_content("application/pdf", &big),
            Err(ContentRefusal::TooLarge)
        );
        assert_eq!(allowed_media_types().count(), 7);
    }

    #[test]
    fn file_names_have_no_folder() {
        assert_eq!(check_file_name(" 資料1.pdf ").unwrap(), "資料1.pdf");
        for bad in ["", "../x.pdf", "a\\b.pdf", "..", "a/b"] {
            assert!(check_file_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn attendees_are_members_listed_once() {
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        assert_eq!(check_attendees(&[b, a, b], &[a, b]).unwrap(), vec![a, b]);
        assert_eq!(
            check_attendees(&[Uuid::now_v7()], &[a]).unwrap_err().code,
            "not_a_member"
        );
    }
}
