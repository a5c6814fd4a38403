//! API tokens: who is asking, and may they.
//!
//! Configuration stores only the SHA-256 of each token, so a leaked config file does
//! not leak access. A presented token is hashed and looked up; comparing digests
//! rather than tokens means timing says nothing about the secret.

use cuenca_config::{Role, TokenConfig};
use cuenca_model::NationId;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The holder of a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub nation: NationId,
    pub role: Role,
    pub label: String,
}

/// Lower-case hex SHA-256 of `token`, as configuration stores it.
///
/// ```
/// assert_eq!(
///     cuenca_server::auth::hash_token("demo-mex-viewer"),
///     "e83fbe6fcc803818ea2fcadbee1581bd05e73f32e89609640aa9ca3ed7b3c02d"
/// );
/// ```
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The configured tokens, by hash.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    by_hash: HashMap<String, Principal>,
}

impl Tokens {
    /// From the `[[tokens]]` section.
    pub fn new(list: &[TokenConfig]) -> Tokens {
        Tokens {
            by_hash: list
                .iter()
                .map(|t| {
                    (
                        t.sha256.clone(),
                        Principal {
                            nation: t.nation,
                            role: t.role,
                            label: t.label.clone(),
                        },
                    )
                })
                .collect(),
        }
    }

    /// Who holds `token`, if anyone.
    pub fn check(&self, token: &str) -> Option<&Principal> {
        self.by_hash.get(&hash_token(token))
    }
}

/// The role's name as the API and the audit log spell it.
pub fn role_name(r: Role) -> &'static str {
    match r {
        Role::Viewer => "viewer",
        Role::Operator => "operator",
        Role::Admin => "admin",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_tokens_resolve_and_others_do_not() {
        let cfg = cuenca_config::Config::embedded().unwrap();
        let t = Tokens::new(&cfg.tokens);
        let p = t.check("demo-col-operator").unwrap();
        assert_eq!((p.nation.as_str(), p.role), ("COL", Role::Operator));
        assert_eq!(t.check("demo-usa-admin").unwrap().role, Role::Admin);
        assert!(t.check("demo-col-operator ").is_none());
        assert!(t.check("").is_none());
        // The hash itself is not a token.
        assert!(t.check(&hash_token("demo-mex-viewer")).is_none());
    }
}
