//! A method's `params`, read field by field with errors that name the field and never quote its
//! value (a value may be a password or a code).
#![forbid(unsafe_code)]

use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// `params` as the facade passed them (JSON; `undefined` fields are simply absent), or an object
/// nested in them (`prefix` is then its path, e.g. `totp.`, for messages).
pub struct Params {
    map: Map<String, Value>,
    prefix: String,
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
            Ok(Value::Object(map)) => Ok(Self {
                map,
                prefix: String::new(),
            }),
            _ => Err(Error::invalid_param("params must be an object")),
        }
    }

    /// A value that is absent, null or `''` counts as not given.
    fn given(&self, name: &str) -> Option<&Value> {
        match self.map.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(v) => Some(v),
        }
    }

    /// A required, non-empty string.
    pub fn string(&self, name: &str) -> Result<&str> {
        self.optional_string(name)?
            .ok_or_else(|| Error::invalid_param(format!("{}{name} is required", self.prefix)))
    }

    /// An object nested in the params, read with the same rules.
    pub fn optional_object(&self, name: &str) -> Result<Option<Params>> {
        match self.given(name) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Params {
                map: map.clone(),
                prefix: format!("{}{name}.", self.prefix),
            })),
            Some(other) => Err(Error::invalid_param(format!(
                "{}{name} must be an object, not {}",
                self.prefix,
                type_name(other)
            ))),
        }
    }

    /// A string that may be absent, null or ''.
    pub fn optional_string(&self, name: &str) -> Result<Option<&str>> {
        match self.given(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(Error::invalid_param(format!(
                "{}{name} must be a string, not {}",
                self.prefix,
                type_name(other)
            ))),
        }
    }

    pub fn optional_bool(&self, name: &str) -> Result<Option<bool>> {
        match self.given(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(Error::invalid_param(format!(
                "{}{name} must be a boolean, not {}",
                self.prefix,
                type_name(other)
            ))),
        }
    }

    /// A whole number of seconds, 0 to one day.
    pub fn optional_seconds(&self, name: &str) -> Result<Option<u64>> {
        match self.given(name) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(s) if s <= 86_400 => Ok(Some(s)),
                _ => Err(Error::invalid_param(format!(
                    "{}{name} must be whole seconds between 0 and 86400",
                    self.prefix
                ))),
            },
            Some(other) => Err(Error::invalid_param(format!(
                "{}{name} must be a number, not {}",
                self.prefix,
                type_name(other)
            ))),
        }
    }

    /// `[{ Name, Value }, ...]` (the original's attribute list).
    pub fn attribute_list(&self, name: &str) -> Result<Option<Vec<Attribute>>> {
        let Some(value) = self.given(name) else {
            return Ok(None);
        };
        let Value::Array(items) = value else {
            return Err(Error::invalid_param(format!(
                "{name} must be an array of {{ Name, Value }}, not {}",
                type_name(value)
            )));
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
        let Some(Value::Object(map)) = self.given(name) else {
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

    fn p(json: &str) -> Params {
        Params::from_json(json).unwrap()
    }

    #[test]
    fn params_must_be_an_object() {
        for json in ["null", "[]", "\"x\"", "3", "not json"] {
            let e = Params::from_json(json).err().unwrap();
            assert_eq!(e.code, "InvalidParameterException");
            assert!(e.message.contains("params"));
        }
    }

    #[test]
    fn strings_name_the_field_and_never_quote_the_value() {
        let params = p(r#"{"username":"alice","password":12345,"code":"","x":null}"#);
        assert_eq!(params.string("username").unwrap(), "alice");
        let e = params.string("password").unwrap_err();
        assert_eq!(e.message, "password must be a string, not a number");
        assert!(!e.message.contains("12345"));
        assert_eq!(
            params.string("code").unwrap_err().message,
            "code is required"
        );
        assert_eq!(
            params.string("missing").unwrap_err().message,
            "missing is required"
        );
        assert_eq!(params.optional_string("x").unwrap(), None);
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
        let params = p(r#"{"a":true,"b":"true"}"#);
        assert_eq!(params.optional_bool("a").unwrap(), Some(true));
        assert_eq!(params.optional_bool("none").unwrap(), None);
        assert!(params
            .optional_bool("b")
            .unwrap_err()
            .message
            .contains("b must be a boolean"));
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

        for (json, msg) in [
            (r#"{"attributes":"email"}"#, "attributes must be an array"),
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
