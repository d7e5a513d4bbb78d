//! A compact JWS split and decoded, not yet trusted: its header, its claims, the bytes the
//! signature covers and the signature.
#![forbid(unsafe_code)]

use super::refused;
use crate::error::{code::jwt as code, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;
use std::borrow::Cow;

/// Cognito's tokens are a few KiB even with many groups; past this a string is not one of them
/// and is not decoded.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// The signature algorithms a Cognito or OIDC JWKS can name. HMAC and `none` are not here: a
/// public key can never verify them. EdDSA is Ed25519's (RFC 8037); Ed448 is not offered by
/// AWS-LC's Rust API, so an Ed448 key is refused as unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    Rs256,
    Rs384,
    Rs512,
    Es256,
    Es384,
    Es512,
    EdDsa,
}

impl Alg {
    pub const RSA: [Alg; 3] = [Alg::Rs256, Alg::Rs384, Alg::Rs512];

    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "RS256" => Self::Rs256,
            "RS384" => Self::Rs384,
            "RS512" => Self::Rs512,
            "ES256" => Self::Es256,
            "ES384" => Self::Es384,
            "ES512" => Self::Es512,
            "EdDSA" => Self::EdDsa,
            _ => return None,
        })
    }

    /// The algorithm an EC key of this JWK curve signs with.
    pub fn for_curve(crv: &str) -> Option<Self> {
        Some(match crv {
            "P-256" => Self::Es256,
            "P-384" => Self::Es384,
            "P-521" => Self::Es512,
            _ => return None,
        })
    }
}

#[derive(Deserialize)]
pub struct Header {
    pub alg: Option<String>,
    pub kid: Option<String>,
}

pub struct Jwt<'t> {
    pub alg: Alg,
    pub kid: String,
    /// The claims as the token carries them: a JSON object's text, handed to the caller as is.
    pub payload: String,
    /// `header.payload`, as the signature covers it.
    pub signed: &'t [u8],
    /// The signature as the token carries it (base64url), decoded when a key checks it: a key or
    /// an algorithm that does not fit answers first.
    pub signature_b64: &'t str,
    padding: Padding,
}

/// The claims a verifier checks or type-checks, read from the payload without copying. A claim
/// of the standard JWT set with the wrong type (a numeric `sub`, a string `iat`), or any checked
/// claim that appears twice, makes the token malformed: what is checked is what the caller reads.
/// Cognito's own claims of the wrong type are kept as [`Claim::Wrong`], so that the check they
/// fail answers with its own code, as aws-jwt-verify's does.
#[derive(Deserialize)]
pub struct Claims<'a> {
    #[serde(borrow)]
    pub iss: Option<Cow<'a, str>>,
    pub exp: Option<f64>,
    pub nbf: Option<f64>,
    #[serde(rename = "iat")]
    _iat: Option<IsNumber>,
    #[serde(rename = "sub")]
    _sub: Option<IsString>,
    #[serde(rename = "jti")]
    _jti: Option<IsString>,
    #[serde(borrow)]
    pub aud: Option<Audience<'a>>,
    #[serde(borrow)]
    pub scope: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub token_use: Option<Claim<Cow<'a, str>>>,
    #[serde(borrow)]
    pub client_id: Option<Claim<Cow<'a, str>>>,
    #[serde(borrow, rename = "cognito:groups")]
    pub groups: Option<Claim<Vec<Cow<'a, str>>>>,
}

/// `aud`: one audience or several (RFC 7519 4.1.3); anything else is malformed.
pub enum Audience<'a> {
    One(Cow<'a, str>),
    Several(Vec<Cow<'a, str>>),
}

/// A claim as its check reads it: of the type it must have, or of another.
pub enum Claim<T> {
    Typed(T),
    Wrong,
}

impl<T> Claim<T> {
    pub fn typed(&self) -> Option<&T> {
        match self {
            Self::Typed(value) => Some(value),
            Self::Wrong => None,
        }
    }
}

/// A claim's value as far as any check looks at it: a string, an array of strings (None when an
/// item is not one), or anything else. Read without copying, and always whole.
enum Shape<'de> {
    Text(Cow<'de, str>),
    Texts(Option<Vec<Cow<'de, str>>>),
    Other,
}

impl<'de> Deserialize<'de> for Shape<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        macro_rules! other {
            ($($method:ident($($arg:ty)?)),*) => {
                $(fn $method<E: serde::de::Error>(self $(, _: $arg)?) -> std::result::Result<Shape<'de>, E> {
                    Ok(Shape::Other)
                })*
            };
        }
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Shape<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
                Ok(Shape::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(Shape::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut items = Some(Vec::new());
                while let Some(item) = seq.next_element::<Shape<'de>>()? {
                    match (item, &mut items) {
                        (Shape::Text(text), Some(list)) => list.push(text),
                        _ => items = None,
                    }
                }
                Ok(Shape::Texts(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Shape::Other)
            }
            other!(
                visit_bool(bool),
                visit_i64(i64),
                visit_u64(u64),
                visit_f64(f64),
                visit_unit()
            );
        }
        d.deserialize_any(Visitor)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Audience<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match Shape::deserialize(d)? {
            Shape::Text(one) => Ok(Self::One(one)),
            Shape::Texts(Some(several)) => Ok(Self::Several(several)),
            _ => Err(serde::de::Error::custom("aud is not a string or strings")),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Claim<Cow<'a, str>> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(match Shape::deserialize(d)? {
            Shape::Text(text) => Self::Typed(text),
            _ => Self::Wrong,
        })
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Claim<Vec<Cow<'a, str>>> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(match Shape::deserialize(d)? {
            Shape::Texts(Some(texts)) => Self::Typed(texts),
            _ => Self::Wrong,
        })
    }
}

/// A claim whose type is checked and whose value no check needs.
struct IsString;
struct IsNumber;

impl<'de> Deserialize<'de> for IsString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match Claim::<Cow<'de, str>>::deserialize(d)? {
            Claim::Typed(_) => Ok(Self),
            Claim::Wrong => Err(serde::de::Error::custom("not a string")),
        }
    }
}

impl<'de> Deserialize<'de> for IsNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        f64::deserialize(d).map(|_| Self)
    }
}

fn base64url(encoded: &str, what: &str, padding: Padding) -> Result<Vec<u8>> {
    let encoded = match padding {
        Padding::Refused => encoded,
        Padding::Allowed => encoded
            .strip_suffix("==")
            .or_else(|| encoded.strip_suffix('='))
            .unwrap_or(encoded),
    };
    URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|_| refused(code::MALFORMED, &format!("its {what} is not base64url")))
}

/// Whether a token's parts may end in `=` padding. RFC 7515 has none, and neither has any token
/// Cognito or an OIDC provider issues; an AWS load balancer pads each part of the tokens it signs
/// (and signs the padded text), so its verifier allows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    Refused,
    Allowed,
}

/// The token's three parts, decoded; its algorithm one a public key verifies and its `kid` present.
pub fn decode(token: &str, padding: Padding) -> Result<Jwt<'_>> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(refused(code::MALFORMED, "it is larger than any JWT"));
    }
    let mut parts = token.splitn(3, '.');
    let (Some(header), Some(payload), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(refused(
            code::MALFORMED,
            "it is not three dot-separated parts",
        ));
    };
    // Both parts are read before anything is judged, so that a token that is no JWT is a
    // JwtParseError whatever its header names (as aws-jwt-verify answers).
    let head: Header = serde_json::from_slice(&base64url(header, "header", padding)?)
        .map_err(|_| refused(code::MALFORMED, "its header is not a JSON object"))?;
    let text = String::from_utf8(base64url(payload, "payload", padding)?)
        .map_err(|_| refused(code::MALFORMED, "its payload is not UTF-8"))?;
    let object = text.trim_start();
    if !object.starts_with('{') {
        return Err(refused(code::MALFORMED, "its payload is not a JSON object"));
    }
    let alg = head
        .alg
        .ok_or_else(|| refused(code::BAD_ALGORITHM, "its header names no algorithm (alg)"))?;
    let alg = Alg::from_name(&alg).ok_or_else(|| {
        refused(
            code::BAD_ALGORITHM,
            "its algorithm is not RS256/384/512, ES256/384/512 or EdDSA",
        )
    })?;
    let kid = head
        .kid
        .filter(|kid| !kid.is_empty())
        .ok_or_else(|| refused(code::NO_KID, "its header names no key (kid)"))?;
    Ok(Jwt {
        alg,
        kid,
        payload: if object.len() == text.len() {
            text
        } else {
            object.to_owned()
        },
        signed: &token.as_bytes()[..header.len() + 1 + payload.len()],
        signature_b64: signature,
        padding,
    })
}

/// Keys that JavaScript reads as an object's prototype or its constructor: a claim of that name,
/// once `JSON.parse` makes it an own property, lets a signed token choose the prototype of an
/// object that `Object.assign({}, claims)` builds. Removed at any depth, as aws-jwt-verify does.
const POISONED_KEYS: [&str; 2] = ["__proto__", "constructor"];

/// `payload` with no [`POISONED_KEYS`] at any depth. Only a payload whose text could spell one
/// (the name itself, or any escape) is parsed and written again; Cognito's never are.
pub fn without_poisoned_keys(payload: String) -> String {
    if !payload.contains('\\') && !POISONED_KEYS.iter().any(|k| payload.contains(k)) {
        return payload;
    }
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for key in POISONED_KEYS {
                    map.remove(key);
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    match serde_json::from_str::<serde_json::Value>(&payload) {
        Ok(mut value) => {
            strip(&mut value);
            value.to_string()
        }
        // Unreachable for a payload whose claims parsed; an empty object is the safe answer.
        Err(_) => "{}".to_owned(),
    }
}

impl Jwt<'_> {
    /// The signature's bytes.
    pub fn signature(&self) -> Result<Vec<u8>> {
        base64url(self.signature_b64, "signature", self.padding)
    }

    /// The checked claims, borrowed from the payload.
    pub fn claims(&self) -> Result<Claims<'_>> {
        claims_of(&self.payload)
    }
}

/// The checked claims of a payload's JSON text, borrowed from it.
pub fn claims_of(payload: &str) -> Result<Claims<'_>> {
    serde_json::from_str(payload).map_err(|_| {
        refused(
            code::MALFORMED,
            "its payload is not JSON, or a claim has the wrong type or appears twice",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    fn code_of(token: &str) -> String {
        decode(token, Padding::Refused)
            .and_then(|jwt| jwt.claims().map(|_| ()))
            .err()
            .map(|e| e.code)
            .unwrap_or_default()
    }

    #[test]
    fn a_claim_twice_or_of_the_wrong_type_is_malformed() {
        let header = b64(r#"{"alg":"RS256","kid":"k"}"#);
        for payload in [
            r#"{"token_use":"access","token_use":"id"}"#,
            r#"{"exp":"tomorrow"}"#,
            r#"{"iss":1}"#,
            r#"{"sub":1}"#,
            r#"{"iat":"yesterday"}"#,
            r#"{"jti":{}}"#,
            r#"{"aud":[1]}"#,
            r#"{"aud":{"a":1}}"#,
            r#"{"scope":["a"]}"#,
        ] {
            assert_eq!(
                code_of(&format!("{header}.{}.", b64(payload))),
                code::MALFORMED,
                "{payload}"
            );
        }
        let escaped = format!("{header}.{}.", b64(r#"{"iss":"a\/b"}"#));
        let jwt = decode(&escaped, Padding::Refused).unwrap();
        assert_eq!(jwt.claims().unwrap().iss.as_deref(), Some("a/b"));
    }

    #[test]
    fn prototype_keys_are_removed_at_any_depth() {
        let poisoned = r#"{"sub":"u","__proto__":{"admin":true},"a":[{"constructor":{"x":1},"b":2}],"c":{"\u005f_proto__":1,"d":"e"}}"#;
        let clean: serde_json::Value =
            serde_json::from_str(&without_poisoned_keys(poisoned.to_owned())).unwrap();
        assert_eq!(
            clean,
            serde_json::json!({"sub":"u","a":[{"b":2}],"c":{"d":"e"}})
        );
        // A payload that cannot spell them is handed on as it is, byte for byte.
        let plain = r#"{"sub":"u","n":1}"#;
        assert_eq!(without_poisoned_keys(plain.to_owned()), plain);
    }

    #[test]
    fn splits_and_decodes() {
        let token = format!(
            "{}.{}.{}",
            b64(r#"{"alg":"ES384","kid":"k1"}"#),
            b64(r#"{"iss":"i","n":1}"#),
            URL_SAFE_NO_PAD.encode([1, 2, 3])
        );
        let jwt = decode(&token, Padding::Refused).unwrap();
        assert_eq!((jwt.alg, jwt.kid.as_str()), (Alg::Es384, "k1"));
        assert_eq!(jwt.claims().unwrap().iss.as_deref(), Some("i"));
        assert_eq!(jwt.payload, r#"{"iss":"i","n":1}"#);
        assert_eq!(jwt.signature().unwrap(), [1, 2, 3]);
        assert_eq!(jwt.signed, token.rsplit_once('.').unwrap().0.as_bytes());
    }

    #[test]
    fn padding_is_refused_but_where_allowed_and_the_signed_text_keeps_it() {
        let header = format!(
            "{}==",
            b64(r#"{"alg":"ES256","kid":"k"}"#).trim_end_matches('=')
        );
        let token = format!("{header}.{}.AQID=", b64(r#"{"iss":"i"}"#));
        assert_eq!(
            decode(&token, Padding::Refused).err().unwrap().code,
            code::MALFORMED
        );
        let jwt = decode(&token, Padding::Allowed).unwrap();
        assert_eq!(jwt.signature().unwrap(), [1, 2, 3]);
        assert!(
            jwt.signed.starts_with(header.as_bytes()),
            "the padded text is what was signed"
        );
    }

    #[test]
    fn refuses_what_a_public_key_cannot_verify() {
        let payload = b64("{}");
        for (header, code) in [
            (r#"{"alg":"none","kid":"k"}"#, code::BAD_ALGORITHM),
            (r#"{"alg":"HS256","kid":"k"}"#, code::BAD_ALGORITHM),
            (r#"{"alg":"RS256"}"#, code::NO_KID),
            (r#"{"alg":"RS256","kid":""}"#, code::NO_KID),
            // No algorithm named: a signature algorithm's error, as aws-jwt-verify answers.
            (r#"{"kid":"k"}"#, code::BAD_ALGORITHM),
            (r#"{"alg":7,"kid":"k"}"#, code::MALFORMED),
            ("[1]", code::MALFORMED),
        ] {
            assert_eq!(
                code_of(&format!("{}.{payload}.", b64(header))),
                code,
                "{header}"
            );
        }
        assert_eq!(code_of("garbage"), code::MALFORMED);
        assert_eq!(code_of("a.b"), code::MALFORMED);
        let header = b64(r#"{"alg":"RS256","kid":"k"}"#);
        assert_eq!(
            code_of(&format!("{header}.{}.x", b64("[]"))),
            code::MALFORMED
        );
        assert_eq!(
            code_of(&format!("{header}.{}.x", b64(" [1]"))),
            code::MALFORMED
        );
        // A signature that is not base64url is malformed once a key is to check it.
        let bad_signature = format!("{header}.{payload}.!!");
        assert_eq!(
            decode(&bad_signature, Padding::Refused)
                .unwrap()
                .signature()
                .unwrap_err()
                .code,
            code::MALFORMED
        );
        assert_eq!(code_of(&"a".repeat(MAX_TOKEN_BYTES + 1)), code::MALFORMED);
    }
}
