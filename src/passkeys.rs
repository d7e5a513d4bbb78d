//! The signed-in user's passkeys (WebAuthn credentials): registering one with the browser's
//! help (`startWebAuthnRegistration`, `completeWebAuthnRegistration`), listing and deleting them.
//! Signing in with one is USER_AUTH's WEB_AUTHN step (`loginWebAuthn`, in `auth`).
#![forbid(unsafe_code)]

use crate::caller::access_token;
use crate::client::Cognito;
use crate::error::Result;
use crate::params::Params;
use crate::results::{CredentialCreation, Done, Passkey, PasskeyPage};
use aws_smithy_types::{Document, Number};
use serde_json::Value;

/// A Smithy document as the JSON it was read from.
fn json_of(document: Document) -> Value {
    match document {
        Document::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| (key, json_of(value)))
                .collect(),
        ),
        Document::Array(items) => Value::Array(items.into_iter().map(json_of).collect()),
        Document::Number(Number::PosInt(n)) => n.into(),
        Document::Number(Number::NegInt(n)) => n.into(),
        Document::Number(Number::Float(n)) => n.into(),
        Document::String(text) => Value::String(text),
        Document::Bool(flag) => Value::Bool(flag),
        Document::Null => Value::Null,
    }
}

/// JSON as the Smithy document an operation sends.
fn document_of(value: Value) -> Document {
    match value {
        Value::Object(map) => Document::Object(
            map.into_iter()
                .map(|(key, value)| (key, document_of(value)))
                .collect(),
        ),
        Value::Array(items) => Document::Array(items.into_iter().map(document_of).collect()),
        Value::Number(n) => Document::Number(match (n.as_u64(), n.as_i64()) {
            (Some(n), _) => Number::PosInt(n),
            (None, Some(n)) => Number::NegInt(n),
            _ => Number::Float(n.as_f64().unwrap_or(f64::NAN)),
        }),
        Value::String(text) => Document::String(text),
        Value::Bool(flag) => Document::Bool(flag),
        Value::Null => Document::Null,
    }
}

/// `startWebAuthnRegistration(auth)` resolves `{ credentialCreationOptions }`: the options to
/// hand to the browser's `navigator.credentials.create` (`PublicKeyCredential.parseCreationOptionsFromJSON`).
pub async fn start_web_authn_registration(
    cognito: &Cognito,
    params: &Params,
) -> Result<CredentialCreation> {
    let token = access_token(cognito, params).await?;
    let out = cognito
        .client
        .start_web_authn_registration()
        .access_token(token)
        .send()
        .await?;
    Ok(CredentialCreation {
        credential_creation_options: json_of(out.credential_creation_options),
    })
}

/// `completeWebAuthnRegistration(auth + { credential })`: the browser's new credential (its
/// `toJSON()`, as an object or text) registers the passkey.
pub async fn complete_web_authn_registration(cognito: &Cognito, params: &Params) -> Result<Done> {
    let credential = params.json_object("credential")?;
    let token = access_token(cognito, params).await?;
    cognito
        .client
        .complete_web_authn_registration()
        .access_token(token)
        .credential(document_of(Value::Object(credential)))
        .send()
        .await?;
    Ok(Done)
}

/// `listWebAuthnCredentials(auth + { limit?, paginationToken? })` resolves `{ credentials,
/// paginationToken }`.
pub async fn list_web_authn_credentials(cognito: &Cognito, params: &Params) -> Result<PasskeyPage> {
    let page = params.optional_string("paginationToken")?;
    let limit = params
        .optional_count("limit")?
        .map(|n| n.clamp(1, 20) as i32);
    let token = access_token(cognito, params).await?;
    let out = cognito
        .client
        .list_web_authn_credentials()
        .access_token(token)
        .set_next_token(page.map(str::to_owned))
        .set_max_results(limit)
        .send()
        .await?;
    Ok(PasskeyPage {
        credentials: out.credentials().iter().map(Passkey::from).collect(),
        pagination_token: out.next_token,
    })
}

/// `deleteWebAuthnCredential(auth + { credentialId })`
pub async fn delete_web_authn_credential(cognito: &Cognito, params: &Params) -> Result<Done> {
    let credential_id = params.string("credentialId")?;
    let token = access_token(cognito, params).await?;
    cognito
        .client
        .delete_web_authn_credential()
        .access_token(token)
        .credential_id(credential_id)
        .send()
        .await?;
    Ok(Done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_survives_the_document_both_ways() {
        let value = json!({
            "challenge": "Y2hhbGxlbmdl",
            "pubKeyCredParams": [{ "type": "public-key", "alg": -7 }, { "alg": -257 }],
            "timeout": 60000,
            "ratio": 0.5,
            "flags": [true, false, null],
            "nested": { "empty": {}, "list": [] }
        });
        assert_eq!(json_of(document_of(value.clone())), value);
    }
}
