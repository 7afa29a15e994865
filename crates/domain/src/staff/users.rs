//! Staff accounts: the installation's first system administrator, and the users
//! administrators create, read and change.

use crate::app::{Ctx, NAME_MAX, changed_fields};
use crate::audit::AuditDraft;
use crate::auth;
use crate::entities::{Actor, User};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy::{self, Permission, Reach};
use crate::ports::{Scope, UserChanges};
use crate::values::{self, Login, Role};
use uuid::Uuid;

pub struct CreateUserInput {
    pub center_id: Option<Uuid>,
    /// For a `municipal_officer`: the administration they belong to.
    pub administration_id: Option<Uuid>,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub password: String,
    /// Whether the user must change the password at first sign-in. Someone else chose it,
    /// so the HTTP API always sets this; only `tsunagu demo-data`, whose fictitious staff's
    /// shared password is printed for trying the demo, does not.
    pub must_change_password: bool,
}

#[derive(Default)]
pub struct UpdateUserInput {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub active: Option<bool>,
    pub password: Option<String>,
}

/// The store's scope for a policy reach.
fn scope_of(reach: Reach) -> Scope {
    match reach {
        Reach::Center(c) => Scope::Center(c),
        Reach::All => Scope::All,
    }
}

fn staff_scope(actor: &Actor) -> Result<Scope, DomainError> {
    policy::permit(actor, Permission::ReadStaff).map(scope_of)
}

/// Where a person of a role belongs: the installation, a center, an administration or a
/// council. A role change never moves someone between these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Home {
    Installation,
    Center,
    Administration,
    Council,
}

fn home_of(role: Role) -> Home {
    match role {
        Role::SystemAdmin => Home::Installation,
        Role::MunicipalOfficer => Home::Administration,
        Role::CouncilMember => Home::Council,
        Role::CenterAdmin
        | Role::Supervisor
        | Role::Consultant
        | Role::SelfRelianceWorker
        | Role::PeerSupporter => Home::Center,
    }
}

/// Where a new user belongs: a center administrator's own center (naming any other is
/// refused); for the system administrator, the center named for a center's staff, the
/// administration named for an officer, and neither for a system administrator.
fn new_users_home(
    reach: Reach,
    role: Option<Role>,
    center: Option<Uuid>,
    administration: Option<Uuid>,
) -> Result<(Option<Uuid>, Option<Uuid>), FieldError> {
    let must_be_empty = |field: &str, why: &str| Err(FieldError::new(field, "must_be_empty", why));
    let required = |field: &str, why: &str| Err(FieldError::new(field, "required", why));
    match reach {
        Reach::All => match (role.map(home_of), center, administration) {
            (None, _, _) => Ok((None, None)),
            (Some(Home::Center), None, _) => {
                required("center_id", "name the center the user belongs to")
            }
            (Some(Home::Center), Some(_), Some(_)) => must_be_empty(
                "administration_id",
                "a center's staff belong to a center, not an administration",
            ),
            (Some(Home::Center), Some(c), None) => Ok((Some(c), None)),
            (Some(Home::Administration), _, None) => required(
                "administration_id",
                "name the administration the officer belongs to",
            ),
            (Some(Home::Administration), Some(_), Some(_)) => must_be_empty(
                "center_id",
                "an administration's officer belongs to no center",
            ),
            (Some(Home::Administration), None, Some(a)) => Ok((None, Some(a))),
            (Some(Home::Installation | Home::Council), Some(_), _) => {
                must_be_empty("center_id", "this role belongs to no center")
            }
            (Some(Home::Installation | Home::Council), None, Some(_)) => must_be_empty(
                "administration_id",
                "this role belongs to no administration",
            ),
            (Some(Home::Installation | Home::Council), None, None) => Ok((None, None)),
        },
        Reach::Center(own) if center.is_some_and(|c| c != own) => Err(FieldError::new(
            "center_id",
            "not_own_center",
            "must be your own center",
        )),
        Reach::Center(_) if administration.is_some() => must_be_empty(
            "administration_id",
            "a center's staff belong to a center, not an administration",
        ),
        Reach::Center(own) => Ok((Some(own), None)),
    }
}

/// Nobody changes their own role or deactivates themselves.
fn self_change(
    actor: &Actor,
    id: Uuid,
    role: Option<Role>,
    active: Option<bool>,
) -> Option<FieldError> {
    (actor.user_id == id && (role.is_some_and(|r| r != actor.role) || active == Some(false))).then(
        || {
            FieldError::new(
                if role.is_some() { "role" } else { "active" },
                "cannot_change_self",
                "you cannot change your own role or deactivate yourself",
            )
        },
    )
}

/// Whether a password set on account `id` was chosen by someone other than its owner (then
/// the owner must change it at their next sign-in).
fn password_set_for_someone_else(actor: &Actor, id: Uuid) -> bool {
    actor.user_id != id
}

/// A system administrator has no center, an officer belongs to an administration, a council
/// member to a council: nobody moves a person between these by changing their role.
fn crosses_installation(current: Role, new: Option<Role>) -> bool {
    new.is_some_and(|r| home_of(r) != home_of(current))
}

crate::facade!(
    /// Staff accounts: `services.users()`.
    Users,
    users
);

impl Users<'_> {
    /// On an installation without a system administrator, creates one. Returns the password
    /// when it was generated, so the caller can print it once.
    #[tracing::instrument(skip_all)]
    pub fn bootstrap_admin(
        &self,
        login: &str,
        password: Option<&str>,
    ) -> Result<Option<String>, DomainError> {
        if self.store.count_users_with_role(Role::SystemAdmin)? > 0 {
            return Ok(None);
        }
        let login = Login::parse("TSUNAGU_ADMIN_LOGIN", login)
            .map_err(|e| DomainError::Validation(vec![e]))?;
        let (password, generated) = match password {
            Some(p) => {
                auth::check_password_policy("TSUNAGU_ADMIN_PASSWORD", p, &[login.as_str()])
                    .map_err(|e| DomainError::Validation(vec![e]))?;
                (p.to_owned(), false)
            }
            None => (auth::new_opaque_token("").0, true),
        };
        let now = self.clock.now();
        let user = User {
            id: Uuid::now_v7(),
            center_id: None,
            administration_id: None,
            login: login.as_str().to_owned(),
            display_name: "System administrator".to_owned(),
            role: Role::SystemAdmin,
            active: true,
            totp_enabled: false,
            // The operator chose it (or was shown it once): theirs, not an administrator's.
            must_change_password: false,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let hash = auth::hash_password(&password)?;
        let audit = AuditDraft::system(now, Action::UserBootstrap).resource(user.id);
        self.store.insert_user(&user, &hash, &audit)?;
        Ok(generated.then_some(password))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    pub fn create(&self, ctx: &Ctx, input: CreateUserInput) -> Result<User, DomainError> {
        self.guard(ctx, Action::UserCreate, None, || {
            let actor = &ctx.actor;
            let mut v = Validator::new();
            let login = v.check(Login::parse("login", &input.login));
            let display_name = v.check(values::name_text(
                "display_name",
                &input.display_name,
                1,
                NAME_MAX,
            ));
            let role = v.check(Role::parse("role", &input.role));
            let inputs: Vec<&str> = [login.as_ref().map(Login::as_str), display_name.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            v.check(auth::check_password_policy(
                "password",
                &input.password,
                &inputs,
            ));
            let reach = policy::permit(actor, Permission::ManageStaff)?;
            let (center_id, administration_id) = v
                .check(new_users_home(
                    reach,
                    role,
                    input.center_id,
                    input.administration_id,
                ))
                .unwrap_or_default();
            if let Some(r) = role {
                policy::assign_role(actor, r)?;
            }
            v.finish()?;
            let (Some(login), Some(display_name), Some(role)) = (login, display_name, role) else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            if let Some(c) = center_id {
                match self.store.center(c)? {
                    Some(center) if center.active => {}
                    _ => {
                        return Err(DomainError::field(
                            "center_id",
                            "unknown_center",
                            "no such active center",
                        ));
                    }
                }
            }
            if let Some(a) = administration_id {
                match self.store.administration(a)? {
                    Some(adm) if adm.active => {}
                    _ => {
                        return Err(DomainError::field(
                            "administration_id",
                            "unknown_administration",
                            "no such active administration",
                        ));
                    }
                }
            }
            let hash = auth::hash_password(&input.password)?;
            let now = self.clock.now();
            let user = User {
                id: Uuid::now_v7(),
                center_id,
                administration_id,
                login: login.as_str().to_owned(),
                display_name,
                role,
                active: true,
                totp_enabled: false,
                must_change_password: input.must_change_password,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = AuditDraft::by_actor(actor, &ctx.meta, now, Action::UserCreate)
                .resource(user.id)
                .center(center_id.or(actor.center_id))
                .detail(format!("role={}", role.as_str()));
            self.store.insert_user(&user, &hash, &ev)?;
            tracing::Span::current().record("user_id", tracing::field::display(user.id));
            Ok(user)
        })
    }

    #[tracing::instrument(skip_all, fields(user_id = %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<User, DomainError> {
        self.guard(ctx, Action::UserRead, Some(id), || {
            let scope = staff_scope(&ctx.actor)?;
            self.store.user(scope, id)?.ok_or(DomainError::NotFound)
        })
    }

    #[tracing::instrument(skip_all, fields(count = tracing::field::Empty))]
    pub fn list(&self, ctx: &Ctx, page: PageRequest) -> Result<Page<User>, DomainError> {
        self.guard(ctx, Action::UserList, None, || {
            let scope = staff_scope(&ctx.actor)?;
            let page = self.store.users(scope, page)?;
            tracing::Span::current().record("count", page.items.len());
            Ok(page)
        })
    }

    #[tracing::instrument(skip_all, fields(user_id = %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: UpdateUserInput,
    ) -> Result<User, DomainError> {
        self.guard(ctx, Action::UserUpdate, Some(id), || {
            let actor = &ctx.actor;
            let scope = scope_of(policy::update_staff(
                actor,
                id,
                input.role.is_some() || input.active.is_some(),
            )?);
            let mut v = Validator::new();
            let display_name = input
                .display_name
                .as_deref()
                .and_then(|n| v.check(values::name_text("display_name", n, 1, NAME_MAX)));
            let role = input
                .role
                .as_deref()
                .and_then(|r| v.check(Role::parse("role", r)));
            if let Some(p) = &input.password {
                v.check(auth::check_password_policy("password", p, &[]));
            }
            if let Some(e) = self_change(actor, id, role, input.active) {
                v.push(e);
            }
            v.finish()?;
            let current = self.store.user(scope, id)?.ok_or(DomainError::NotFound)?;
            let expected_version = if_match.against(current.version)?;
            if crosses_installation(current.role, role) {
                return Err(DomainError::field(
                    "role",
                    "role_not_assignable",
                    "cannot move a user between the installation and a center",
                ));
            }
            let password_hash = input
                .password
                .as_deref()
                .map(auth::hash_password)
                .transpose()?;
            // A password chosen for someone else is theirs to replace at their next sign-in;
            // one's own (set here or with POST /me/password) is not.
            let must_change_password = password_hash
                .as_ref()
                .map(|_| password_set_for_someone_else(actor, id));
            let changes = UserChanges {
                display_name,
                role,
                active: input.active,
                password_hash,
                must_change_password,
            };
            let now = self.clock.now();
            let ev = AuditDraft::by_actor(actor, &ctx.meta, now, Action::UserUpdate)
                .resource(id)
                .center(current.center_id)
                .detail(changed_fields(&[
                    ("display_name", changes.display_name.is_some()),
                    ("role", changes.role.is_some()),
                    ("active", changes.active.is_some()),
                    ("password", changes.password_hash.is_some()),
                ]));
            self.store
                .update_user(scope, id, expected_version, &changes, now, &ev)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: Uuid::now_v7(),
            session_id: Uuid::now_v7(),
            role,
            center_id: None,
            administration_id: None,
            login: "x".into(),
            display_name: "x".into(),
            totp_enabled: false,
            must_enroll_totp: false,
            must_change_password: false,
            scopes: None,
        }
    }

    fn code(r: Result<(Option<Uuid>, Option<Uuid>), FieldError>) -> &'static str {
        match r {
            Ok((Some(_), None)) => "center",
            Ok((None, Some(_))) => "administration",
            Ok((None, None)) => "none",
            Ok((Some(_), Some(_))) => "both",
            Err(e) => e.code,
        }
    }

    #[test]
    fn a_new_user_belongs_to_a_center_an_administration_or_neither() {
        let own = Uuid::now_v7();
        let other = Uuid::now_v7();
        let adm = Uuid::now_v7();
        let all = Reach::All;
        let sys = Some(Role::SystemAdmin);
        let con = Some(Role::Consultant);
        let off = Some(Role::MunicipalOfficer);
        let mem = Some(Role::CouncilMember);
        let h = new_users_home;
        assert_eq!(code(h(all, sys, None, None)), "none");
        assert_eq!(code(h(all, sys, Some(own), None)), "must_be_empty");
        assert_eq!(code(h(all, sys, None, Some(adm))), "must_be_empty");
        assert_eq!(code(h(all, con, None, None)), "required");
        assert_eq!(h(all, con, Some(other), None), Ok((Some(other), None)));
        assert_eq!(code(h(all, con, Some(other), Some(adm))), "must_be_empty");
        assert_eq!(code(h(all, off, None, None)), "required");
        assert_eq!(h(all, off, None, Some(adm)), Ok((None, Some(adm))));
        assert_eq!(code(h(all, off, Some(own), Some(adm))), "must_be_empty");
        assert_eq!(code(h(all, mem, None, None)), "none");
        // An unparsable role is reported on its own field.
        assert_eq!(code(h(all, None, Some(own), None)), "none");
        let mine = Reach::Center(own);
        assert_eq!(h(mine, con, None, None), Ok((Some(own), None)));
        assert_eq!(h(mine, con, Some(own), None), Ok((Some(own), None)));
        assert_eq!(code(h(mine, con, Some(other), None)), "not_own_center");
        assert_eq!(code(h(mine, con, None, Some(adm))), "must_be_empty");
    }

    #[test]
    fn a_role_change_never_moves_someone_between_homes() {
        assert!(!crosses_installation(
            Role::Consultant,
            Some(Role::Supervisor)
        ));
        assert!(crosses_installation(
            Role::Consultant,
            Some(Role::SystemAdmin)
        ));
        assert!(crosses_installation(
            Role::Consultant,
            Some(Role::MunicipalOfficer)
        ));
        assert!(crosses_installation(
            Role::MunicipalOfficer,
            Some(Role::CouncilMember)
        ));
        assert!(!crosses_installation(Role::MunicipalOfficer, None));
    }

    #[test]
    fn nobody_demotes_or_deactivates_themselves() {
        let me = actor(Role::CenterAdmin);
        let someone = Uuid::now_v7();
        assert!(self_change(&me, me.user_id, Some(Role::CenterAdmin), Some(true)).is_none());
        assert!(self_change(&me, me.user_id, None, None).is_none());
        assert_eq!(
            self_change(&me, me.user_id, Some(Role::Consultant), None)
                .unwrap()
                .field,
            "role"
        );
        assert_eq!(
            self_change(&me, me.user_id, None, Some(false))
                .unwrap()
                .field,
            "active"
        );
        assert!(self_change(&me, someone, Some(Role::Consultant), Some(false)).is_none());
    }

    #[test]
    fn nobody_moves_between_the_installation_and_a_center() {
        assert!(crosses_installation(
            Role::Consultant,
            Some(Role::SystemAdmin)
        ));
        assert!(crosses_installation(
            Role::SystemAdmin,
            Some(Role::CenterAdmin)
        ));
        assert!(!crosses_installation(
            Role::Consultant,
            Some(Role::Supervisor)
        ));
        assert!(!crosses_installation(
            Role::SystemAdmin,
            Some(Role::SystemAdmin)
        ));
        assert!(!crosses_installation(Role::SystemAdmin, None));
    }
}
