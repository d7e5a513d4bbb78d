//! cognito-user-pool: a native drop-in for the npm package of that name. The methods live in one
//! module per concern, named in the one method table below; [`call`] is the single door the
//! N-API binding (module `node`) goes through.
// Unsafe code only in the N-API glue (`node`, whose macros need it), in `srp::mont` (the AWS-LC
// calls) and in `sched` (the scheduling requests of the addon's threads); every other module
// forbids it.
#![deny(unsafe_code)]

mod admin;
mod auth;
mod call_state;
mod caller;
mod client;
mod config;
mod context;
mod devices;
mod error;
mod fetches;
mod http;
mod mfa;
mod oauth;
mod params;
mod passkeys;
mod password;
mod profile;
mod results;
mod sched;
mod session;
mod signup;
/// Public for the SRP criterion bench.
pub mod srp;
mod step;
mod tokens;
mod transport;
/// Public for the verification criterion bench.
pub mod verify;
mod workers;

// napi-derive registers the binding's exports only outside `cfg(test)`: in the unit tests' build
// they have no caller.
#[cfg_attr(test, allow(dead_code))]
mod node;

use crate::call_state::CallState;
use crate::client::Cognito;
use crate::config::PoolConfig;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::params::Params;
use serde::Serialize;
use serde_json::json;
use std::sync::Arc;

/// The method table, declared once, in the sections the README's methods table has: each JS
/// name and the function that runs it. From it come [`METHODS`] (the names the facade exposes,
/// the original's 17 first) and `dispatch`, whose answer is the result already serialized (once)
/// for the facade.
macro_rules! methods {
    ($($section:literal { $($name:literal => $run:path,)+ })+) => {
        /// The methods, by their JS names: the original's 17, then the ones this package adds.
        pub const METHODS: &[&str] = &[$($($name),+),+];

        /// Each section's title and methods, as the README lists them (checked by a test).
        #[cfg(test)]
        const SECTIONS: &[(&str, &[&str])] = &[$(($section, &[$($name),+])),+];

        /// Each method's future is boxed on its own: a match over all of them awaited in place
        /// would poll in one frame as large as every arm's locals together (debug builds do not
        /// overlap them), growing with each method added.
        async fn dispatch(cognito: &Cognito, method: &str, params: &Params) -> Result<String> {
            let run: std::pin::Pin<Box<dyn std::future::Future<Output = Result<String>> + Send + '_>> =
                match method {
                    $($($name => Box::pin(async move { serialized($run(cognito, params).await) }),)+)+
                    _ => return Err(Error::invalid_param(format!("there is no method named {method}"))),
                };
            run.await
        }
    };
}

methods! {
    "The original's 17" {
        "signup" => signup::signup,
        "signupConfirm" => signup::signup_confirm,
        "signupResend" => signup::signup_resend,
        "login" => auth::login,
        "loginMfa" => auth::login_mfa,
        "loginNewPasswordRequired" => auth::login_new_password_required,
        "logout" => session::logout,
        "refreshSession" => session::refresh_session,
        "getMfa" => mfa::get_mfa,
        "setMfa" => mfa::set_mfa,
        "profile" => profile::profile,
        "profileEdit" => profile::profile_edit,
        "profileAttributeConfirm" => profile::profile_attribute_confirm,
        "profileEditPhoneNumber" => profile::profile_edit_phone_number,
        "passwordChange" => password::password_change,
        "passwordForgot" => password::password_forgot,
        "passwordReset" => password::password_reset,
    }
    "Signing in, step by step" {
        "loginSelectMfaType" => auth::login_select_mfa_type,
        "loginCustomChallenge" => auth::login_custom_challenge,
        "loginMfaSetup" => auth::login_mfa_setup,
        "loginMfaSetupVerify" => auth::login_mfa_setup_verify,
        "loginSelectChallenge" => auth::login_select_challenge,
        "loginWebAuthn" => auth::login_web_authn,
    }
    "The user's own account" {
        "profileAttributeResend" => profile::profile_attribute_resend,
        "totpAssociate" => mfa::totp_associate,
        "totpVerify" => mfa::totp_verify,
        "setMfaPreference" => mfa::set_mfa_preference,
        "getUserAuthFactors" => mfa::get_user_auth_factors,
        "revokeToken" => session::revoke_token,
        "deleteUser" => session::delete_user,
        "verifyToken" => verify::verify_token,
    }
    "Devices and passkeys" {
        "listDevices" => devices::list_devices,
        "forgetDevice" => devices::forget_device,
        "confirmDevice" => devices::confirm_device,
        "updateDeviceStatus" => devices::update_device_status,
        "getDevice" => devices::get_device,
        "startWebAuthnRegistration" => passkeys::start_web_authn_registration,
        "completeWebAuthnRegistration" => passkeys::complete_web_authn_registration,
        "listWebAuthnCredentials" => passkeys::list_web_authn_credentials,
        "deleteWebAuthnCredential" => passkeys::delete_web_authn_credential,
    }
    "Server-side sign-in" {
        "adminLogin" => auth::admin_login,
    }
    "Admin" {
        "adminCreateUser" => admin::admin_create_user,
        "adminGetUser" => admin::admin_get_user,
        "listUsers" => admin::list_users,
        "adminListGroupsForUser" => admin::admin_list_groups_for_user,
        "adminDeleteUser" => admin::admin_delete_user,
        "adminDisableUser" => admin::admin_disable_user,
        "adminEnableUser" => admin::admin_enable_user,
        "adminResetUserPassword" => admin::admin_reset_user_password,
        "adminConfirmSignUp" => admin::admin_confirm_sign_up,
        "adminUserGlobalSignOut" => admin::admin_user_global_sign_out,
        "adminSetUserPassword" => admin::admin_set_user_password,
        "adminAddUserToGroup" => admin::admin_add_user_to_group,
        "adminRemoveUserFromGroup" => admin::admin_remove_user_from_group,
        "adminUpdateUserAttributes" => admin::admin_update_user_attributes,
        "adminDeleteUserAttributes" => admin::admin_delete_user_attributes,
        "adminSetUserMfaPreference" => admin::admin_set_user_mfa_preference,
        "adminGetUserAuthFactors" => admin::admin_get_user_auth_factors,
        "adminDeleteSoftwareToken" => admin::admin_delete_software_token,
    }
    "Admin: groups" {
        "listGroups" => admin::groups::list_groups,
        "listUsersInGroup" => admin::groups::list_users_in_group,
        "getGroup" => admin::groups::get_group,
        "createGroup" => admin::groups::create_group,
        "updateGroup" => admin::groups::update_group,
        "deleteGroup" => admin::groups::delete_group,
    }
    "Admin: a user's devices" {
        "adminListDevices" => admin::devices::admin_list_devices,
        "adminGetDevice" => admin::devices::admin_get_device,
        "adminForgetDevice" => admin::devices::admin_forget_device,
        "adminUpdateDeviceStatus" => admin::devices::admin_update_device_status,
    }
    "Admin: sign-in events and federation links" {
        "adminListUserAuthEvents" => admin::events::admin_list_user_auth_events,
        "adminUpdateAuthEventFeedback" => admin::events::admin_update_auth_event_feedback,
        "adminLinkProviderForUser" => admin::links::admin_link_provider_for_user,
        "adminDisableProviderForUser" => admin::links::admin_disable_provider_for_user,
    }
    "Admin: the app client's secrets" {
        "addUserPoolClientSecret" => admin::secrets::add_user_pool_client_secret,
        "listUserPoolClientSecrets" => admin::secrets::list_user_pool_client_secrets,
        "deleteUserPoolClientSecret" => admin::secrets::delete_user_pool_client_secret,
    }
    "Admin: importing users" {
        "getCsvHeader" => admin::imports::get_csv_header,
        "createUserImportJob" => admin::imports::create_user_import_job,
        "startUserImportJob" => admin::imports::start_user_import_job,
        "describeUserImportJob" => admin::imports::describe_user_import_job,
        "stopUserImportJob" => admin::imports::stop_user_import_job,
        "listUserImportJobs" => admin::imports::list_user_import_jobs,
    }
    "The OAuth2 token endpoint" {
        "exchangeCode" => oauth::exchange_code,
        "clientCredentials" => oauth::client_credentials,
    }
}

/// The method, run again with poolData's next client secret when Cognito refused the one used (a
/// secret rotated away): such a refusal comes from the first request that carries the secret,
/// before Cognito acted on anything, so running the method again repeats nothing. Once per
/// secret; the process then keeps using the one that worked.
async fn dispatch_with_secrets(cognito: &Cognito, method: &str, params: &Params) -> Result<String> {
    let mut tries = cognito.config.client_secrets().count().max(1);
    loop {
        let used = cognito.config.client_secret().map(str::to_owned);
        let outcome = dispatch(cognito, method, params).await;
        tries -= 1;
        match (&outcome, used) {
            (Err(error), Some(used))
                if tries > 0
                    && error.refuses_the_client_secret()
                    && cognito.config.next_secret(&used) => {}
            _ => return outcome,
        }
    }
}

fn serialized<T: Serialize>(result: Result<T>) -> Result<String> {
    result.and_then(|value| {
        serde_json::to_string(&value).map_err(|_| Error::internal("could not encode the result"))
    })
}

/// Run one method call to its end and answer with the JSON the facade reads:
/// `{"ok": result}` or `{"error": {code, message, ...}}`, with `"refreshed": {username, tokens}`
/// when the call refreshed the caller's tokens (for poolData's `onTokens`). A panic inside becomes
/// a coded error. poolData's `timeout` bounds the call: every request, retry, backoff and the SRP
/// math; only a refresh still in flight at the deadline is waited for (at most twice the
/// timeout more), so that its tokens are not lost. An error's message is cleared of the call's secrets,
/// as given and as sent, on the way out. `state` is how the caller aborts the call: no request
/// leaves after that, and what was in flight runs to its end.
pub async fn call(
    config: Result<Arc<PoolConfig>>,
    method: String,
    params: String,
    state: Arc<CallState>,
) -> String {
    let requests = Arc::clone(&state);
    // Boxed: the call's future is large (every method's state), and a spawn moves it by value.
    let work = Box::pin(async move {
        let read = config.and_then(|config| {
            let params = Params::from_json(&params)?;
            let context = Context::read(&params, &config)?;
            Ok((config, params, context))
        });
        let (config, params, context) = match read {
            Ok(read) => read,
            Err(error) => return (Err(error), None),
        };
        let deadline = config.timeout;
        let cognito = Cognito::for_config(config, context).await;
        let bounded =
            tokio::time::timeout(deadline, dispatch_with_secrets(&cognito, &method, &params));
        let outcome = state.scope(bounded).await.unwrap_or_else(|_| {
            Err(Error::network(format!(
                "the call did not finish within its timeout of {} ms (retries included)",
                deadline.as_millis()
            )))
        });
        let outcome = outcome.map_err(|error| {
            let sent = state.sent_secrets();
            let given = params.secrets().into_iter();
            let secrets = given.chain(sent.iter().map(String::as_str));
            error.redacted(secrets.chain(cognito.config.client_secrets()))
        });
        // A refresh still in flight is bounded by twice the timeout from its start, which came
        // before the deadline: waiting that long after it always sees the refresh end.
        (outcome, cognito.take_refreshed(deadline * 2).await)
    });
    let (result, refreshed) = fetches::spawn(work).await.unwrap_or_else(|_| {
        let error =
            Error::internal("the call failed inside cognito-user-pool (a bug: please report it)");
        (Err(error), None)
    });
    answer(result, refreshed, &requests.attempts())
}

/// The JSON the facade reads of a call: `{"ok": result}` or `{"error": {...}}`, with the
/// tokens a refresh obtained and the requests the call made (for the tracing channel).
fn answer(
    result: Result<String>,
    refreshed: Option<client::Refreshed>,
    attempts: &[call_state::Attempt],
) -> String {
    let mut extra = refreshed
        .and_then(|r| serde_json::to_string(&r).ok())
        .map(|r| format!(r#","refreshed":{r}"#))
        .unwrap_or_default();
    if !attempts.is_empty() {
        extra += &format!(r#","attempts":{}"#, json!(attempts));
    }
    match result {
        Ok(value) => format!(r#"{{"ok":{value}{extra}}}"#),
        Err(error) => format!(r#"{{"error":{}{extra}}}"#, json!(error)),
    }
}

/// The methods that can answer on the calling thread, beside the method table: `verifyToken`,
/// once the pool's keys are known (the cost of a `createVerifier` verification, without a trip
/// through the runtime). The facade asks [`call_now`] for these only.
pub const ANSWERED_NOW: &[&str] = &["verifyToken"];

/// A call of one of [`ANSWERED_NOW`] answered on the calling thread, as [`call`] answers it; None
/// when it must go through [`call`] after all (keys to load, poolData or params to report).
pub fn call_now(config: &PoolConfig, method: &str, params: &str) -> Option<String> {
    let params = Params::from_json(params).ok()?;
    let answered = match method {
        "verifyToken" => verify::verify_token_now(config, &params)?,
        _ => return None,
    };
    let answered = answered.map_err(|error| error.redacted(params.secrets()));
    Some(answer(serialized(answered), None, &[]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::code;
    use serde_json::Value;

    fn offline() -> Result<Arc<PoolConfig>> {
        PoolConfig::from_json(
            r#"{"UserPoolId":"us-east-1_T1","ClientId":"c","endpoint":"http://127.0.0.1:9"}"#,
        )
        .map(Arc::new)
    }

    /// The README's "Methods" has one `###` section per section of the table, each listing its
    /// methods in a table, in the same order.
    #[test]
    fn the_readme_lists_the_methods_in_the_tables_sections() {
        let readme = include_str!("../README.md");
        let methods = &readme[readme.find("\n## Methods\n").unwrap()..];
        let methods = &methods[..methods[1..].find("\n## ").unwrap()];
        let mut listed: Vec<(String, Vec<String>)> = Vec::new();
        for line in methods.lines() {
            if let Some(title) = line.strip_prefix("### ") {
                listed.push((title.to_owned(), Vec::new()));
            } else if let (Some(row), Some((_, names))) =
                (line.strip_prefix("| `"), listed.last_mut())
            {
                names.push(row[..row.find('`').unwrap()].to_owned());
            }
        }
        let declared: Vec<(String, Vec<String>)> = SECTIONS
            .iter()
            .map(|(title, names)| {
                (
                    title.to_string(),
                    names.iter().map(|n| n.to_string()).collect(),
                )
            })
            .collect();
        let listed: Vec<_> = listed
            .into_iter()
            .filter(|(_, names)| !names.is_empty())
            .collect();
        assert_eq!(listed, declared);
    }

    /// No module of `src/` reaches, through the `crate::` paths of its code (tests aside), back to
    /// itself: each stands on the ones below it, and the error module on none that uses it.
    #[test]
    fn the_modules_form_no_circle() {
        use std::collections::{BTreeMap, BTreeSet};
        fn read(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    read(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        read(&src, &mut files);
        let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in files {
            let relative = file
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let module = relative.split(['/', '.']).next().unwrap().to_owned();
            if module == "lib" {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
            let used = code.split("crate::").skip(1).filter_map(|rest| {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                (!name.is_empty() && name != module).then_some(name)
            });
            let used: Vec<String> = used.collect();
            uses.entry(module).or_default().extend(used);
        }
        fn reaches(
            uses: &BTreeMap<String, BTreeSet<String>>,
            from: &str,
            target: &str,
            seen: &mut BTreeSet<String>,
        ) -> bool {
            uses.get(from).into_iter().flatten().any(|next| {
                next == target || (seen.insert(next.clone()) && reaches(uses, next, target, seen))
            })
        }
        assert!(uses.len() > 20, "{uses:?}");
        for module in uses.keys() {
            assert!(
                !reaches(&uses, module, module, &mut BTreeSet::new()),
                "{module} reaches back to itself: {uses:?}"
            );
        }
    }

    #[test]
    fn only_the_methods_answered_now_answer_on_the_calling_thread() {
        let config = offline().unwrap();
        assert_eq!(call_now(&config, "login", r#"{"username":"a"}"#), None);
        // A token that is no JWT needs no keys: answered at once, as `call` would.
        let answer: Value = serde_json::from_str(
            &call_now(&config, "verifyToken", r#"{"token":"a.b.c"}"#).unwrap(),
        )
        .unwrap();
        assert_eq!(answer["error"]["code"], code::jwt::MALFORMED);
        // A well-formed token whose keys are not loaded goes the async way.
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let token = format!(
            "{}.{}.c2ln",
            b64(r#"{"alg":"RS256","kid":"k1"}"#),
            b64(
                r#"{"iss":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_T1","exp":9999999999}"#
            )
        );
        let params = format!(r#"{{"token":"{token}"}}"#);
        assert_eq!(call_now(&config, "verifyToken", &params), None);
    }

    #[tokio::test]
    async fn every_method_name_reaches_its_method() {
        // The list calls of the pool have only optional params: `{}` would go to the (absent) server.
        for method in METHODS.iter().filter(|m| {
            ![
                "listUsers",
                "listGroups",
                "listUserPoolClientSecrets",
                "addUserPoolClientSecret",
                "getCsvHeader",
                "listUserImportJobs",
            ]
            .contains(*m)
        }) {
            let answer: Value = serde_json::from_str(
                &call(offline(), method.to_string(), "{}".into(), Arc::default()).await,
            )
            .unwrap();
            let message = answer["error"]["message"].as_str().unwrap();
            assert!(!message.contains("no method"), "{method}: {message}");
            assert_eq!(answer["error"]["code"], code::INVALID_PARAMETER, "{method}");
        }
        let answer: Value = serde_json::from_str(
            &call(offline(), "nope".into(), "{}".into(), Arc::default()).await,
        )
        .unwrap();
        assert!(answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no method named nope"));
    }

    #[tokio::test]
    async fn bad_pool_data_and_bad_params_answer_as_coded_errors() {
        let bad_pool = PoolConfig::from_json("{}").map(Arc::new);
        let answer: Value = serde_json::from_str(
            &call(bad_pool, "login".into(), "{}".into(), Arc::default()).await,
        )
        .unwrap();
        assert!(answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("UserPoolId"));
        let answer: Value = serde_json::from_str(
            &call(offline(), "login".into(), "[1]".into(), Arc::default()).await,
        )
        .unwrap();
        assert_eq!(answer["error"]["message"], "params must be an object");
    }
}
