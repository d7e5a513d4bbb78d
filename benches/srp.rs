//! `cargo bench -p cognito-user-pool-benches --bench srp`: the client-side SRP steps of one login.
//! `generate` is a and A = g^a (fixed-base table); `claim` is u, x, g^x (table), S (fixed windows,
//! yielding between slices), HKDF and the HMAC signature. Their sum is the SRP CPU of one login, and
//! also of a remembered device's DEVICE_SRP_AUTH (the same two steps with the device's names).
//! `device secret` is confirmDevice's work: a random password and its verifier g^x (table).

use cognito_user_pool::srp::{now_timestamp, DeviceSecret, Ephemeral, VerifierChallenge};
use criterion::{criterion_group, criterion_main, Criterion};

/// A server B from the shared vectors (any valid B costs the same).
const SRP_B: &str = include_str!("srp_b.hex");

fn bench(c: &mut Criterion) {
    Ephemeral::generate().unwrap(); // builds the fixed-base table once, as the first login does
    c.bench_function("generate (a, A = g^a)", |b| {
        b.iter(|| Ephemeral::generate().unwrap())
    });
    let pair = Ephemeral::generate().unwrap();
    let challenge = VerifierChallenge {
        pool_name: "AbCdEf123",
        user_id_for_srp: "alice",
        salt_hex: "35e1bae17ba82ca7a3c3fff3258b4d82",
        srp_b_hex: SRP_B.trim(),
        secret_block_b64: "AAECAwQFBgcICQ==",
    };
    c.bench_function("claim (u, x, g^x, S, key, signature)", |b| {
        b.iter(|| {
            pair.password_claim(&challenge, "Correct-Horse-9!", now_timestamp())
                .unwrap()
        })
    });
    c.bench_function("device secret (password, salt, verifier = g^x)", |b| {
        b.iter(|| DeviceSecret::generate("-Gr0upKey", "us-east-1_device").unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
