//! cognito-user-pool: a native drop-in for the npm package of that name. The methods live in one
//! module per concern; [`call`] is the single door the N-API binding (module `node`) goes through.
// Unsafe code only in the N-API glue (`node`, whose macros need it), in `bignum` (the AWS-LC
// call) and in `workers` (one setpriority call); every other module forbids it.
#![deny(unsafe_code)]

pub mod admin;
pub mod auth;
mod bignum;
pub mod client;
pub mod config;
pub mod error;
pub mod mfa;
pub mod params;
pub mod password;
pub mod profile;
mod sched;
pub mod session;
pub mod signup;
pub mod srp;
pub mod verify;
mod workers;

#[cfg(feature = "node")]
mod node;

use crate::client::Cognito;
use crate::config::PoolConfig;
use crate::error::{Error, Result};
use crate::params::Params;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// What the original resolved with when Cognito had nothing more to say.
pub const SUCCESS: &str = "SUCCESS";

/// The methods, by their JS names: the original's 17, then the ones this package adds.
pub const METHODS: [&str; 43] = [
    "signup",
    "signupConfirm",
    "signupResend",
    "login",
    "loginMfa",
    "loginNewPasswordRequired",
    "logout",
    "refreshSession",
    "getMfa",
    "setMfa",
    "profile",
    "profileEdit",
    "profileAttributeConfirm",
    "profileEditPhoneNumber",
    "passwordChange",
    "passwordForgot",
    "passwordReset",
    "profileAttributeResend",
    "totpAssociate",
    "totpVerify",
    "setMfaPreference",
    "revokeToken",
    "deleteUser",
    "verifyToken",
    "loginSelectMfaType",
    "loginCustomChallenge",
    "listDevices",
    "forgetDevice",
    "loginMfaSetup",
    "loginMfaSetupVerify",
    "adminCreateUser",
    "adminGetUser",
    "listUsers",
    "adminListGroupsForUser",
    "adminDeleteUser",
    "adminDisableUser",
    "adminEnableUser",
    "adminResetUserPassword",
    "adminConfirmSignUp",
    "adminUserGlobalSignOut",
    "adminSetUserPassword",
    "adminAddUserToGroup",
    "adminRemoveUserFromGroup",
];

fn to_json<T: Serialize>(result: Result<T>) -> Result<Value> {
    result.and_then(|value| {
        serde_json::to_value(value).map_err(|_| Error::internal("could not encode the result"))
    })
}

async fn dispatch(cognito: &Cognito, method: &str, params: &Params) -> Result<Value> {
    match method {
        "signup" => to_json(signup::signup(cognito, params).await),
        "signupConfirm" => to_json(signup::signup_confirm(cognito, params).await),
        "signupResend" => to_json(signup::signup_resend(cognito, params).await),
        "login" => to_json(auth::login(cognito, params).await),
        "loginMfa" => to_json(auth::login_mfa(cognito, params).await),
        "loginNewPasswordRequired" => {
            to_json(auth::login_new_password_required(cognito, params).await)
        }
        "logout" => to_json(session::logout(cognito, params).await),
        "refreshSession" => to_json(session::refresh_session(cognito, params).await),
        "getMfa" => to_json(mfa::get_mfa(cognito, params).await),
        "setMfa" => to_json(mfa::set_mfa(cognito, params).await),
        "profile" => to_json(profile::profile(cognito, params).await),
        "profileEdit" => to_json(profile::profile_edit(cognito, params).await),
        "profileAttributeConfirm" => {
            to_json(profile::profile_attribute_confirm(cognito, params).await)
        }
        "profileEditPhoneNumber" => {
            to_json(profile::profile_edit_phone_number(cognito, params).await)
        }
        "profileAttributeResend" => {
            to_json(profile::profile_attribute_resend(cognito, params).await)
        }
        "totpAssociate" => to_json(mfa::totp_associate(cognito, params).await),
        "totpVerify" => to_json(mfa::totp_verify(cognito, params).await),
        "setMfaPreference" => to_json(mfa::set_mfa_preference(cognito, params).await),
        "revokeToken" => to_json(session::revoke_token(cognito, params).await),
        "deleteUser" => to_json(session::delete_user(cognito, params).await),
        "verifyToken" => to_json(verify::verify_token(cognito, params).await),
        "loginSelectMfaType" => to_json(auth::login_select_mfa_type(cognito, params).await),
        "loginCustomChallenge" => to_json(auth::login_custom_challenge(cognito, params).await),
        "listDevices" => to_json(session::list_devices(cognito, params).await),
        "forgetDevice" => to_json(session::forget_device(cognito, params).await),
        "loginMfaSetup" => to_json(auth::login_mfa_setup(cognito, params).await),
        "loginMfaSetupVerify" => to_json(auth::login_mfa_setup_verify(cognito, params).await),
        "adminCreateUser" => to_json(admin::admin_create_user(cognito, params).await),
        "adminGetUser" => to_json(admin::admin_get_user(cognito, params).await),
        "listUsers" => to_json(admin::list_users(cognito, params).await),
        "adminListGroupsForUser" => {
            to_json(admin::admin_list_groups_for_user(cognito, params).await)
        }
        m if m.starts_with("admin") && METHODS.contains(&m) => {
            to_json(admin::admin_user_action(cognito, m, params).await)
        }
        "passwordChange" => to_json(password::password_change(cognito, params).await),
        "passwordForgot" => to_json(password::password_forgot(cognito, params).await),
        "passwordReset" => to_json(password::password_reset(cognito, params).await),
        _ => Err(Error::invalid_param(format!(
            "there is no method named {method}"
        ))),
    }
}

/// Run one method call to its end and answer with the JSON the facade reads:
/// `{"ok": result}` or `{"error": {code, message, ...}}`. A panic inside becomes a coded error.
/// poolData's `timeout` bounds the whole call: every request, retry, backoff and the SRP math.
/// An error's message is cleared of the call's secrets on the way out.
pub async fn call(config: Result<Arc<PoolConfig>>, method: String, params: String) -> String {
    // Boxed: the call's future is large (every method's state), and a spawn moves it by value.
    let work = Box::pin(async move {
        let config = config?;
        let params = Params::from_json(&params)?;
        let deadline = config.timeout;
        let cognito = Cognito::connect(config).await;
        let outcome = tokio::time::timeout(deadline, dispatch(&cognito, &method, &params))
            .await
            .unwrap_or_else(|_| {
                Err(Error::network(format!(
                    "the call did not finish within its timeout of {} ms (retries included)",
                    deadline.as_millis()
                )))
            });
        outcome.map_err(|error| {
            let secrets = params.secrets();
            error.redacted(secrets.into_iter().chain(cognito.config.client_secret()))
        })
    });
    let result = tokio::spawn(work).await.unwrap_or_else(|_| {
        Err(Error::internal(
            "the call failed inside cognito-user-pool (a bug: please report it)",
        ))
    });
    match result {
        Ok(value) => json!({ "ok": value }),
        Err(error) => json!({ "error": error }),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline() -> Result<Arc<PoolConfig>> {
        PoolConfig::from_json(
            r#"{"UserPoolId":"us-east-1_T1","ClientId":"c","endpoint":"http://127.0.0.1:9"}"#,
        )
        .map(Arc::new)
    }

    #[tokio::test]
    async fn every_method_name_reaches_its_method() {
        // listUsers has only optional params: `{}` would go to the (absent) server.
        for method in METHODS.iter().filter(|m| **m != "listUsers") {
            let answer: Value =
                serde_json::from_str(&call(offline(), method.to_string(), "{}".into()).await)
                    .unwrap();
            let message = answer["error"]["message"].as_str().unwrap();
            assert!(!message.contains("no method"), "{method}: {message}");
            assert_eq!(
                answer["error"]["code"], "InvalidParameterException",
                "{method}"
            );
        }
        let answer: Value =
            serde_json::from_str(&call(offline(), "nope".into(), "{}".into()).await).unwrap();
        assert!(answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no method named nope"));
    }

    #[tokio::test]
    async fn bad_pool_data_and_bad_params_answer_as_coded_errors() {
        let bad_pool = PoolConfig::from_json("{}").map(Arc::new);
        let answer: Value =
            serde_json::from_str(&call(bad_pool, "login".into(), "{}".into()).await).unwrap();
        assert!(answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("UserPoolId"));
        let answer: Value =
            serde_json::from_str(&call(offline(), "login".into(), "[1]".into()).await).unwrap();
        assert_eq!(answer["error"]["message"], "params must be an object");
    }
}
