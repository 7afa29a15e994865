//! Regional councils (難病対策地域協議会, 慢性疾病児童等地域支援協議会) of an administration,
//! their 部会 (a council with a parent) and their members. The administration's officers
//! run them; the system administrator reads them; a member who is not staff may get a
//! sign-in (role `council_member`, always with a second factor) that reads only the councils
//! they sit on, within their term and after their confidentiality pledge (守秘義務の誓約).
//! Who reaches what is decided in [`policy::council_reach`].

use crate::app::{Ctx, NAME_MAX, Services, changed_fields};
use crate::auth;
use crate::entities::User;
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy::{self, CouncilReach, RegionReach, Seat};
use crate::ports::CouncilFilter;
use crate::values::{self, CouncilKind, CouncilRole, CouncilScope, Login, MemberCategory, Role};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Council {
    pub id: Uuid,
    pub administration_id: Uuid,
    /// The council a 部会 belongs to (of the same administration).
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub kind: CouncilKind,
    pub scope: CouncilScope,
    /// The 二次医療圏 or 保健所 it covers, for the narrower scopes.
    pub area_name: Option<String>,
    pub established_on: Option<NaiveDate>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouncilMember {
    pub id: Uuid,
    pub council_id: Uuid,
    pub administration_id: Uuid,
    pub name: String,
    pub organization: String,
    pub category: MemberCategory,
    pub council_role: CouncilRole,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    /// Their sign-in (role `council_member`), if the officer gave them one.
    pub user_id: Option<Uuid>,
    /// When they pledged confidentiality (for this seat).
    pub pledged_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CouncilMember {
    pub fn seat(&self) -> Seat {
        Seat {
            council_id: self.council_id,
            term_start: self.term_start,
            term_end: self.term_end,
            pledged: self.pledged_at.is_some(),
        }
    }
}

/// A member's seat as `viewer` reads it. Officers and the system administrator see who has a
/// sign-in and who has pledged (they run the council); a council member sees the roll —
/// names, bodies, categories, roles and terms — and their own seat in full, but not a
/// colleague's account or pledge, which are the secretariat's business.
pub fn as_seen_by(reach: &CouncilReach, viewer: Uuid, mut m: CouncilMember) -> CouncilMember {
    if matches!(reach, CouncilReach::Seats(_)) && m.user_id != Some(viewer) {
        m.user_id = None;
        m.pledged_at = None;
    }
    m
}

pub struct CouncilInput {
    pub name: String,
    pub kind: String,
    pub scope: String,
    pub area_name: Option<String>,
    pub established_on: Option<String>,
    /// For a 部会: its council, of the same administration.
    pub parent_id: Option<Uuid>,
}

#[derive(Default)]
pub struct UpdateCouncilInput {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub scope: Option<String>,
    pub area_name: Option<Option<String>>,
    pub established_on: Option<Option<String>>,
    pub active: Option<bool>,
}

pub struct MemberInput {
    pub name: String,
    pub organization: String,
    pub category: String,
    /// `member` when absent.
    pub council_role: Option<String>,
    pub term_start: String,
    pub term_end: String,
}

#[derive(Default)]
pub struct UpdateMemberInput {
    pub name: Option<String>,
    pub organization: Option<String>,
    pub category: Option<String>,
    pub council_role: Option<String>,
    pub term_start: Option<String>,
    pub term_end: Option<String>,
}

/// A sign-in for a member who is not staff.
pub struct AccountInput {
    pub login: String,
    /// `None`: a temporary password is made (what the API always does). Only
    /// `tsunagu demo-data`, whose fictitious people share a printed password, gives one.
    pub password: Option<String>,
    /// Whether it must be changed at the first sign-in (always, through the API).
    pub must_change_password: bool,
}

/// A member's sign-in, just made: the temporary password is answered once and never kept.
pub struct MemberAccount {
    pub member: CouncilMember,
    pub login: String,
    pub temporary_password: String,
}

/// A term ends on or after the day it starts.
pub fn check_term(start: NaiveDate, end: NaiveDate) -> Result<(), FieldError> {
    if end < start {
        Err(FieldError::new(
            "term_end",
            "before_term_start",
            "must not be before term_start",
        ))
    } else {
        Ok(())
    }
}

/// A 部会's council must be a council of the same administration (any other answers 422,
/// as if it did not exist), and not a 部会 itself.
pub fn check_parent(administration: Uuid, parent: Option<&Council>) -> Result<(), FieldError> {
    match parent {
        Some(p) if p.administration_id == administration && p.parent_id.is_none() => Ok(()),
        Some(p) if p.administration_id == administration => Err(FieldError::new(
            "parent_id",
            "nested_subcouncil",
            "a 部会 belongs to a council, not to another 部会",
        )),
        _ => Err(FieldError::new(
            "parent_id",
            "unknown_council",
            "no such council of your administration",
        )),
    }
}

fn optional_date(v: &mut Validator, field: &str, raw: Option<&str>) -> Option<Option<NaiveDate>> {
    match raw.map(str::trim) {
        None | Some("") => Some(None),
        Some(d) => v.check(values::date(field, d)).map(Some),
    }
}

/// The caller's reach into councils (see [`policy::council_reach`]).
pub(crate) fn reach(s: &Services, ctx: &Ctx, write: bool) -> Result<CouncilReach, DomainError> {
    policy::council_reach(&ctx.actor, write, s.today(), |user| {
        Ok(s.store
            .seats(user)?
            .iter()
            .map(CouncilMember::seat)
            .collect())
    })
}

/// A council within reach, else 404.
pub(crate) fn council_in(
    s: &Services,
    reach: &CouncilReach,
    id: Uuid,
) -> Result<Council, DomainError> {
    match s.store.council(id)? {
        Some(c) if reach.covers(c.administration_id, c.id) => Ok(c),
        _ => Err(DomainError::NotFound),
    }
}

/// The administration an officer writes in (the reach of a write is always one).
fn own_administration(reach: &CouncilReach) -> Result<Uuid, DomainError> {
    match reach {
        CouncilReach::Region(RegionReach::Administration(a)) => Ok(*a),
        _ => Err(policy::insufficient_role()),
    }
}

crate::facade!(
    /// Regional councils and their members: `services.councils()`.
    Councils,
    councils
);

impl Councils<'_> {
    #[tracing::instrument(skip_all, fields(council_id = tracing::field::Empty))]
    pub fn create(&self, ctx: &Ctx, input: CouncilInput) -> Result<Council, DomainError> {
        self.guard(ctx, Action::CouncilCreate, None, || {
            let r = reach(self, ctx, true)?;
            let administration = own_administration(&r)?;
            let mut v = Validator::new();
            let name = v.check(values::name_text("name", &input.name, 1, NAME_MAX));
            let kind = v.check(CouncilKind::parse("kind", &input.kind));
            let scope = v.check(CouncilScope::parse("scope", &input.scope));
            let area_name = v
                .check(values::optional_text(
                    "area_name",
                    input.area_name.as_deref(),
                    NAME_MAX,
                ))
                .flatten();
            let established_on =
                optional_date(&mut v, "established_on", input.established_on.as_deref()).flatten();
            if let Some(p) = input.parent_id {
                let parent = self.store.council(p)?;
                v.check(check_parent(administration, parent.as_ref()));
            }
            v.finish()?;
            let (Some(name), Some(kind), Some(scope)) = (name, kind, scope) else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let c = Council {
                id: Uuid::now_v7(),
                administration_id: administration,
                parent_id: input.parent_id,
                name,
                kind,
                scope,
                area_name,
                established_on,
                active: true,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::CouncilCreate)
                .resource(c.id)
                .detail(format!("kind={}; scope={}", kind.as_str(), scope.as_str()));
            self.store.insert_council(&c, &ev)?;
            tracing::Span::current().record("council_id", tracing::field::display(c.id));
            Ok(c)
        })
    }

    #[tracing::instrument(skip_all, fields(council_id = %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<Council, DomainError> {
        self.guard(ctx, Action::CouncilRead, Some(id), || {
            let r = reach(self, ctx, false)?;
            let c = council_in(self, &r, id)?;
            self.log_access(self.ev(ctx, Action::CouncilRead).resource(id))?;
            Ok(c)
        })
    }

    /// The councils within the caller's reach, in id order; `parent_id` for one council's
    /// 部会.
    #[tracing::instrument(skip_all)]
    pub fn list(
        &self,
        ctx: &Ctx,
        parent_id: Option<Uuid>,
        page: PageRequest,
    ) -> Result<Page<Council>, DomainError> {
        self.guard(ctx, Action::CouncilList, None, || {
            let filter = match reach(self, ctx, false)? {
                CouncilReach::Region(r) => CouncilFilter {
                    administration: r.administration(),
                    only: None,
                    parent_id,
                },
                CouncilReach::Seats(ids) => CouncilFilter {
                    administration: None,
                    only: Some(ids),
                    parent_id,
                },
            };
            let found = self.store.councils(&filter, page)?;
            let query = parent_id
                .map(|p| format!("parent_id={p}"))
                .unwrap_or_default();
            self.log_list(ctx, Action::CouncilList, &query, found.items.len())?;
            Ok(found)
        })
    }

    #[tracing::instrument(skip_all, fields(council_id = %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: UpdateCouncilInput,
    ) -> Result<Council, DomainError> {
        self.guard(ctx, Action::CouncilUpdate, Some(id), || {
            let r = reach(self, ctx, true)?;
            let mut c = council_in(self, &r, id)?;
            let mut v = Validator::new();
            let name = input
                .name
                .as_deref()
                .and_then(|n| v.check(values::name_text("name", n, 1, NAME_MAX)));
            let kind = input
                .kind
                .as_deref()
                .and_then(|k| v.check(CouncilKind::parse("kind", k)));
            let scope = input
                .scope
                .as_deref()
                .and_then(|k| v.check(CouncilScope::parse("scope", k)));
            let area_name = input
                .area_name
                .as_ref()
                .and_then(|a| v.check(values::optional_text("area_name", a.as_deref(), NAME_MAX)));
            let established_on = input
                .established_on
                .as_ref()
                .and_then(|d| optional_date(&mut v, "established_on", d.as_deref()));
            v.finish()?;
            let expected = if_match.against(c.version)?;
            let fields = changed_fields(&[
                ("name", name.is_some()),
                ("kind", kind.is_some()),
                ("scope", scope.is_some()),
                ("area_name", area_name.is_some()),
                ("established_on", established_on.is_some()),
                ("active", input.active.is_some()),
            ]);
            if let Some(n) = name {
                c.name = n;
            }
            if let Some(k) = kind {
                c.kind = k;
            }
            if let Some(s) = scope {
                c.scope = s;
            }
            if let Some(a) = area_name {
                c.area_name = a;
            }
            if let Some(d) = established_on {
                c.established_on = d;
            }
            if let Some(a) = input.active {
                c.active = a;
            }
            c.updated_at = self.clock.now();
            let ev = self
                .ev(ctx, Action::CouncilUpdate)
                .resource(id)
                .detail(fields);
            self.store.save_council(&c, expected, &ev)
        })
    }

    // --- members ---------------------------------------------------------------------------

    #[tracing::instrument(skip_all, fields(council_id = %council_id))]
    pub fn add_member(
        &self,
        ctx: &Ctx,
        council_id: Uuid,
        input: MemberInput,
    ) -> Result<CouncilMember, DomainError> {
        self.guard(ctx, Action::CouncilMemberCreate, None, || {
            let r = reach(self, ctx, true)?;
            let council = council_in(self, &r, council_id)?;
            let mut v = Validator::new();
            let name = v.check(values::name_text("name", &input.name, 1, NAME_MAX));
            let organization = v.check(values::name_text(
                "organization",
                &input.organization,
                1,
                NAME_MAX,
            ));
            let category = v.check(MemberCategory::parse("category", &input.category));
            let role = match input.council_role.as_deref() {
                None => Some(CouncilRole::Member),
                Some(x) => v.check(CouncilRole::parse("council_role", x)),
            };
            let start = v.check(values::date("term_start", &input.term_start));
            let end = v.check(values::date("term_end", &input.term_end));
            if let (Some(s), Some(e)) = (start, end) {
                v.check(check_term(s, e));
            }
            v.finish()?;
            let (Some(name), Some(organization), Some(category), Some(role), Some(s), Some(e)) =
                (name, organization, category, role, start, end)
            else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let m = CouncilMember {
                id: Uuid::now_v7(),
                council_id,
                administration_id: council.administration_id,
                name,
                organization,
                category,
                council_role: role,
                term_start: s,
                term_end: e,
                user_id: None,
                pledged_at: None,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::CouncilMemberCreate)
                .resource(m.id)
                .detail(format!(
                    "council={council_id}; category={}",
                    category.as_str()
                ));
            self.store.insert_council_member(&m, &ev)?;
            Ok(m)
        })
    }

    /// A member of a council within reach, else 404.
    fn member_in(
        &self,
        reach: &CouncilReach,
        council_id: Uuid,
        member_id: Uuid,
    ) -> Result<CouncilMember, DomainError> {
        council_in(self, reach, council_id)?;
        match self.store.council_member(member_id)? {
            Some(m) if m.council_id == council_id => Ok(m),
            _ => Err(DomainError::NotFound),
        }
    }

    #[tracing::instrument(skip_all, fields(council_id = %council_id, member_id = %member_id))]
    pub fn member(
        &self,
        ctx: &Ctx,
        council_id: Uuid,
        member_id: Uuid,
    ) -> Result<CouncilMember, DomainError> {
        self.guard(ctx, Action::CouncilMemberRead, Some(member_id), || {
            let r = reach(self, ctx, false)?;
            let m = self.member_in(&r, council_id, member_id)?;
            self.log_access(self.ev(ctx, Action::CouncilMemberRead).resource(member_id))?;
            Ok(as_seen_by(&r, ctx.actor.user_id, m))
        })
    }

    /// A council's members (its 名簿): read by whoever reads the council.
    #[tracing::instrument(skip_all, fields(council_id = %council_id))]
    pub fn members(
        &self,
        ctx: &Ctx,
        council_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<CouncilMember>, DomainError> {
        self.guard(ctx, Action::CouncilMemberList, Some(council_id), || {
            let r = reach(self, ctx, false)?;
            council_in(self, &r, council_id)?;
            let found = self.store.council_members(council_id, page)?;
            self.log_access(
                self.ev(ctx, Action::CouncilMemberList)
                    .resource(council_id)
                    .detail(format!("count={}", found.items.len())),
            )?;
            let viewer = ctx.actor.user_id;
            Ok(found.map(|m| as_seen_by(&r, viewer, m)))
        })
    }

    #[tracing::instrument(skip_all, fields(council_id = %council_id, member_id = %member_id))]
    pub fn update_member(
        &self,
        ctx: &Ctx,
        council_id: Uuid,
        member_id: Uuid,
        if_match: IfMatch,
        input: UpdateMemberInput,
    ) -> Result<CouncilMember, DomainError> {
        self.guard(ctx, Action::CouncilMemberUpdate, Some(member_id), || {
            let r = reach(self, ctx, true)?;
            let mut m = self.member_in(&r, council_id, member_id)?;
            let mut v = Validator::new();
            let name = input
                .name
                .as_deref()
                .and_then(|n| v.check(values::name_text("name", n, 1, NAME_MAX)));
            let organization = input
                .organization
                .as_deref()
                .and_then(|n| v.check(values::name_text("organization", n, 1, NAME_MAX)));
            let category = input
                .category
                .as_deref()
                .and_then(|c| v.check(MemberCategory::parse("category", c)));
            let role = input
                .council_role
                .as_deref()
                .and_then(|c| v.check(CouncilRole::parse("council_role", c)));
            let start = input
                .term_start
                .as_deref()
                .and_then(|d| v.check(values::date("term_start", d)));
            let end = input
                .term_end
                .as_deref()
                .and_then(|d| v.check(values::date("term_end", d)));
            v.check(check_term(
                start.unwrap_or(m.term_start),
                end.unwrap_or(m.term_end),
            ));
            v.finish()?;
            let expected = if_match.against(m.version)?;
            let fields = changed_fields(&[
                ("name", name.is_some()),
                ("organization", organization.is_some()),
                ("category", category.is_some()),
                ("council_role", role.is_some()),
                ("term_start", start.is_some()),
                ("term_end", end.is_some()),
            ]);
            if let Some(x) = name {
                m.name = x;
            }
            if let Some(x) = organization {
                m.organization = x;
            }
            if let Some(x) = category {
                m.category = x;
            }
            if let Some(x) = role {
                m.council_role = x;
            }
            if let Some(x) = start {
                m.term_start = x;
            }
            if let Some(x) = end {
                m.term_end = x;
            }
            m.updated_at = self.clock.now();
            let ev = self
                .ev(ctx, Action::CouncilMemberUpdate)
                .resource(member_id)
                .detail(fields);
            self.store.save_council_member(&m, expected, &ev)
        })
    }

    /// Gives a member who is not staff a sign-in: a user with role `council_member` (no
    /// center, no administration), the given login and a temporary password, which they
    /// change at their first sign-in before setting up their second factor. The password
    /// is answered once: only its hash is kept.
    #[tracing::instrument(skip_all, fields(council_id = %council_id, member_id = %member_id))]
    pub fn give_account(
        &self,
        ctx: &Ctx,
        council_id: Uuid,
        member_id: Uuid,
        input: AccountInput,
    ) -> Result<MemberAccount, DomainError> {
        self.guard(ctx, Action::CouncilMemberAccount, Some(member_id), || {
            // A sign-in for a person is an officer's own act, never an application's.
            policy::in_person_region(&ctx.actor)?;
            let r = reach(self, ctx, true)?;
            let m = self.member_in(&r, council_id, member_id)?;
            let mut v = Validator::new();
            let login = v.check(Login::parse("login", &input.login));
            if let Some(p) = &input.password {
                v.check(auth::check_password_policy("password", p, &[&input.login]));
            }
            v.finish()?;
            let Some(login) = login else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            if m.user_id.is_some() {
                return Err(account_exists());
            }
            let password = zeroize::Zeroizing::new(
                input
                    .password
                    .unwrap_or_else(|| auth::new_opaque_token("").0),
            );
            let hash = auth::hash_password(&password)?;
            let now = self.clock.now();
            let user = User {
                id: Uuid::now_v7(),
                center_id: None,
                administration_id: None,
                login: login.as_str().to_owned(),
                display_name: m.name.clone(),
                role: Role::CouncilMember,
                active: true,
                totp_enabled: false,
                must_change_password: input.must_change_password,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let events = [
                self.ev(ctx, Action::CouncilMemberAccount)
                    .resource(member_id)
                    .detail(format!("user={}", user.id)),
                self.ev(ctx, Action::UserCreate)
                    .resource(user.id)
                    .detail(format!("role={}", Role::CouncilMember.as_str())),
            ];
            let member = self
                .store
                .give_member_account(member_id, m.version, &user, &hash, now, &events)?;
            Ok(MemberAccount {
                member,
                login: user.login,
                temporary_password: password.to_string(),
            })
        })
    }

    /// A council member's confidentiality pledge (守秘義務の誓約): recorded on every seat
    /// they hold; until then every council record answers 403 `pledge_required`.
    #[tracing::instrument(skip_all)]
    pub fn pledge(&self, ctx: &Ctx) -> Result<Vec<CouncilMember>, DomainError> {
        self.guard(ctx, Action::CouncilPledge, None, || {
            policy::pledge(&ctx.actor)?;
            let now = self.clock.now();
            let seats = self.store.seats(ctx.actor.user_id)?;
            let ev = self.ev(ctx, Action::CouncilPledge).detail(format!(
                "seats={}",
                seats.iter().filter(|s| s.pledged_at.is_none()).count()
            ));
            self.store.pledge(ctx.actor.user_id, now, &ev)
        })
    }
}

pub fn account_exists() -> DomainError {
    DomainError::conflict("account_exists", "this member has a sign-in already")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_term_ends_on_or_after_its_start() {
        assert!(check_term(d(2026, 4, 1), d(2026, 4, 1)).is_ok());
        assert!(check_term(d(2026, 4, 1), d(2028, 3, 31)).is_ok());
        assert_eq!(
            check_term(d(2026, 4, 1), d(2026, 3, 31)).unwrap_err().code,
            "before_term_start"
        );
    }

    #[test]
    fn a_subcouncil_belongs_to_a_council_of_the_same_administration() {
        let now = Utc::now();
        let a = Uuid::now_v7();
        let parent = Council {
            id: Uuid::now_v7(),
            administration_id: a,
            parent_id: None,
            name: "難病対策地域協議会".into(),
            kind: CouncilKind::Intractable,
            scope: CouncilScope::Prefecture,
            area_name: None,
            established_on: None,
            active: true,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        assert!(check_parent(a, Some(&parent)).is_ok());
        assert_eq!(
            check_parent(Uuid::now_v7(), Some(&parent))
                .unwrap_err()
                .code,
            "unknown_council"
        );
        assert_eq!(check_parent(a, None).unwrap_err().code, "unknown_council");
        let sub = Council {
            parent_id: Some(parent.id),
            ..parent.clone()
        };
        assert_eq!(
            check_parent(a, Some(&sub)).unwrap_err().code,
            "nested_subcouncil"
        );
    }

    #[test]
    fn a_member_reads_the_roll_but_not_a_colleagues_account_or_pledge() {
        let now = Utc::now();
        let (me, colleague) = (Uuid::now_v7(), Uuid::now_v7());
        let seat = |user: Uuid| CouncilMember {
            id: Uuid::now_v7(),
            council_id: Uuid::now_v7(),
            administration_id: Uuid::now_v7(),
            name: "患者会 代表".into(),
            organization: "難病連".into(),
            category: MemberCategory::PatientsFamilies,
            council_role: CouncilRole::Member,
            term_start: d(2026, 4, 1),
            term_end: d(2028, 3, 31),
            user_id: Some(user),
            pledged_at: Some(now),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let member = CouncilReach::Seats(vec![]);
        let theirs = as_seen_by(&member, me, seat(colleague));
        assert_eq!((theirs.user_id, theirs.pledged_at), (None, None));
        assert_eq!(theirs.name, "患者会 代表");
        let mine = as_seen_by(&member, me, seat(me));
        assert_eq!((mine.user_id, mine.pledged_at), (Some(me), Some(now)));
        let officer = CouncilReach::Region(RegionReach::All);
        let full = as_seen_by(&officer, me, seat(colleague));
        assert_eq!(
            (full.user_id, full.pledged_at),
            (Some(colleague), Some(now))
        );
    }
}
