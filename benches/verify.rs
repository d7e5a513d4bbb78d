//! `cargo bench -p cognito-user-pool-benches --bench verify`: one RS256 token's verification in Rust,
//! beside the floor under it: the signature check alone with the key parsed once (AWS-LC), and
//! the token's decoding alone. What the N-API call and the JS object add is in bench/verify.js.

use aws_lc_rs::signature::{RsaPublicKeyComponents, RSA_PKCS1_2048_8192_SHA256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use cognito_user_pool::verify::{jwt, Verifier};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};

fn bench(c: &mut Criterion) {
    let file: Value = serde_json::from_str(include_str!("../testdata/jwt-vectors.json")).unwrap();
    let rs256 = &file["vectors"][0];
    assert_eq!(rs256["alg"], "RS256");
    let token = rs256["token"].as_str().unwrap();
    let options = json!({"pools": [{
        "userPoolId": file["userPoolId"], "tokenUse": "access", "clientId": file["clientId"],
        "jwksUri": "http://127.0.0.1:9/bench", "jwks": {"keys": [rs256["jwk"]]},
    }]});
    let verifier = Verifier::from_json(&options.to_string()).unwrap();
    verifier.verify_sync(token, None).unwrap();

    let b64 = |name: &str| {
        URL_SAFE_NO_PAD
            .decode(rs256["jwk"][name].as_str().unwrap())
            .unwrap()
    };
    let key = RsaPublicKeyComponents {
        n: b64("n"),
        e: b64("e"),
    }
    .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
    .unwrap();
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();

    c.bench_function("verify_sync (RS256, every check)", |b| {
        b.iter(|| verifier.verify_sync(token, None).unwrap())
    });
    c.bench_function("floor: RS256 signature, key parsed once", |b| {
        b.iter(|| key.verify_sig(signed.as_bytes(), &signature).unwrap())
    });
    c.bench_function("decode and signature, no claims checks", |b| {
        b.iter(|| {
            let jwt = jwt::decode(token, jwt::Padding::Refused).unwrap();
            key.verify_sig(jwt.signed, &jwt.signature().unwrap())
                .unwrap()
        })
    });
    c.bench_function("decode (header, claims, signature)", |b| {
        b.iter(|| jwt::decode(token, jwt::Padding::Refused).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
