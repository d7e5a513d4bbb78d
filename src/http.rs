//! The one kept-alive HTTP(S) client for the requests the SDK does not make: JWKS fetches and the
//! OAuth2 token endpoint. Every request is bounded in time and every answer in size.
#![forbid(unsafe_code)]

use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use std::sync::LazyLock;
use std::time::Duration;

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

static CLIENT: LazyLock<Option<Client<Https, Full<Bytes>>>> = LazyLock::new(|| {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .ok()?
        .https_or_http()
        .enable_http1()
        .build();
    Some(Client::builder(TokioExecutor::new()).build(connector))
});

/// Why a request got no usable answer, in words for an error message (never the request's body).
#[derive(Debug)]
pub enum Failure {
    /// The call this request belongs to was aborted before it was sent.
    Aborted,
    NoTlsRoots,
    NotAUrl,
    TimedOut,
    TooLarge(usize),
    Transport(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Aborted => f.write_str("aborted before it was sent"),
            Self::NoTlsRoots => f.write_str("no TLS roots"),
            Self::NotAUrl => f.write_str("not a URL"),
            Self::TimedOut => f.write_str("timed out"),
            Self::TooLarge(limit) => write!(f, "the answer is larger than {limit} bytes"),
            Self::Transport(why) => f.write_str(why),
        }
    }
}

/// Whom a request belongs to.
#[derive(Clone, Copy)]
pub enum Owner {
    /// The current call, which decides whether it may go out (module `call_state`).
    Call,
    /// No one call: a public document (a JWKS) whose answer serves every verification waiting
    /// for it, which no one caller's abort may stop.
    Public,
}

/// A request with `headers` and `body` (empty for a GET): its status and up to `limit` bytes of
/// its answer, within `timeout`.
pub async fn send(
    owner: Owner,
    (method, url): (Method, &str),
    headers: &[(&str, &str)],
    body: Bytes,
    timeout: Duration,
    limit: usize,
) -> Result<(StatusCode, Bytes), Failure> {
    if let Owner::Call = owner {
        crate::call_state::before_send(&body).map_err(|_| Failure::Aborted)?;
    }
    let client = CLIENT.as_ref().ok_or(Failure::NoTlsRoots)?;
    let mut request = Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(Full::new(body))
        .map_err(|_| Failure::NotAUrl)?;
    let sent = std::time::Instant::now();
    tokio::time::timeout(timeout, async {
        let response = client.request(request).await.map_err(|e| {
            if let Owner::Call = owner {
                crate::call_state::record_attempt("OAuth2Token", sent, None, None);
            }
            Failure::Transport(e.to_string())
        })?;
        let status = response.status();
        if let Owner::Call = owner {
            crate::call_state::record_attempt("OAuth2Token", sent, Some(status.as_u16()), None);
        }
        let body = Limited::new(response.into_body(), limit)
            .collect()
            .await
            .map_err(|e| match e.downcast::<LengthLimitError>() {
                Ok(_) => Failure::TooLarge(limit),
                Err(e) => Failure::Transport(e.to_string()),
            })?;
        Ok((status, body.to_bytes()))
    })
    .await
    .map_err(|_| Failure::TimedOut)?
}

/// Whether `url` is one this package may be pointed at: http:// or https://, with no credentials
/// before its host (`https://user:secret@host`). No request sends a URL's credentials, and a URL
/// shows where no secret may: in trace events and spans.
pub fn is_http_url(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    !authority.contains('@')
}

#[cfg(test)]
mod tests {
    use super::is_http_url;

    #[test]
    fn an_http_url_names_its_scheme_and_carries_no_credentials() {
        for good in [
            "https://cognito-idp.us-east-1.amazonaws.com/pool/.well-known/jwks.json",
            "http://127.0.0.1:9229",
            "https://keys.example/jwks.json?at=a@b",
        ] {
            assert!(is_http_url(good), "{good}");
        }
        for bad in [
            "ftp://keys.example/jwks.json",
            "keys.example",
            "https://user:secret@keys.example/jwks.json",
            "http://token@127.0.0.1:9/",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }
}
