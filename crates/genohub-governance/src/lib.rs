//! Governance: who may ask what, and the audit trail of every answer.
