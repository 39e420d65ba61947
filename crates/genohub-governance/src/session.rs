//! A principal acting through the hub. Every public operation goes through [`Session::run`]:
//! matrix check, the operation, and one audit entry whatever the outcome.

use genohub_store::engine::Batch;
use genohub_store::Store;

use crate::audit::{AuditEntry, Decision};
use crate::error::{GovernanceError, Result};
use crate::hub::Hub;
use crate::matrix::{scope, Operation, Scope};
use crate::principal::Principal;

pub struct Session<'h> {
    pub(crate) hub: &'h Hub,
    pub(crate) principal: Principal,
}

/// What an operation hands back to [`Session::run`] besides its value.
pub(crate) struct Done {
    /// Changes to commit with the audit entry, atomically.
    pub batch: Batch,
    pub result_size: Option<u64>,
}

impl Done {
    pub fn size(n: u64) -> Done {
        Done { batch: Batch::default(), result_size: Some(n) }
    }

    pub fn write(batch: Batch) -> Done {
        Done { batch, result_size: None }
    }
}

fn decision_of(e: &GovernanceError) -> Decision {
    match e {
        GovernanceError::Unauthenticated(_) => Decision::Unauthenticated,
        GovernanceError::Forbidden(_) => Decision::Forbidden,
        GovernanceError::Refused(_) => Decision::Refused,
        _ => Decision::Failed,
    }
}

impl<'h> Session<'h> {
    pub(crate) fn new(hub: &'h Hub, principal: Principal) -> Session<'h> {
        Session { hub, principal }
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The Ed25519 public key (hex) that verifies the audit log's checkpoints.
    pub fn audit_public_key(&self) -> String {
        self.hub.audit_public_key()
    }

    pub(crate) fn store(&self) -> &Store {
        &self.hub.store
    }

    /// The matrix cell for this principal.
    pub fn scope(&self, op: Operation) -> Scope {
        scope(self.principal.role, op)
    }

    /// Runs an operation: refuses (and audits) when the matrix denies it, otherwise runs `f`
    /// with the granted scope and audits its outcome, committing its changes with the entry.
    pub(crate) fn run<T>(&self, op: Operation, project: Option<&str>, parameters: serde_json::Value, f: impl FnOnce(Scope) -> Result<(T, Done)>) -> Result<T> {
        let granted = self.scope(op);
        let outcome =
            if granted == Scope::Denied { Err(GovernanceError::forbidden(format!("a {} may not {}", self.principal.role, op.name()))) } else { f(granted) };
        if op == Operation::ClinicalWrite && granted != Scope::Denied {
            // Whatever the outcome: patient facts kept from before this call may be stale.
            self.hub.clinical_generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        match outcome {
            Ok((value, done)) => {
                self.audit(op, project, parameters, done.result_size, Decision::Allowed, None, done.batch)?;
                Ok(value)
            }
            Err(e) => {
                self.audit(op, project, parameters, None, decision_of(&e), Some(e.to_string()), Batch::default())?;
                Err(e)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn audit(
        &self,
        op: Operation,
        project: Option<&str>,
        parameters: serde_json::Value,
        result_size: Option<u64>,
        decision: Decision,
        reason: Option<String>,
        batch: Batch,
    ) -> Result<u64> {
        let p = &self.principal;
        let entry = AuditEntry {
            seq: 0,
            time: String::new(),
            actor: p.user.clone(),
            role: Some(p.role),
            org: p.org.clone(),
            token: p.token_id.clone(),
            project: project.map(String::from),
            operation: op.name().to_string(),
            parameters,
            result_size,
            decision,
            reason,
            prev: String::new(),
        };
        self.hub.audit.append(self.hub.store.engine(), entry, batch, self.hub.clock.now())
    }

    /// For operations carried out by other crates (clinical import, consent, record reads):
    /// authorises `op` on an object of organisation `owner` and audits the decision. The caller
    /// performs the operation only on `Ok`.
    pub fn authorize(&self, op: Operation, owner: Option<&str>, parameters: serde_json::Value) -> Result<()> {
        self.run(op, None, parameters, |granted| {
            if granted == Scope::OwnOrg && owner != Some(self.principal.org.as_str()) {
                return Err(GovernanceError::forbidden(format!(
                    "a {} may {} only for its own organisation ({})",
                    self.principal.role,
                    op.name(),
                    self.principal.org
                )));
            }
            Ok(((), Done::write(Batch::default())))
        })
    }
}
