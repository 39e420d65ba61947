//! Administration: organisations, users, tokens.

use serde_json::json;

use genohub_store::cf;
use genohub_store::engine::Batch;

use crate::error::{GovernanceError, Result};
use crate::matrix::Operation;
use crate::org::{check_id, OrgKind, Organisation};
use crate::registry;
use crate::role::Role;
use crate::session::{Done, Session};
use crate::token::{new_secret, token_hash, IssuedToken, Revocation, TokenRecord};
use crate::user::User;

/// Longest token lifetime an admin may grant.
pub const MAX_TOKEN_DAYS: u32 = 366;

impl Session<'_> {
    pub fn create_org(&self, id: &str, name: &str, kind: OrgKind) -> Result<Organisation> {
        self.run(Operation::OrgCreate, None, json!({"org": id, "name": name, "kind": kind}), |_| {
            check_id("organisation id", id)?;
            if registry::org(self.store().engine(), id)?.is_some() {
                return Err(GovernanceError::input(format!("organisation {id} already exists")));
            }
            let org = Organisation { id: id.to_string(), name: name.to_string(), kind, created: self.hub.clock.unix() };
            let mut b = Batch::default();
            registry::put(&mut b, cf::ORGS, id.as_bytes(), &org);
            Ok((org, Done::write(b)))
        })
    }

    pub fn orgs(&self) -> Result<Vec<Organisation>> {
        self.run(Operation::OrgList, None, json!({}), |_| {
            let all: Vec<Organisation> = registry::scan(self.store().engine(), cf::ORGS, &[])?;
            let n = all.len() as u64;
            Ok((all, Done::size(n)))
        })
    }

    pub fn create_user(&self, name: &str, org: &str, role: Role) -> Result<User> {
        self.run(Operation::UserCreate, None, json!({"user": name, "org": org, "role": role}), |_| {
            check_id("user name", name)?;
            let engine = self.store().engine();
            if registry::user(engine, name)?.is_some() {
                return Err(GovernanceError::input(format!("user {name} already exists")));
            }
            let o = registry::org(engine, org)?
                .ok_or_else(|| GovernanceError::input(format!("unknown organisation {org} (create it with `genohub org create`)")))?;
            if role == Role::Operator || !role.fits(o.kind) {
                return Err(GovernanceError::input(format!("a {} organisation ({org}) cannot have a {role}", o.kind)));
            }
            let user = User { name: name.to_string(), org: org.to_string(), role, created: self.hub.clock.unix(), disabled: false };
            let mut b = Batch::default();
            registry::put(&mut b, cf::USERS, name.as_bytes(), &user);
            Ok((user, Done::write(b)))
        })
    }

    pub fn users(&self) -> Result<Vec<User>> {
        self.run(Operation::UserList, None, json!({}), |_| {
            let all: Vec<User> = registry::scan(self.store().engine(), cf::USERS, &[])?;
            let n = all.len() as u64;
            Ok((all, Done::size(n)))
        })
    }

    /// Disables a user: their tokens stop working at once.
    pub fn disable_user(&self, name: &str) -> Result<User> {
        self.run(Operation::UserDisable, None, json!({"user": name}), |_| {
            let mut user = registry::user(self.store().engine(), name)?.ok_or_else(|| GovernanceError::NotFound(format!("unknown user {name}")))?;
            user.disabled = true;
            let mut b = Batch::default();
            registry::put(&mut b, cf::USERS, name.as_bytes(), &user);
            Ok((user, Done::write(b)))
        })
    }

    /// Issues a token for `user`, valid for `days`. The secret is in the result only.
    pub fn create_token(&self, user: &str, days: u32, label: &str) -> Result<IssuedToken> {
        self.run(Operation::TokenCreate, None, json!({"user": user, "days": days, "label": label}), |_| {
            if days == 0 || days > MAX_TOKEN_DAYS {
                return Err(GovernanceError::input(format!("token lifetime {days} days: give 1 to {MAX_TOKEN_DAYS}")));
            }
            let u = registry::user(self.store().engine(), user)?.ok_or_else(|| GovernanceError::input(format!("unknown user {user}")))?;
            if u.disabled {
                return Err(GovernanceError::input(format!("user {user} is disabled")));
            }
            let secret = new_secret();
            let hash = token_hash(&self.hub.key, &secret)?;
            let now = self.hub.clock.unix();
            let record = TokenRecord {
                id: hash[..12].to_string(),
                user: user.to_string(),
                created: now,
                expires: now + i64::from(days) * 86_400,
                label: label.to_string(),
                created_by: self.principal.user.clone(),
                revoked: None,
            };
            let mut b = Batch::default();
            registry::put(&mut b, cf::TOKENS, hash.as_bytes(), &record);
            Ok((IssuedToken { secret, record }, Done::write(b)))
        })
    }

    pub fn tokens(&self, user: Option<&str>) -> Result<Vec<TokenRecord>> {
        self.run(Operation::TokenList, None, json!({"user": user}), |_| {
            let all: Vec<TokenRecord> =
                registry::tokens(self.store().engine())?.into_iter().map(|(_, t)| t).filter(|t| user.is_none_or(|u| t.user == u)).collect();
            let n = all.len() as u64;
            Ok((all, Done::size(n)))
        })
    }

    pub fn revoke_token(&self, id: &str) -> Result<TokenRecord> {
        self.run(Operation::TokenRevoke, None, json!({"token": id}), |_| {
            let matches: Vec<(Vec<u8>, TokenRecord)> = registry::tokens(self.store().engine())?.into_iter().filter(|(_, t)| t.id == id).collect();
            let Some((key, mut t)) = matches.into_iter().next() else { return Err(GovernanceError::NotFound(format!("unknown token {id}"))) };
            if t.revoked.is_some() {
                return Err(GovernanceError::input(format!("token {id} is already revoked")));
            }
            t.revoked = Some(Revocation { at: self.hub.clock.unix(), by: self.principal.user.clone() });
            let mut b = Batch::default();
            registry::put(&mut b, cf::TOKENS, &key, &t);
            Ok((t, Done::write(b)))
        })
    }
}
