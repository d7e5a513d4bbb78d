//! Cognito's SRP-6a client side (USER_SRP_AUTH, then the PASSWORD_VERIFIER answer; a remembered
//! device's DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER, and the verifier ConfirmDevice takes),
//! byte for byte as amazon-cognito-identity-js computes it: 3072-bit group of RFC 5054, SHA-256, HKDF "Caldera
//! Derived Key", HMAC claim. Every exponentiation with a secret exponent (`a`, `x`, `a + u·x`) is
//! constant-time with a public bit bound: powers of g through a fixed-base table read whole, S
//! through fixed windows over a table of the base's powers, also read whole; the Montgomery
//! products of both run in AWS-LC (module `mont`).
//!
//! The big-number work is CPU-bound (milliseconds): callers run it on the SRP workers.
// Unsafe code only in `mont`, around the AWS-LC calls; the crate denies it everywhere else.

mod exp;
mod group;
mod mont;

use crate::error::{Error, Result};
use base64::Engine as _;
use crypto_bigint::U3072;
use exp::{g_pow, pow_sliced};
use group::{
    hash_to_uint, pad, to_hex, uint_from_be, uint_from_hex, Monty, GROUP, HASH_BITS, SMALL_A_BITS,
};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

/// What Cognito's PASSWORD_VERIFIER (or DEVICE_PASSWORD_VERIFIER) challenge carries.
pub struct VerifierChallenge<'a> {
    /// The pool's name; for a device, its device group key.
    pub pool_name: &'a str,
    /// `USER_ID_FOR_SRP`: the user's internal name, not the alias they typed; for a device, its
    /// device key.
    pub user_id_for_srp: &'a str,
    pub salt_hex: &'a str,
    pub srp_b_hex: &'a str,
    pub secret_block_b64: &'a str,
}

/// The answer to PASSWORD_VERIFIER.
#[derive(PartialEq, Eq)]
pub struct PasswordClaim {
    pub signature_b64: String,
    pub timestamp: String,
}

impl std::fmt::Debug for PasswordClaim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordClaim")
            .field("timestamp", &self.timestamp)
            .finish_non_exhaustive()
    }
}

/// One login's ephemeral key pair (a, A = g^a mod N). Independent of user and password, so it can
/// be made before the server is asked anything.
pub struct Ephemeral {
    a: Zeroizing<U3072>,
    /// A public bound on a's width; it fixes the width S's exponent is handed over with.
    a_bits: u32,
    big_a: U3072,
}

impl std::fmt::Debug for Ephemeral {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ephemeral([redacted])")
    }
}

impl Ephemeral {
    /// A fresh pair from the OS CSPRNG.
    pub fn generate() -> Result<Self> {
        loop {
            let mut bytes = Zeroizing::new([0u8; SMALL_A_BITS as usize / 8]);
            getrandom::fill(&mut bytes[..])
                .map_err(|_| Error::internal("the OS random generator failed"))?;
            if let Some(pair) = Self::from_small_a(uint_from_be(&bytes[..]).expect("64 bytes fit"))?
            {
                return Ok(pair);
            }
        }
    }

    /// None when A mod N would be 0 (a = 0), which the reference also refuses.
    fn from_small_a(a: U3072) -> Result<Option<Self>> {
        let big_a = g_pow(&a, SMALL_A_BITS).ok_or_else(math_failed)?.retrieve();
        if big_a.is_zero_vartime() {
            return Ok(None);
        }
        Ok(Some(Self {
            a: Zeroizing::new(a),
            a_bits: SMALL_A_BITS,
            big_a,
        }))
    }

    /// The pair of a given `a`, for tests against the reference's vectors. The reference's `a`
    /// may be 1024 bits wide, beyond the table: its A comes from the varying-base exponentiation,
    /// and S's exponent gets the windows that bound gives.
    #[cfg(test)]
    pub(crate) fn from_hex(a_hex: &str) -> Self {
        let a = uint_from_hex(a_hex).unwrap();
        if a.bits_vartime() <= SMALL_A_BITS {
            return Self::from_small_a(a).unwrap().unwrap();
        }
        Self {
            a: Zeroizing::new(a),
            a_bits: 1024,
            big_a: pow_sliced(&GROUP.g, &a, 1024).unwrap().retrieve(),
        }
    }

    /// `SRP_A` as sent to InitiateAuth.
    pub fn public_hex(&self) -> String {
        to_hex(&self.big_a)
    }

    /// Compute the password claim for the server's challenge at `timestamp`.
    pub fn password_claim(
        &self,
        challenge: &VerifierChallenge<'_>,
        password: &str,
        timestamp: String,
    ) -> Result<PasswordClaim> {
        let bad = |what: &str| {
            Error::bad_response(format!(
                "Cognito sent an invalid {what} in the SRP challenge"
            ))
        };
        let group = &*GROUP;
        let b = uint_from_hex(challenge.srp_b_hex).ok_or_else(|| bad("SRP_B"))?;
        if b.rem_vartime(group.params.modulus().as_nz_ref())
            .is_zero_vartime()
        {
            return Err(bad("SRP_B"));
        }
        let salt = uint_from_hex(challenge.salt_hex).ok_or_else(|| bad("SALT"))?;
        let secret_block = base64::engine::general_purpose::STANDARD
            .decode(challenge.secret_block_b64)
            .map_err(|_| bad("SECRET_BLOCK"))?;

        let u = compute_u(&self.big_a, &b);
        if u.is_zero_vartime() {
            return Err(bad("SRP_B"));
        }
        let x = compute_x(
            &salt,
            challenge.pool_name,
            challenge.user_id_for_srp,
            password,
        );
        let s = compute_s(&self.a, self.a_bits, &b, &u, &x)?;
        let key = derive_key(&s, &u);
        let signature_b64 = sign(
            &key[..],
            challenge.pool_name,
            challenge.user_id_for_srp,
            &secret_block,
            &timestamp,
        );
        Ok(PasswordClaim {
            signature_b64,
            timestamp,
        })
    }
}

/// A remembered device's secret: the random password only the caller keeps, and the salt and
/// verifier ConfirmDevice hands Cognito (`padHex` bytes, as the reference sends them base64'd).
pub struct DeviceSecret {
    pub password: Zeroizing<String>,
    pub salt: Vec<u8>,
    pub verifier: Vec<u8>,
}

impl std::fmt::Debug for DeviceSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceSecret([redacted])")
    }
}

impl DeviceSecret {
    /// A fresh secret for `device_key` of `group_key`: 40 random bytes base64'd for the password
    /// and 16 for the salt, as the reference draws them.
    pub fn generate(group_key: &str, device_key: &str) -> Result<Self> {
        let mut password = Zeroizing::new([0u8; 40]);
        let mut salt = [0u8; 16];
        getrandom::fill(&mut password[..])
            .and_then(|()| getrandom::fill(&mut salt))
            .map_err(|_| Error::internal("the OS random generator failed"))?;
        Self::from_random(group_key, device_key, &password, &salt)
    }

    /// v = g^x with x = H(padHex(salt) || H(groupKey || deviceKey || ":" || password)): the user's
    /// x with the device group key for the pool and the device key for the user.
    fn from_random(
        group_key: &str,
        device_key: &str,
        password: &[u8; 40],
        salt: &[u8; 16],
    ) -> Result<Self> {
        let password = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(password));
        let salt = uint_from_be(salt).expect("16 bytes fit");
        let x = compute_x(&salt, group_key, device_key, &password);
        let verifier = g_pow(&x, HASH_BITS).ok_or_else(math_failed)?.retrieve();
        Ok(Self {
            password,
            salt: pad(&salt),
            verifier: pad(&verifier),
        })
    }
}

/// u = H(padHex(A) || padHex(B))
fn compute_u(big_a: &U3072, b: &U3072) -> U3072 {
    hash_to_uint(&[&pad(big_a), &pad(b)])
}

/// x = H(padHex(salt) || H(poolName || userId || ":" || password)); the salt is read as a number
/// first, so leading zero bytes drop out, as in the reference.
fn compute_x(salt: &U3072, pool_name: &str, user_id: &str, password: &str) -> Zeroizing<U3072> {
    let mut inner = Sha256::new();
    inner.update(pool_name.as_bytes());
    inner.update(user_id.as_bytes());
    inner.update(b":");
    inner.update(password.as_bytes());
    let mut user_hash = inner.finalize();
    let x = hash_to_uint(&[&pad(salt), &user_hash]);
    user_hash.zeroize();
    Zeroizing::new(x)
}

/// AWS-LC could not allocate.
fn math_failed() -> Error {
    Error::internal("the SRP exponentiation failed")
}

/// S = (B - k·g^x)^(a + u·x) mod N, the exponent not reduced (as in the reference); `a` is below
/// 2^a_bits (a public bound).
fn compute_s(a: &U3072, a_bits: u32, b: &U3072, u: &U3072, x: &U3072) -> Result<Zeroizing<U3072>> {
    let group = &*GROUP;
    let g_x = g_pow(x, HASH_BITS).ok_or_else(math_failed)?;
    let base = Monty::new(b, &group.params).sub(&group.k.mul(&g_x));
    // u, x < 2^256 so u·x < 2^512, and a + u·x < 2^(max(a_bits, 512) + 1): no wrap in 3072 bits,
    // and that public bound, not the exponent's value, sets the number of windows.
    let exponent = Zeroizing::new(a.wrapping_add(&u.wrapping_mul(x)));
    let bits = a_bits.max(2 * HASH_BITS) + 1;
    let s = pow_sliced(&base, &exponent, bits).ok_or_else(math_failed)?;
    Ok(Zeroizing::new(s.retrieve()))
}

/// HKDF-SHA256(ikm = padHex(S), salt = padHex(u), info = "Caldera Derived Key"), 16 bytes.
fn derive_key(s: &U3072, u: &U3072) -> Zeroizing<[u8; 16]> {
    let ikm = Zeroizing::new(pad(s));
    let mut key = Zeroizing::new([0u8; 16]);
    Hkdf::<Sha256>::new(Some(&pad(u)), &ikm)
        .expand(b"Caldera Derived Key", &mut key[..])
        .expect("16 bytes is a valid HKDF-SHA256 length");
    key
}

/// base64(HMAC-SHA256(key, poolName || userId || secretBlock || timestamp))
fn sign(
    key: &[u8],
    pool_name: &str,
    user_id: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(pool_name.as_bytes());
    mac.update(user_id.as_bytes());
    mac.update(secret_block);
    mac.update(timestamp.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The claim's clock, in the reference's format: `Tue Nov 3 05:04:03 UTC 2026` (day not padded).
pub fn timestamp(unix_seconds: i64) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short] [month repr:short] [day padding:none] [hour]:[minute]:[second] UTC [year]"
    );
    time::OffsetDateTime::from_unix_timestamp(unix_seconds)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .format(&format)
        .expect("the format has only fields every date has")
}

pub fn now_timestamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    timestamp(secs)
}

#[cfg(test)]
mod tests {
    use super::group::N_HEX;
    use super::*;
    use crate::error::code;
    use serde_json::Value;

    fn vectors() -> Value {
        serde_json::from_str(include_str!("../../testdata/srp-vectors.json")).unwrap()
    }

    fn hex_of_padded(value: &U3072) -> String {
        pad(value).iter().map(|b| format!("{b:02x}")).collect()
    }

    fn check_case(case: &Value) {
        let name = case["name"].as_str().unwrap();
        let input = &case["input"];
        let expected = &case["expected"];
        let s = |key: &str| input[key].as_str().unwrap();

        // Divergence cases give only A, the key and the signature; the rest is checked when given.
        let check = |field: &str, actual: String| {
            if let Some(want) = expected[field].as_str() {
                assert_eq!(actual, want, "{name}: {field}");
            }
        };

        let pair = Ephemeral::from_hex(s("small_a_hex"));
        assert_eq!(
            pair.public_hex(),
            expected["srp_a_hex"].as_str().unwrap(),
            "{name}: A"
        );
        let b = uint_from_hex(s("srp_b_hex")).unwrap();
        let u = compute_u(&pair.big_a, &b);
        check("u_hex", hex_of_padded(&u));
        let salt = uint_from_hex(s("salt_hex")).unwrap();
        let x = compute_x(&salt, s("pool_name"), s("user_id_for_srp"), s("password"));
        check("x_hex", hex_of_padded(&x));
        let big_s = compute_s(&pair.a, pair.a_bits, &b, &u, &x).unwrap();
        check("s_hex", hex_of_padded(&big_s));
        let key = derive_key(&big_s, &u);
        let key_hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            key_hex,
            expected["hkdf_key_hex"].as_str().unwrap(),
            "{name}: key"
        );

        if let Some(epoch) = input["timestamp_epoch_s"].as_i64() {
            assert_eq!(timestamp(epoch), s("timestamp"));
        }
        let claim = pair
            .password_claim(
                &VerifierChallenge {
                    pool_name: s("pool_name"),
                    user_id_for_srp: s("user_id_for_srp"),
                    salt_hex: s("salt_hex"),
                    srp_b_hex: s("srp_b_hex"),
                    secret_block_b64: s("secret_block_b64"),
                },
                s("password"),
                s("timestamp").to_owned(),
            )
            .unwrap();
        assert_eq!(
            claim.signature_b64,
            expected["password_claim_signature_b64"].as_str().unwrap(),
            "{name}: signature"
        );
    }

    #[test]
    fn k_matches_the_reference() {
        let v = vectors();
        let k = GROUP.k.retrieve();
        assert_eq!(
            to_hex(&k),
            v["group"]["k_hex"]
                .as_str()
                .unwrap()
                .trim_start_matches('0')
        );
        assert_eq!(
            to_hex(GROUP.params.modulus().as_ref()),
            v["group"]["N_hex"].as_str().unwrap()
        );
    }

    #[test]
    fn reproduces_every_reference_vector() {
        let v = vectors();
        let cases = v["vectors"].as_array().unwrap();
        assert!(cases.len() >= 3);
        for case in cases {
            check_case(case);
        }
    }

    /// The production path (512-bit `a`, A through the table, 65-byte S exponent), against the JS
    /// reference run with the same `a` (scripts/srp-vectors.js).
    #[test]
    fn reproduces_the_reference_with_a_512_bit_a() {
        let v: Value =
            serde_json::from_str(include_str!("../../testdata/srp-short-a-vectors.json")).unwrap();
        let cases = v["vectors"].as_array().unwrap();
        assert_eq!(cases.len(), 3);
        for case in cases {
            let a = uint_from_hex(case["input"]["small_a_hex"].as_str().unwrap()).unwrap();
            assert!(a.bits_vartime() <= SMALL_A_BITS);
            check_case(case);
        }
    }

    #[test]
    fn follows_the_js_reference_where_pycognito_differs() {
        let v = vectors();
        for case in v["divergence_cases"].as_array().unwrap() {
            check_case(case);
        }
    }

    /// The device secret ConfirmDevice gets, from the reference's own random bytes
    /// (testdata/device-srp-vectors.json, scripts/device-srp-vectors.js); the sign-in answers of
    /// the same vectors are checked in `auth`, where they are built.
    #[test]
    fn device_secrets_match_the_reference() {
        let v: Value =
            serde_json::from_str(include_str!("../../testdata/device-srp-vectors.json")).unwrap();
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
        for case in v["vectors"].as_array().unwrap() {
            let (input, expected) = (&case["input"], &case["expected"]["confirm_device"]);
            let bytes = |key: &str| -> Vec<u8> {
                let hex = input[key].as_str().unwrap();
                (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                    .collect()
            };
            let secret = DeviceSecret::from_random(
                input["device_group_key"].as_str().unwrap(),
                input["device_key"].as_str().unwrap(),
                &bytes("device_password_bytes_hex").try_into().unwrap(),
                &bytes("salt_bytes_hex").try_into().unwrap(),
            )
            .unwrap();
            assert_eq!(*secret.password, input["device_password"].as_str().unwrap());
            assert_eq!(b64(&secret.salt), expected["Salt"].as_str().unwrap());
            assert_eq!(
                b64(&secret.verifier),
                expected["PasswordVerifier"].as_str().unwrap()
            );
            assert_eq!(format!("{secret:?}"), "DeviceSecret([redacted])");
        }
    }

    #[test]
    fn timestamps_match_the_reference_format() {
        let v = vectors();
        for case in v["timestamp_vectors"].as_array().unwrap() {
            assert_eq!(
                timestamp(case["epoch_s"].as_i64().unwrap()),
                case["expected"].as_str().unwrap()
            );
        }
    }

    #[test]
    fn the_fixed_base_table_agrees_with_the_ladder() {
        let group = &*GROUP;
        let exponents = [
            U3072::ZERO,
            U3072::ONE,
            U3072::from_u64(0xdead_beef_0123_4567),
            U3072::MAX.shr_vartime(3072 - SMALL_A_BITS),
            U3072::MAX.shr_vartime(3072 - 256),
        ];
        for e in exponents {
            assert_eq!(
                g_pow(&e, SMALL_A_BITS).unwrap(),
                group.g.pow_bounded_exp(&e, SMALL_A_BITS)
            );
        }
        let short = U3072::MAX.shr_vartime(3072 - 256);
        assert_eq!(
            g_pow(&short, 256).unwrap(),
            group.g.pow_bounded_exp(&short, 256)
        );
    }

    #[test]
    fn the_sliced_exponentiation_agrees_with_crypto_bigint() {
        let base = Monty::new(&hash_to_uint(&[b"any base"]), &GROUP.params);
        let wide = hash_to_uint(&[b"e"]).wrapping_mul(&hash_to_uint(&[b"f"]));
        let all_ones = U3072::MAX.shr_vartime(3072 - 513);
        for (exponent, bits) in [
            (U3072::ZERO, 513),
            (U3072::ONE, 513),
            (U3072::from_u8(31), 5),
            (U3072::from_u8(32), 6),
            (wide, 513),
            (all_ones, 513),
        ] {
            assert_eq!(
                pow_sliced(&base, &exponent, bits).unwrap().retrieve(),
                base.pow(&exponent).retrieve(),
                "exponent of {bits} bits"
            );
        }
    }

    #[test]
    fn pad_follows_java_to_byte_array() {
        assert_eq!(pad(&U3072::from_u8(0)), vec![0]);
        assert_eq!(pad(&U3072::from_u8(0x7f)), vec![0x7f]);
        assert_eq!(pad(&U3072::from_u8(0x80)), vec![0, 0x80]);
        assert_eq!(pad(&U3072::from_u16(0x0102)), vec![1, 2]);
    }

    #[test]
    fn rejects_a_server_b_that_is_zero_mod_n_or_not_hex() {
        let pair = Ephemeral::generate().unwrap();
        for bad_b in ["0", N_HEX, "zz", &"f".repeat(800)] {
            let err = pair
                .password_claim(
                    &VerifierChallenge {
                        pool_name: "p",
                        user_id_for_srp: "u",
                        salt_hex: "01",
                        srp_b_hex: bad_b,
                        secret_block_b64: "AAAA",
                    },
                    "pw",
                    now_timestamp(),
                )
                .unwrap_err();
            assert_eq!(err.code, code::UNKNOWN);
            assert!(err.message.contains("SRP_B"));
        }
    }

    #[test]
    fn fresh_pairs_differ_and_debug_hides_them() {
        let one = Ephemeral::generate().unwrap();
        let two = Ephemeral::generate().unwrap();
        assert_ne!(one.public_hex(), two.public_hex());
        assert_eq!(format!("{one:?}"), "Ephemeral([redacted])");
    }
}
