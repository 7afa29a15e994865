//! The client-credentials grant (RFC 6749 §4.4) and the actor behind a client's token.

use crate::audit::{AuditDraft, Outcome};
use crate::entities::{Actor, RequestMeta};
use crate::error::DomainError;
use crate::events::Action;
use crate::platform::{self, ApiClient, ClientOwner};
use crate::values::Role;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A token the token endpoint may issue: whose, for which center or administration, with
/// which scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientGrant {
    pub client: Uuid,
    pub owner: ClientOwner,
    pub scopes: Vec<String>,
}

/// Why the token endpoint refuses (RFC 6749 §5.2).
#[derive(Debug)]
pub enum TokenRefusal {
    /// Unknown client, wrong secret, revoked client or inactive center: one answer for all.
    InvalidClient,
    /// A scope asked for that the client was not granted.
    InvalidScope(String),
    Other(DomainError),
}

impl From<DomainError> for TokenRefusal {
    fn from(e: DomainError) -> Self {
        Self::Other(e)
    }
}

/// The role a client acts with: a center's supervisor, or an administration's officer.
fn client_role(owner: ClientOwner) -> Role {
    match owner {
        ClientOwner::Center(_) => Role::Supervisor,
        ClientOwner::Administration(_) => Role::MunicipalOfficer,
    }
}

/// The token endpoint's audit event for a known client: the client is the actor, in its
/// center (an administration's events belong to no center), with the reach its tokens get.
fn token_event(meta: &RequestMeta, now: DateTime<Utc>, c: &ApiClient) -> AuditDraft {
    let mut ev = AuditDraft::anonymous(meta, now, Action::OauthToken).resource(c.id);
    ev.actor_kind = "client";
    ev.actor_id = Some(c.id);
    ev.actor_role = Some(client_role(c.owner).as_str().to_owned());
    ev.center_id = c.owner.center();
    ev
}

/// A token's scopes less any the center has withdrawn from the client since.
fn live_scopes(token_scopes: &[String], granted: &[String]) -> Vec<String> {
    token_scopes
        .iter()
        .filter(|s| granted.contains(s))
        .cloned()
        .collect()
}

/// An API client acts as a supervisor of its center would, or an officer of its
/// administration, within its scopes; it has no session and no second factor.
fn client_as_actor(c: ApiClient, scopes: Vec<String>) -> Actor {
    Actor {
        user_id: c.id,
        session_id: Uuid::nil(),
        role: client_role(c.owner),
        center_id: c.owner.center(),
        administration_id: c.owner.administration(),
        login: c.client_id,
        display_name: c.name,
        totp_enabled: false,
        must_enroll_totp: false,
        must_change_password: false,
        scopes: Some(scopes),
    }
}

crate::facade!(
    /// The token endpoint and client tokens: `services.oauth()`.
    OAuth,
    oauth
);

impl OAuth<'_> {
    /// The client-credentials grant: checks the client's secret and narrows its scopes to
    /// those asked for. Every answer is audited, naming the client.
    #[tracing::instrument(skip_all, fields(client = tracing::field::Empty))]
    pub fn token(
        &self,
        meta: &RequestMeta,
        client_id: &str,
        secret: &str,
        scope: Option<&str>,
    ) -> Result<ClientGrant, TokenRefusal> {
        let now = self.clock.now();
        let creds = self.store.client_credentials(client_id)?;
        let refuse = |code: &str, client: Option<&ApiClient>| {
            let ev = match client {
                Some(c) => token_event(meta, now, c),
                None => AuditDraft::anonymous(meta, now, Action::OauthToken),
            }
            .outcome(Outcome::Denied)
            .detail(code.to_owned());
            if let Err(e) = self.store.append_audit(&[ev]) {
                crate::app::log_unaudited_refusal(&e);
            }
        };
        let Some(creds) = creds else {
            // Spend the hashing time anyway, so an unknown id cannot be told apart.
            let _ = crate::auth::hash_token(secret);
            refuse("invalid_client", None);
            return Err(TokenRefusal::InvalidClient);
        };
        tracing::Span::current().record("client", tracing::field::display(creds.client.id));
        if !creds.accepts(secret, now) || creds.client.revoked_at.is_some() || !creds.owner_active {
            refuse("invalid_client", Some(&creds.client));
            return Err(TokenRefusal::InvalidClient);
        }
        let scopes = match platform::token_scopes(&creds.client.scopes, scope) {
            Ok(s) => s,
            Err(bad) => {
                refuse("invalid_scope", Some(&creds.client));
                return Err(TokenRefusal::InvalidScope(bad));
            }
        };
        let c = &creds.client;
        let ev = token_event(meta, now, c).detail(format!("scopes={}", scopes.join(" ")));
        self.store.append_audit(&[ev])?;
        // Marks it used; a revoked client cannot get here.
        self.store.active_client(c.id, now)?;
        Ok(ClientGrant {
            client: c.id,
            owner: c.owner,
            scopes,
        })
    }

    /// The actor behind a client's access token: the client as it is now (revoked → the
    /// token stops working), with the token's scopes less any the center has withdrawn.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub fn authenticate(&self, id: Uuid, token_scopes: &[String]) -> Result<Actor, DomainError> {
        let c = self.store.active_client(id, self.clock.now())?.ok_or(
            DomainError::Unauthenticated {
                code: "invalid_token",
            },
        )?;
        let scopes = live_scopes(token_scopes, &c.scopes);
        Ok(client_as_actor(c, scopes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_withdrawn_scope_stops_working_at_once() {
        let s = |xs: &[&str]| xs.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            live_scopes(
                &s(&["patients:read", "referrals:read"]),
                &s(&["referrals:read", "reports:read"])
            ),
            s(&["referrals:read"])
        );
        assert!(live_scopes(&s(&["patients:read"]), &[]).is_empty());
    }

    fn client(owner: ClientOwner) -> ApiClient {
        let now = Utc::now();
        ApiClient {
            id: Uuid::now_v7(),
            owner,
            name: "集計".into(),
            client_id: "tsu_x".into(),
            scopes: vec!["regional:read".into()],
            created_by: Uuid::now_v7(),
            created_at: now,
            updated_at: now,
            secret_rotated_at: None,
            previous_secret_expires_at: None,
            revoked_at: None,
            last_used_at: None,
            version: 1,
        }
    }

    #[test]
    fn an_administrations_client_acts_as_its_officer_and_reaches_no_center() {
        use crate::policy::{self, Permission, RegionReach};
        let a = Uuid::now_v7();
        let actor = client_as_actor(
            client(ClientOwner::Administration(a)),
            vec!["regional:read".into()],
        );
        assert_eq!(actor.role, Role::MunicipalOfficer);
        assert_eq!((actor.center_id, actor.administration_id), (None, Some(a)));
        assert_eq!(
            policy::region(&actor, true).unwrap(),
            RegionReach::Administration(a)
        );
        // A patient does not exist for it, and what stays an officer's own act is refused.
        assert_eq!(
            policy::permit(&actor, Permission::CaseWork).unwrap_err(),
            DomainError::NotFound
        );
        assert_eq!(
            policy::in_person_region(&actor),
            Err(policy::insufficient_role())
        );
        assert!(policy::manage_clients(&actor).is_err());

        let c = Uuid::now_v7();
        let actor = client_as_actor(client(ClientOwner::Center(c)), vec![]);
        assert_eq!((actor.role, actor.center_id), (Role::Supervisor, Some(c)));
        assert!(policy::region(&actor, false).is_err());
    }
}
