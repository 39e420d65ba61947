//! The governed facade: a store, the hub key, the clinical source and a clock. Every caller (CLI,
//! server) authenticates here and then acts through a [`Session`], which authorises each
//! operation by the matrix, applies policy and disclosure control, and audits the outcome.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use genohub_keys::HubKey;
use genohub_store::cf;
use genohub_store::Store;

use crate::audit::{AuditEntry, AuditLog, Decision};
use crate::clinical_source::{ClinicalRepository, ClinicalSource};
use crate::clock::Clock;
use crate::error::{GovernanceError, Result};
use crate::facts_cache::CachedFacts;
use crate::lookup_cache::LookupCache;
use crate::oncotree::OncoTree;
use crate::principal::Principal;
use crate::registry;
use crate::scope_cache::ScopeCache;
use crate::session::Session;
use crate::token::token_hash;
use crate::token::TokenRecord;

pub struct Hub {
    pub(crate) store: Store,
    pub(crate) key: HubKey,
    pub(crate) audit: AuditLog,
    pub(crate) clock: Clock,
    pub(crate) clinical: CachedFacts,
    pub(crate) oncotree: Option<OncoTree>,
    /// Serialises the check-then-remember of differencing protection and budgets.
    pub(crate) gate: std::sync::Mutex<()>,
    /// Bumped when a `clinical.write` call finishes: patient facts kept from before are stale.
    pub(crate) clinical_generation: Arc<AtomicU64>,
    /// Consent scopes and the store's resolved samples, kept between calls.
    pub(crate) scopes: ScopeCache,
    /// Variant lookups' counts, kept between calls.
    pub(crate) lookups: LookupCache,
}

impl Hub {
    /// A hub over a store opened for writing (every governed call appends to the audit log),
    /// learning about patients from the clinical repository in the same store.
    pub fn new(store: Store, key: HubKey) -> Result<Hub> {
        if store.engine().is_read_only() {
            return Err(GovernanceError::input(format!(
                "{}: governed access needs the store open for writing (every call is audited)",
                store.root().display()
            )));
        }
        let audit = AuditLog::new(&key);
        let generation = Arc::new(AtomicU64::new(0));
        let clinical = CachedFacts::new(Box::new(ClinicalRepository), generation.clone());
        Ok(Hub {
            store,
            key,
            audit,
            clock: Clock::System,
            clinical,
            oncotree: None,
            gate: std::sync::Mutex::new(()),
            clinical_generation: generation,
            scopes: ScopeCache::default(),
            lookups: LookupCache::default(),
        })
    }

    /// Keeps the counts of up to `entries` variant lookups between calls (default
    /// [`DEFAULT_LOOKUPS_KEPT`](crate::DEFAULT_LOOKUPS_KEPT)); 0 counts every lookup afresh.
    pub fn with_lookup_cache(mut self, entries: usize) -> Hub {
        self.lookups = LookupCache::new(entries);
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> Hub {
        self.clock = clock;
        self
    }

    pub fn with_clinical(mut self, clinical: Box<dyn ClinicalSource>) -> Hub {
        self.clinical = CachedFacts::new(clinical, self.clinical_generation.clone());
        self.scopes.clear();
        self
    }

    /// DS consents then cover OncoTree subtypes of their disease (exact matches only without).
    pub fn with_oncotree(mut self, tree: OncoTree) -> Hub {
        self.oncotree = Some(tree);
        self.scopes.clear();
        self
    }

    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// The store back, for the local operator's command that runs after its audit entry is
    /// written: a read-write open costs RocksDB an OPTIONS file rewrite, so the CLI opens once.
    pub fn into_store(self) -> Store {
        self.store
    }

    /// The audit log's Ed25519 public key (hex), to verify exported checkpoints elsewhere.
    pub fn audit_public_key(&self) -> String {
        hex::encode(self.audit.public_key().as_bytes())
    }

    pub(crate) fn is_a(&self) -> impl Fn(&str, &str) -> bool + '_ {
        move |child: &str, parent: &str| self.oncotree.as_ref().is_some_and(|t| t.is_a(child, parent))
    }

    /// The session of whoever runs the CLI on this store without a token.
    pub fn operator(&self) -> Session<'_> {
        Session::new(self, Principal::local_operator())
    }

    /// Whether the store's contig dictionary names `contig` (metadata: no sample, no patient).
    /// Bytes the store takes on disk (what an operator sees before and after a purge).
    pub fn disk_bytes(&self) -> u64 {
        self.store.disk_bytes()
    }

    pub fn contig_known(&self, contig: &str) -> Result<bool> {
        Ok(self.store.contig_id(contig)?.is_some())
    }

    /// The genome builds of the committed batches (metadata).
    pub fn genome_builds(&self) -> Result<Vec<String>> {
        Ok(self.store.committed_batches()?.into_iter().filter_map(|b| b.build).collect())
    }

    /// The session of a caller without a token (public Beacon answers, statistics): only what
    /// the matrix's `anonymous` column allows, audited like every other call.
    pub fn anonymous(&self) -> Session<'_> {
        Session::new(self, Principal::anonymous())
    }

    /// Resolves a token to its user's session. Failures are audited (without the secret).
    pub fn authenticate(&self, token: &str) -> Result<Session<'_>> {
        match self.principal_of(token) {
            Ok(p) => Ok(Session::new(self, p)),
            Err((who, e)) => {
                let entry = AuditEntry {
                    seq: 0,
                    time: String::new(),
                    actor: who.as_ref().map_or_else(|| "unknown".into(), |(u, _)| u.clone()),
                    role: None,
                    org: String::new(),
                    token: who.map(|(_, id)| id),
                    project: None,
                    operation: "authenticate".into(),
                    parameters: serde_json::Value::Null,
                    result_size: None,
                    decision: Decision::Unauthenticated,
                    reason: Some(e.to_string()),
                    prev: String::new(),
                };
                self.audit.append(self.store.engine(), entry, Default::default(), self.clock.now())?;
                Err(e)
            }
        }
    }

    #[allow(clippy::type_complexity, clippy::result_large_err)]
    fn principal_of(&self, token: &str) -> std::result::Result<Principal, (Option<(String, String)>, GovernanceError)> {
        let engine = self.store.engine();
        let unauth = |who: Option<(String, String)>, m: &str| (who, GovernanceError::Unauthenticated(m.to_string()));
        let hash = token_hash(&self.key, token).map_err(|e| (None, e))?;
        let record: Option<TokenRecord> = registry::get(engine, cf::TOKENS, hash.as_bytes()).map_err(|e| (None, e))?;
        let Some(t) = record else { return Err(unauth(None, "unknown token")) };
        let who = Some((t.user.clone(), t.id.clone()));
        if t.revoked.is_some() {
            return Err(unauth(who, "token revoked"));
        }
        if self.clock.unix() >= t.expires {
            return Err(unauth(who, "token expired"));
        }
        let user = registry::user(engine, &t.user).map_err(|e| (who.clone(), e))?;
        let Some(user) = user else { return Err(unauth(who, "the token's user no longer exists")) };
        if user.disabled {
            return Err(unauth(who, "user disabled"));
        }
        let org = registry::org(engine, &user.org).map_err(|e| (who.clone(), e))?;
        let Some(org) = org else { return Err(unauth(who, "the user's organisation no longer exists")) };
        Ok(Principal { user: user.name, org: org.id, org_kind: Some(org.kind), role: user.role, token_id: Some(t.id) })
    }
}
