//! What one pool's verifier requires of a token's claims once its signature holds: the app
//! client, the token use, scopes, groups, and the validity window with its grace.
#![forbid(unsafe_code)]

use super::jwt::{Audience, Claim, Claims};
use super::refused;
use crate::error::{code::jwt as code, Error, Result};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    Id,
    Access,
}

impl TokenUse {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "id" => Some(Self::Id),
            "access" => Some(Self::Access),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Access => "access",
        }
    }
}

/// The checks of one pool, as its options or one verification's give them. The outer `None`
/// is "not given here" (left to the verifier's options, or, for `token_use` and `client_ids`,
/// still to be given by each verification); the inner `None` is the explicit "no check" (null).
/// A list passes when the token has any of its items (as aws-jwt-verify checks `clientId`,
/// `scope` and `groups`).
#[derive(Debug, Clone, Default)]
pub struct Checks {
    pub token_use: Option<Option<TokenUse>>,
    pub client_ids: Option<Option<Vec<String>>>,
    /// An access token's `aud` (RFC 8707: tokens bound to a resource server); id tokens' `aud` is
    /// their client, checked by `client_ids`.
    pub audiences: Option<Option<Vec<String>>>,
    pub scopes: Option<Option<Vec<String>>>,
    pub groups: Option<Option<Vec<String>>>,
    pub grace_seconds: Option<u64>,
    /// An OIDC issuer's, not a Cognito pool's: no `token_use`, `client_id` or `cognito:groups`
    /// (as aws-jwt-verify's `JwtVerifier`); `audience` is then what must be given, and it checks
    /// every token's `aud`.
    pub generic: bool,
}

fn has_any<'a>(have: impl IntoIterator<Item = &'a str>, wanted: &[String]) -> bool {
    have.into_iter().any(|h| wanted.iter().any(|w| w == h))
}

impl Checks {
    /// These checks with what `call` gives in their place (a verification's own options).
    pub fn under(&self, call: &Checks) -> Checks {
        Checks {
            token_use: call.token_use.or(self.token_use),
            client_ids: call.client_ids.clone().or_else(|| self.client_ids.clone()),
            audiences: call.audiences.clone().or_else(|| self.audiences.clone()),
            scopes: call.scopes.clone().or_else(|| self.scopes.clone()),
            groups: call.groups.clone().or_else(|| self.groups.clone()),
            grace_seconds: call.grace_seconds.or(self.grace_seconds),
            generic: self.generic,
        }
    }

    /// What must be given, to the verifier or to each verification, or the error naming what is
    /// not: a pool's `tokenUse` and `clientId`, an OIDC issuer's `audience`.
    pub fn must_be_given(&self) -> Result<(Option<TokenUse>, Option<&Vec<String>>)> {
        let must_give = |name: &str, null_means: &str| {
            Error::invalid_param(format!(
                "{name} must be given, to the verifier or to the verification ({null_means})"
            ))
        };
        if self.generic {
            self.audiences
                .as_ref()
                .ok_or_else(|| must_give("audience", "an audience, a list, or null for any"))?;
            return Ok((None, None));
        }
        let wanted_use = self
            .token_use
            .ok_or_else(|| must_give("tokenUse", "'id', 'access', or null for either"))?;
        let wanted_clients = self.client_ids.as_ref().ok_or_else(|| {
            must_give("clientId", "an id, a list of ids, or null for every client")
        })?;
        Ok((wanted_use, wanted_clients.as_ref()))
    }

    /// Every check on `claims` at `now` (seconds since the epoch); the first that fails answers.
    /// What must be given and is not, at creation or by the verification, refuses every token
    /// (400), as aws-jwt-verify does: no verifier accepts every app client by omission.
    pub fn check(&self, claims: &Claims, now: f64) -> Result<()> {
        let (wanted_use, wanted_clients) = self.must_be_given()?;
        let grace = self.grace_seconds.unwrap_or(0) as f64;
        let exp = claims
            .exp
            .ok_or_else(|| refused(code::MALFORMED, "it has no exp claim"))?;
        if now >= exp + grace {
            let err = refused(code::EXPIRED, "it has expired");
            return Err(err.with_assertion(json!(exp), json!(now)));
        }
        if let Some(nbf) = claims.nbf.filter(|nbf| now + grace < *nbf) {
            let err = refused(code::NOT_YET_VALID, "it is not valid yet (nbf)");
            return Err(err.with_assertion(json!(nbf), json!(now)));
        }
        let claimed_groups = if self.generic {
            self.check_audience(claims)?;
            None
        } else {
            self.check_cognito(claims, wanted_use, wanted_clients)?
        };
        if let Some(scopes) = self.scopes.iter().flatten().next() {
            if !has_any(
                claims.scope.as_deref().unwrap_or_default().split(' '),
                scopes,
            ) {
                let err = refused(code::MISSING_SCOPE, "it has none of the scopes asked for");
                return Err(err.with_assertion(json!(claims.scope), json!(scopes)));
            }
        }
        if let Some(groups) = self.groups.iter().flatten().next() {
            let names: Vec<&str> = claimed_groups
                .into_iter()
                .flatten()
                .map(|g| g.as_ref())
                .collect();
            if !has_any(names.iter().copied(), groups) {
                let err = refused(code::MISSING_GROUP, "it has none of the groups asked for");
                return Err(err.with_assertion(json!(names), json!(groups)));
            }
        }
        Ok(())
    }

    /// `audience` against the token's `aud`, when asked for.
    fn check_audience(&self, claims: &Claims) -> Result<()> {
        let Some(audiences) = self.audiences.iter().flatten().next() else {
            return Ok(());
        };
        let aud: Vec<&str> = match &claims.aud {
            Some(Audience::One(one)) => vec![one.as_ref()],
            Some(Audience::Several(several)) => several.iter().map(|a| a.as_ref()).collect(),
            None => Vec::new(),
        };
        if has_any(aud.iter().copied(), audiences) {
            return Ok(());
        }
        let err = refused(
            code::WRONG_AUDIENCE,
            "it is not for the audience asked for (aud)",
        );
        // As aws-jwt-verify reports it: `aud` as the token carries it, one audience as a string.
        let actual = match &claims.aud {
            Some(Audience::One(one)) => json!(one.as_ref()),
            _ => json!(aud),
        };
        let expected = match audiences.as_slice() {
            [one] => json!(one),
            several => json!(several),
        };
        Err(err.with_assertion(actual, expected))
    }

    /// A Cognito token's own claims: its use, its app client, an access token's resource
    /// (`audience`), and the type of its groups, which it answers with.
    fn check_cognito<'c>(
        &self,
        claims: &'c Claims,
        wanted_use: Option<TokenUse>,
        wanted_clients: Option<&Vec<String>>,
    ) -> Result<Option<&'c Vec<std::borrow::Cow<'c, str>>>> {
        let used_as = claims
            .token_use
            .as_ref()
            .and_then(Claim::typed)
            .and_then(|name| TokenUse::from_name(name))
            .ok_or_else(|| {
                refused(
                    code::WRONG_TOKEN_USE,
                    "it is neither an id nor an access token",
                )
            })?;
        if let Some(wanted) = wanted_use.filter(|wanted| *wanted != used_as) {
            let err = refused(code::WRONG_TOKEN_USE, "it is not the token use asked for");
            return Err(err.with_assertion(json!(used_as.name()), json!(wanted.name())));
        }
        if let Some(clients) = wanted_clients {
            let client = if used_as == TokenUse::Id {
                match &claims.aud {
                    Some(Audience::One(aud)) => Some(aud.as_ref()),
                    // Cognito's id tokens name one client; a list is not one of them.
                    Some(Audience::Several(_)) => {
                        return Err(refused(
                            code::WRONG_CLIENT,
                            "its aud is a list, where a Cognito id token names one client",
                        ))
                    }
                    None => None,
                }
            } else {
                match &claims.client_id {
                    Some(Claim::Typed(id)) => Some(id.as_ref()),
                    Some(Claim::Wrong) => {
                        return Err(refused(code::WRONG_CLIENT, "its client_id is not a string"))
                    }
                    None => None,
                }
            };
            if !has_any(client, clients) {
                let err = refused(code::WRONG_CLIENT, "it was issued to another app client");
                return Err(err.with_assertion(json!(client), json!(clients)));
            }
        }
        // An id token's aud is its app client, checked above.
        if used_as == TokenUse::Access {
            self.check_audience(claims)?;
        }
        // Refused whether or not groups are asked for: a backend that reads the claim itself
        // must not find a string where Cognito puts a list (`'xadminsx'.includes('admins')`).
        match &claims.groups {
            Some(Claim::Wrong) => Err(refused(
                code::MISSING_GROUP,
                "its cognito:groups is not an array of strings",
            )),
            Some(Claim::Typed(groups)) => Ok(Some(groups)),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that check nothing but the validity window.
    fn none() -> Checks {
        Checks {
            token_use: Some(None),
            client_ids: Some(None),
            ..Checks::default()
        }
    }

    fn failure(checks: &Checks, json: &str, now: f64) -> &'static str {
        let claims: Claims = serde_json::from_str(json).unwrap();
        match checks.check(&claims, now) {
            Ok(()) => "ok",
            Err(e) => [
                code::MALFORMED,
                code::EXPIRED,
                code::NOT_YET_VALID,
                code::WRONG_TOKEN_USE,
                code::WRONG_CLIENT,
                code::WRONG_AUDIENCE,
                code::MISSING_SCOPE,
                code::MISSING_GROUP,
            ]
            .into_iter()
            .find(|c| *c == e.code)
            .unwrap(),
        }
    }

    const ID: &str = r#"{"token_use":"id","aud":"c1","exp":1000}"#;
    const ACCESS: &str = r#"{"token_use":"access","client_id":"c2","exp":1000,"nbf":900,"scope":"a b","cognito:groups":["g1","g2"]}"#;

    #[test]
    fn validity_window_with_grace() {
        let nothing = none();
        assert_eq!(failure(&nothing, ID, 999.5), "ok");
        assert_eq!(failure(&nothing, ID, 1000.0), code::EXPIRED);
        let graced = Checks {
            grace_seconds: Some(60),
            ..none()
        };
        assert_eq!(failure(&graced, ID, 1059.0), "ok");
        assert_eq!(failure(&nothing, ACCESS, 899.0), code::NOT_YET_VALID);
        assert_eq!(failure(&graced, ACCESS, 841.0), "ok");
        assert_eq!(
            failure(&nothing, r#"{"token_use":"id"}"#, 1.0),
            code::MALFORMED
        );
    }

    #[test]
    fn token_use_and_client_in_the_claim_of_each_use() {
        let id_only = Checks {
            token_use: Some(Some(TokenUse::Id)),
            ..none()
        };
        assert_eq!(failure(&id_only, ID, 1.0), "ok");
        assert_eq!(failure(&id_only, ACCESS, 950.0), code::WRONG_TOKEN_USE);
        assert_eq!(
            failure(&none(), r#"{"token_use":"refresh","exp":9}"#, 1.0),
            code::WRONG_TOKEN_USE
        );
        let clients = Checks {
            client_ids: Some(Some(vec!["c1".into(), "c2".into()])),
            ..none()
        };
        assert_eq!(failure(&clients, ID, 1.0), "ok");
        assert_eq!(failure(&clients, ACCESS, 950.0), "ok");
        let c3 = Checks {
            client_ids: Some(Some(vec!["c3".into()])),
            ..none()
        };
        assert_eq!(failure(&c3, ID, 1.0), code::WRONG_CLIENT);
        // An access token's aud is not its client: only client_id counts.
        assert_eq!(
            failure(&c3, r#"{"token_use":"access","aud":"c3","exp":9}"#, 1.0),
            code::WRONG_CLIENT
        );
    }

    #[test]
    fn cognitos_claims_of_the_wrong_type_fail_their_own_check() {
        let nothing = none();
        let clients = Checks {
            client_ids: Some(Some(vec!["c1".into()])),
            ..none()
        };
        for (checks, json, code) in [
            (
                &nothing,
                r#"{"token_use":1,"exp":9}"#,
                code::WRONG_TOKEN_USE,
            ),
            (
                &nothing,
                r#"{"token_use":["id"],"exp":9}"#,
                code::WRONG_TOKEN_USE,
            ),
            (
                &nothing,
                r#"{"token_use":null,"exp":9}"#,
                code::WRONG_TOKEN_USE,
            ),
            (
                &clients,
                r#"{"token_use":"access","client_id":["c1"],"exp":9}"#,
                code::WRONG_CLIENT,
            ),
            (
                &clients,
                r#"{"token_use":"id","aud":["c1"],"exp":9}"#,
                code::WRONG_CLIENT,
            ),
            (
                &nothing,
                r#"{"token_use":"id","cognito:groups":"admins","exp":9}"#,
                code::MISSING_GROUP,
            ),
            (
                &nothing,
                r#"{"token_use":"id","cognito:groups":["a",1],"exp":9}"#,
                code::MISSING_GROUP,
            ),
        ] {
            assert_eq!(failure(checks, json, 1.0), code, "{json}");
        }
        // Unchecked, a client_id of the wrong type is no one's business (as in aws-jwt-verify).
        assert_eq!(
            failure(
                &nothing,
                r#"{"token_use":"access","client_id":7,"exp":9}"#,
                1.0
            ),
            "ok"
        );
    }

    #[test]
    fn a_verifications_own_checks_go_over_the_verifiers_and_tokenuse_clientid_must_be_given() {
        let unset = Checks::default();
        let err = unset.must_be_given().unwrap_err();
        assert_eq!(err.code, crate::error::code::INVALID_PARAMETER);
        assert!(
            err.message.starts_with("tokenUse must be given"),
            "{}",
            err.message
        );
        let call = Checks {
            token_use: Some(Some(TokenUse::Access)),
            client_ids: Some(Some(vec!["c2".into()])),
            ..Checks::default()
        };
        assert_eq!(failure(&unset.under(&call), ACCESS, 950.0), "ok");
        assert_eq!(failure(&unset.under(&call), ID, 1.0), code::WRONG_TOKEN_USE);
        // An explicit null in the call turns the verifier's own check off; absent keeps it.
        let scoped = Checks {
            scopes: Some(Some(vec!["x".into()])),
            ..none()
        };
        assert_eq!(
            failure(&scoped.under(&none()), ACCESS, 950.0),
            code::MISSING_SCOPE
        );
        let unscoped = Checks {
            scopes: Some(None),
            ..Checks::default()
        };
        assert_eq!(failure(&scoped.under(&unscoped), ACCESS, 950.0), "ok");
    }

    #[test]
    fn an_access_tokens_resource_is_its_aud() {
        let bound = Checks {
            audiences: Some(Some(vec!["https://api.example".into()])),
            ..none()
        };
        let access = |aud: &str| format!(r#"{{"token_use":"access","exp":9{aud}}}"#);
        assert_eq!(
            failure(&bound, &access(r#","aud":"https://api.example""#), 1.0),
            "ok"
        );
        assert_eq!(
            failure(
                &bound,
                &access(r#","aud":["x","https://api.example"]"#),
                1.0
            ),
            "ok"
        );
        assert_eq!(failure(&bound, &access(""), 1.0), code::WRONG_AUDIENCE);
        assert_eq!(
            failure(&bound, &access(r#","aud":"x""#), 1.0),
            code::WRONG_AUDIENCE
        );
        // An id token's aud is its app client, checked by clientId alone.
        assert_eq!(failure(&bound, ID, 1.0), "ok");
    }

    #[test]
    fn any_of_the_scopes_and_groups() {
        let scope = |s: &[&str]| Checks {
            scopes: Some(Some(s.iter().map(|s| s.to_string()).collect())),
            ..none()
        };
        let group = |g: &[&str]| Checks {
            groups: Some(Some(g.iter().map(|s| s.to_string()).collect())),
            ..none()
        };
        assert_eq!(failure(&scope(&["x", "b"]), ACCESS, 950.0), "ok");
        assert_eq!(
            failure(&scope(&["a b"]), ACCESS, 950.0),
            code::MISSING_SCOPE
        );
        assert_eq!(failure(&scope(&["x"]), ID, 1.0), code::MISSING_SCOPE);
        assert_eq!(failure(&group(&["g2"]), ACCESS, 950.0), "ok");
        assert_eq!(failure(&group(&["g3"]), ACCESS, 950.0), code::MISSING_GROUP);
        assert_eq!(failure(&group(&["g1"]), ID, 1.0), code::MISSING_GROUP);
    }
}
