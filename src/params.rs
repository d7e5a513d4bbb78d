//! A method's `params`, read field by field with errors that name the field and never quote its
//! value (a value may be a password or a code).
#![forbid(unsafe_code)]

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;

/// Every top-level param name a method reads. The facade reads exactly these from the caller's
/// params, property by property (inherited properties and getters count, as in the original),
/// so a name a method reads must be listed here; debug builds check it on every read.
pub const NAMES: &[&str] = &[
    "username",
    "password",
    "attributes",
    "confirmationCode",
    "loginSession",
    "mfaCode",
    "newPassword",
    "oldPassword",
    "idToken",
    "accessToken",
    "refreshToken",
    "enableMfa",
    "attribute",
    "phone_number",
    "passwordResetCode",
    "mfaType",
    "answer",
    "totpCode",
    "deviceName",
    "deviceKey",
    "issuer",
    "sms",
    "totp",
    "email",
    "token",
    "tokenUse",
    "graceSeconds",
    "temporaryPassword",
    "suppressMessage",
    "permanent",
    "groupName",
    "filter",
    "limit",
    "paginationToken",
    "clientMetadata",
    "userContext",
    "code",
    "redirectUri",
    "codeVerifier",
    "nonce",
    "scopes",
    "device",
    "deviceGroupKey",
    "remembered",
    "authFlow",
    "preferredChallenge",
    "challenge",
    "credential",
    "credentialId",
    "contextData",
    "description",
    "precedence",
    "roleArn",
    "attributeNames",
    "eventId",
    "feedback",
    "destinationUser",
    "sourceUser",
    "user",
    "via",
    "clientSecret",
    "clientSecretId",
    "jobName",
    "cloudWatchLogsRoleArn",
    "passwordHashingAlgorithm",
    "jobId",
];

/// The params that are no secret: the username, and choices among a few fixed words.
const NOT_SECRET: &[&str] = &["username", "via", "feedback", "authFlow", "tokenUse"];

/// The key of the marker the facade sends for a value that JSON cannot carry or that could not be
/// read (`{"\u0000invalid": "a BigInt"}`): such a value is refused when a method reads it.
const INVALID: &str = "\u{0}invalid";

/// The key under which the facade lists the top-level params given as `undefined`
/// (`{"\u0000undefined": ["tokenUse"]}`): JSON cannot carry them, and where a method needs a
/// value or an explicit null, `undefined` is a mistake ([`Params::refuse_undefined`]).
const UNDEFINED: &str = "\u{0}undefined";

/// `params` as the facade passed them (JSON; `undefined` fields are simply absent), or an object
/// nested in them (`prefix` is then its path, e.g. `totp.`, for messages).
pub struct Params {
    map: Map<String, Value>,
    prefix: String,
    /// The top-level params given as `undefined`.
    undefined: Vec<String>,
}

/// One `{ Name, Value }` of an attribute list. `value` is None for null, undefined or ''.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    pub value: Option<String>,
}

impl Attribute {
    /// As Cognito's `AttributeType`; a deleted value is sent as ''.
    pub fn to_cognito(&self) -> aws_sdk_cognitoidentityprovider::types::AttributeType {
        aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
            .name(&self.name)
            .value(self.value.clone().unwrap_or_default())
            .build()
            .expect("the name, the only required field, is set")
    }
}

/// What the facade's marker says a value was (`a BigInt`, `NaN`, ...), if `value` is one.
fn marker(value: &Value) -> Option<&str> {
    match value {
        Value::Object(map) if map.len() == 1 => map.get(INVALID)?.as_str(),
        _ => None,
    }
}

/// The type of a value `given` let through (markers never get here).
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Params {
    pub fn from_json(json: &str) -> Result<Self> {
        match serde_json::from_str(json) {
            Ok(Value::Object(mut map)) => {
                let undefined = match map.remove(UNDEFINED) {
                    Some(Value::Array(names)) => names
                        .into_iter()
                        .filter_map(|name| match name {
                            Value::String(name) => Some(name),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                Ok(Self {
                    map,
                    prefix: String::new(),
                    undefined,
                })
            }
            _ => Err(Error::invalid_param("params must be an object")),
        }
    }

    /// Every string the caller passed, at any depth, but the username (which is no secret and
    /// appears in Cognito's own messages) and the params that name one of a few choices (`via:
    /// 'domain'` would blank out the word in every message): what an error message must never repeat.
    pub fn secrets(&self) -> Vec<&str> {
        fn walk<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
            match value {
                Value::String(s) => out.push(s),
                Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
                Value::Object(map) if marker(value).is_none() => {
                    map.values().for_each(|v| walk(v, out))
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        for (name, value) in &self.map {
            if !NOT_SECRET.contains(&name.as_str()) {
                walk(value, &mut out);
            }
        }
        out
    }

    /// A value that is absent, null or `''` counts as not given; one the facade marked as
    /// unusable (NaN, a BigInt, a getter that threw...) is refused, naming the field.
    fn given(&self, name: &str) -> Result<Option<&Value>> {
        #[cfg(debug_assertions)]
        debug_assert!(
            !self.prefix.is_empty() || NAMES.contains(&name),
            "params::NAMES lacks {name}"
        );
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(v) => match marker(v) {
                Some(what) => Err(Error::invalid_param(format!(
                    "{}{name} cannot be {what}",
                    self.prefix
                ))),
                None => Ok(Some(v)),
            },
        }
    }

    /// Refuses `name` given as `undefined` where absent and null mean "no check" (`null_means`):
    /// an unset variable (`tokenUse: process.env.TOKEN_USE`) must not turn a check off unseen.
    pub fn refuse_undefined(&self, name: &str, null_means: &str) -> Result<()> {
        if self.undefined.iter().any(|n| n == name) {
            return Err(Error::invalid_param(format!(
                "{}{name} is undefined: give a value, or null for {null_means}",
                self.prefix
            )));
        }
        Ok(())
    }

    fn wrong_type(&self, name: &str, expected: &str, got: &Value) -> Error {
        Error::invalid_param(format!(
            "{}{name} must be {expected}, not {}",
            self.prefix,
            type_name(got)
        ))
    }

    fn required(&self, name: &str) -> Error {
        Error::invalid_param(format!("{}{name} is required", self.prefix))
    }

    /// A required, non-empty string.
    pub fn string(&self, name: &str) -> Result<&str> {
        self.optional_string(name)?
            .ok_or_else(|| self.required(name))
    }

    /// A string the original never sent to Cognito as it was but wove into a string of its own
    /// (the SRP password, the username of a token-authenticated call): a finite number is read as
    /// its decimal form, as JavaScript's template strings did.
    pub fn coerced_string(&self, name: &str) -> Result<Cow<'_, str>> {
        match self.given(name)? {
            Some(Value::Number(n)) => Ok(Cow::Owned(n.to_string())),
            _ => self.string(name).map(Cow::Borrowed),
        }
    }

    /// A value that must be there (not undefined or null) but may be `''`, as
    /// amazon-cognito-identity-js required a `Username` but took an empty one.
    pub fn present_string(&self, name: &str) -> Result<Cow<'_, str>> {
        match self.map.get(name) {
            Some(Value::String(s)) if s.is_empty() => Ok(Cow::Borrowed("")),
            _ => self.coerced_string(name),
        }
    }

    /// An object nested in the params, read with the same rules.
    pub fn optional_object(&self, name: &str) -> Result<Option<Params>> {
        match self.given(name)? {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Params {
                map: map.clone(),
                prefix: format!("{}{name}.", self.prefix),
                undefined: Vec::new(),
            })),
            Some(other) => Err(self.wrong_type(name, "an object", other)),
        }
    }

    /// A required JSON object, given as an object or as its JSON text (a WebAuthn credential,
    /// which browsers' `toJSON()` gives as either).
    pub fn json_object(&self, name: &str) -> Result<Map<String, Value>> {
        Ok(self.json_object_or_text(name)?.0)
    }

    /// [`Params::json_object`] as JSON text: the caller's own text when given as text.
    pub fn json_object_text(&self, name: &str) -> Result<String> {
        match self.json_object_or_text(name)? {
            (_, Some(text)) => Ok(text.to_owned()),
            (map, None) => serde_json::to_string(&map)
                .map_err(|_| Error::internal("could not encode a JSON object")),
        }
    }

    fn json_object_or_text(&self, name: &str) -> Result<(Map<String, Value>, Option<&str>)> {
        let not_object = || {
            Error::invalid_param(format!(
                "{}{name} must be an object or its JSON text",
                self.prefix
            ))
        };
        match self.given(name)?.ok_or_else(|| self.required(name))? {
            Value::Object(map) => Ok((map.clone(), None)),
            Value::String(text) => match serde_json::from_str(text) {
                Ok(Value::Object(map)) => Ok((map, Some(text))),
                _ => Err(not_object()),
            },
            _ => Err(not_object()),
        }
    }

    /// An object of strings (`{ [name]: string }`), as Cognito's `ClientMetadata`.
    pub fn optional_string_map(&self, name: &str) -> Result<Option<HashMap<String, String>>> {
        let Some(map) = self.optional_object(name)? else {
            return Ok(None);
        };
        let keys: Vec<String> = map.map.keys().cloned().collect();
        keys.into_iter()
            .map(|key| {
                let value = map
                    .map
                    .get(&key)
                    .and_then(Value::as_str)
                    .ok_or_else(|| map.wrong_type(&key, "a string", &map.map[&key]))?;
                Ok((key, value.to_owned()))
            })
            .collect::<Result<_>>()
            .map(Some)
    }

    /// A string that may be absent, null or ''.
    pub fn optional_string(&self, name: &str) -> Result<Option<&str>> {
        match self.given(name)? {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong_type(name, "a string", other)),
        }
    }

    /// Words, as a space-separated string or an array of strings (OAuth2 scopes, say).
    pub fn optional_words(&self, name: &str) -> Result<Option<Vec<String>>> {
        let words = |s: &str| {
            s.split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect()
        };
        match self.given(name)? {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(words(s))),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(words))
                .collect::<Option<Vec<Vec<String>>>>()
                .map(|lists| Some(lists.concat()))
                .ok_or_else(|| {
                    Error::invalid_param(format!("{}{name} must be strings", self.prefix))
                }),
            Some(other) => Err(self.wrong_type(name, "a string or an array of strings", other)),
        }
    }

    pub fn optional_bool(&self, name: &str) -> Result<Option<bool>> {
        match self.given(name)? {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.wrong_type(name, "a boolean", other)),
        }
    }

    /// A whole number from 0 to `max`; `unit` names what it counts in the error.
    fn optional_whole(&self, name: &str, max: u64, unit: &str) -> Result<Option<u64>> {
        match self.given(name)? {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(s) if s <= max => Ok(Some(s)),
                _ => Err(Error::invalid_param(format!(
                    "{}{name} must be whole {unit} between 0 and {max}",
                    self.prefix
                ))),
            },
            Some(other) => Err(self.wrong_type(name, "a number", other)),
        }
    }

    /// A whole number of seconds, 0 to one day.
    pub fn optional_seconds(&self, name: &str) -> Result<Option<u64>> {
        self.optional_whole(name, 86_400, "seconds")
    }

    /// A count of items (a page size, say).
    pub fn optional_count(&self, name: &str) -> Result<Option<u64>> {
        self.optional_whole(name, u64::from(u32::MAX), "numbers")
    }

    /// `[{ Name, Value }, ...]` (the original's attribute list). Anything but an array counts as
    /// no attributes, as the original's `Array.isArray` check had it; its items are checked.
    pub fn attribute_list(&self, name: &str) -> Result<Option<Vec<Attribute>>> {
        let Some(Value::Array(items)) = self.given(name)? else {
            return Ok(None);
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let field = |key: &str| format!("{name}[{i}].{key}");
                let Value::Object(obj) = item else {
                    return Err(Error::invalid_param(format!(
                        "{name}[{i}] must be an object"
                    )));
                };
                let attr_name = match obj.get("Name") {
                    Some(Value::String(s)) if !s.is_empty() => s.clone(),
                    _ => {
                        return Err(Error::invalid_param(format!(
                            "{} must be a non-empty string",
                            field("Name")
                        )))
                    }
                };
                let value = match obj.get("Value") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) if s.is_empty() => None,
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(_) => {
                        return Err(Error::invalid_param(format!(
                            "{} must be a string or null",
                            field("Value")
                        )))
                    }
                };
                Ok(Attribute {
                    name: attr_name,
                    value,
                })
            })
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }

    /// Attributes given either as the original's `{ name: value }` object (what
    /// `completeNewPasswordChallenge` took) or as a `[{ Name, Value }]` list.
    pub fn attribute_map_or_list(&self, name: &str) -> Result<Option<Vec<Attribute>>> {
        let Some(Value::Object(map)) = self.given(name)? else {
            return self.attribute_list(name);
        };
        map.iter()
            .map(|(key, value)| match value {
                Value::String(s) => Ok(Attribute {
                    name: key.clone(),
                    value: Some(s.clone()).filter(|s| !s.is_empty()),
                }),
                Value::Null => Ok(Attribute {
                    name: key.clone(),
                    value: None,
                }),
                _ => Err(Error::invalid_param(format!(
                    "{name}.{key} must be a string"
                ))),
            })
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::code;

    fn p(json: &str) -> Params {
        Params::from_json(json).unwrap()
    }

    #[test]
    fn params_must_be_an_object() {
        for json in ["null", "[]", "\"x\"", "3", "not json"] {
            let e = Params::from_json(json).err().unwrap();
            assert_eq!(e.code, code::INVALID_PARAMETER);
            assert!(e.message.contains("params"));
        }
    }

    #[test]
    fn strings_name_the_field_and_never_quote_the_value() {
        let params = p(r#"{"username":"alice","password":12345,"code":"","nonce":null}"#);
        assert_eq!(params.string("username").unwrap(), "alice");
        let e = params.string("password").unwrap_err();
        assert_eq!(e.message, "password must be a string, not a number");
        assert!(!e.message.contains("12345"));
        assert_eq!(
            params.string("code").unwrap_err().message,
            "code is required"
        );
        assert_eq!(
            params.string("newPassword").unwrap_err().message,
            "newPassword is required"
        );
        assert_eq!(params.optional_string("nonce").unwrap(), None);
    }

    #[test]
    fn values_the_facade_marked_are_refused_by_name() {
        let params = p(
            r#"{"username":{"\u0000invalid":"a BigInt"},"password":{"\u0000invalid":"NaN"},"totp":{"enabled":{"\u0000invalid":"a Symbol"}}}"#,
        );
        assert_eq!(
            params.string("username").unwrap_err().message,
            "username cannot be a BigInt"
        );
        assert_eq!(
            params.coerced_string("password").unwrap_err().message,
            "password cannot be NaN"
        );
        let totp = params.optional_object("totp").unwrap().unwrap();
        assert_eq!(
            totp.optional_bool("enabled").unwrap_err().message,
            "totp.enabled cannot be a Symbol"
        );
    }

    #[test]
    fn a_param_given_as_undefined_is_refused_where_null_means_no_check() {
        let params = p(r#"{"token":"t","\u0000undefined":["tokenUse"]}"#);
        let e = params.refuse_undefined("tokenUse", "either").unwrap_err();
        assert_eq!(e.code, crate::error::code::INVALID_PARAMETER);
        assert!(e.message.contains("tokenUse is undefined"), "{}", e.message);
        // Absent is not undefined, and the list is no param of its own.
        assert!(params.refuse_undefined("graceSeconds", "none").is_ok());
        assert!(p(r#"{"token":"t"}"#)
            .refuse_undefined("tokenUse", "either")
            .is_ok());
        assert_eq!(params.secrets(), ["t"]);
    }

    #[test]
    fn present_and_coerced_strings() {
        let params = p(r#"{"username":"","password":12345678,"code":5}"#);
        assert_eq!(params.present_string("username").unwrap(), "");
        assert_eq!(params.coerced_string("password").unwrap(), "12345678");
        assert!(params.string("code").is_err());
        for json in ["{}", r#"{"username":null}"#] {
            assert_eq!(
                p(json).present_string("username").unwrap_err().message,
                "username is required"
            );
        }
        assert_eq!(
            p(r#"{"username":7}"#).present_string("username").unwrap(),
            "7"
        );
    }

    #[test]
    fn nested_objects_name_their_path() {
        let params = p(r#"{"totp":{"enabled":"yes"},"sms":3}"#);
        let totp = params.optional_object("totp").unwrap().unwrap();
        assert_eq!(
            totp.optional_bool("enabled").unwrap_err().message,
            "totp.enabled must be a boolean, not a string"
        );
        assert_eq!(totp.string("x").unwrap_err().message, "totp.x is required");
        let Err(sms) = params.optional_object("sms") else {
            panic!("sms is not an object")
        };
        assert!(sms.message.contains("sms must be an object"));
        assert!(params.optional_object("email").unwrap().is_none());
    }

    #[test]
    fn booleans() {
        let params = p(r#"{"permanent":true,"remembered":"true"}"#);
        assert_eq!(params.optional_bool("permanent").unwrap(), Some(true));
        assert_eq!(params.optional_bool("suppressMessage").unwrap(), None);
        assert!(params
            .optional_bool("remembered")
            .unwrap_err()
            .message
            .contains("remembered must be a boolean"));
    }

    #[test]
    fn attribute_lists() {
        let params = p(
            r#"{"attributes":[{"Name":"email","Value":"a@b.c"},{"Name":"nickname","Value":null},{"Name":"x","Value":""},{"Name":"y"}]}"#,
        );
        let attrs = params.attribute_list("attributes").unwrap().unwrap();
        assert_eq!(
            attrs[0],
            Attribute {
                name: "email".into(),
                value: Some("a@b.c".into())
            }
        );
        assert!(attrs[1..].iter().all(|a| a.value.is_none()));

        assert_eq!(
            p(r#"{"attributes":"email"}"#)
                .attribute_list("attributes")
                .unwrap(),
            None
        );
        for (json, msg) in [
            (r#"{"attributes":[1]}"#, "attributes[0] must be an object"),
            (
                r#"{"attributes":[{"Value":"v"}]}"#,
                "attributes[0].Name must be a non-empty string",
            ),
            (
                r#"{"attributes":[{"Name":"n","Value":5}]}"#,
                "attributes[0].Value must be a string or null",
            ),
        ] {
            let e = p(json).attribute_list("attributes").unwrap_err();
            assert!(e.message.starts_with(msg), "{json}: {}", e.message);
        }
    }

    #[test]
    fn attribute_maps_as_the_original_new_password_challenge_took_them() {
        let attrs = p(r#"{"attributes":{"name":"Alice","nickname":null}}"#)
            .attribute_map_or_list("attributes")
            .unwrap()
            .unwrap();
        assert_eq!(attrs.len(), 2);
        assert!(attrs.contains(&Attribute {
            name: "name".into(),
            value: Some("Alice".into())
        }));
        let list = p(r#"{"attributes":[{"Name":"name","Value":"Alice"}]}"#)
            .attribute_map_or_list("attributes")
            .unwrap()
            .unwrap();
        assert_eq!(list[0].name, "name");
        assert!(p(r#"{"attributes":{"n":1}}"#)
            .attribute_map_or_list("attributes")
            .is_err());
    }
}
