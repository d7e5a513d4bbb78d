//! The SRP group and its encodings: RFC 5054's 3072-bit prime with g = 2 and k, in Montgomery
//! form, and the number formats amazon-cognito-identity-js hashes and sends (`padHex`, hex).
#![forbid(unsafe_code)]

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U3072};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;
use zeroize::Zeroizing;

pub(super) const LIMBS: usize = U3072::LIMBS;
pub(super) const BYTES: usize = 384;
pub(super) type Monty = FixedMontyForm<LIMBS>;

/// RFC 5054's 3072-bit prime; the generator is 2.
pub(super) const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// `a` has 512 random bits, where amazon-cognito-identity-js draws 1024. A Diffie-Hellman exponent
/// needs twice the security level in bits (RFC 5054 asks for at least 256; RFC 3526 gives 260-320
/// for its 3072-bit group): 512 bits leave the exponent stronger than the ~128-bit group itself.
/// S's exponent `a + u·x` is 513 bits wide whatever `a` is (u·x alone has 512), so 1024-bit `a`
/// bought no security and doubled both exponentiations of a login. Cognito sees only A.
pub(super) const SMALL_A_BITS: u32 = 512;
/// `u` and `x` are SHA-256 outputs.
pub(super) const HASH_BITS: u32 = 256;

pub(super) struct Group {
    pub(super) params: FixedMontyParams<LIMBS>,
    pub(super) g: Monty,
    /// k = H(padHex(N) || padHex(g)), in Montgomery form.
    pub(super) k: Monty,
}

pub(super) static GROUP: LazyLock<Group> = LazyLock::new(|| {
    let n = U3072::from_be_hex(N_HEX);
    let params = FixedMontyParams::new_vartime(Odd::new(n).expect("N is odd"));
    let g = U3072::from_u8(2);
    let k = uint_from_be(
        &Sha256::new()
            .chain_update(pad(&n))
            .chain_update(pad(&g))
            .finalize(),
    )
    .expect("a hash fits");
    Group {
        params,
        g: Monty::new(&g, &params),
        k: Monty::new(&k, &params),
    }
});

/// Big-endian bytes of any length (up to 384) into a U3072.
pub(super) fn uint_from_be(bytes: &[u8]) -> Option<U3072> {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let bytes = &bytes[start..];
    if bytes.len() > BYTES {
        return None;
    }
    let mut buf = Zeroizing::new([0u8; BYTES]);
    buf[BYTES - bytes.len()..].copy_from_slice(bytes);
    Some(U3072::from_be_slice(&buf[..]))
}

pub(super) fn uint_from_hex(hex: &str) -> Option<U3072> {
    let hex = hex.trim_start_matches('0');
    if hex.len() > BYTES * 2 || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let padded = format!("{hex:0>768}");
    let mut bytes = Zeroizing::new([0u8; BYTES]);
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&padded[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(U3072::from_be_slice(&bytes[..]))
}

/// The reference's `padHex`: minimal big-endian bytes, with a 0x00 prepended when the top bit is
/// set (Java's `BigInteger.toByteArray`). Zero is one 0x00 byte.
pub(super) fn pad(value: &U3072) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(BYTES - 1);
    let mut out = Vec::with_capacity(BYTES + 1 - start);
    if bytes[start] & 0x80 != 0 {
        out.push(0);
    }
    out.extend_from_slice(&bytes[start..]);
    out
}

/// `A.toString(16)`: lowercase hex without leading zeros.
pub(super) fn to_hex(value: &U3072) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let hex: String = value
        .to_be_bytes()
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
        .map(char::from)
        .collect();
    let trimmed = hex.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".into()
    } else {
        trimmed.into()
    }
}

pub(super) fn hash_to_uint(parts: &[&[u8]]) -> U3072 {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part);
    }
    uint_from_be(&h.finalize()).expect("a hash fits")
}

/// N as 384 big-endian bytes.
pub(super) fn modulus_be() -> [u8; BYTES] {
    let mut out = [0u8; BYTES];
    out.copy_from_slice(&GROUP.params.modulus().as_ref().to_be_bytes());
    out
}
