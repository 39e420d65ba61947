//! Clinical repository: pseudonymous patients, versioned consent, encrypted clinical records.
