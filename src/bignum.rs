//! The one varying-base exponentiation of a login, S = base^(a + u·x) mod N, through AWS-LC's
//! `BN_mod_exp_mont_consttime` (assembly Montgomery multiplication with mulx/adx: 2.6 ms here,
//! against 5.1 ms for crypto-bigint's portable ladder). AWS-LC is already linked for TLS.
//!
//! AWS-LC walks every bit of the exponent's *stored* width, so the exponent is always handed over
//! as the same number of bytes and its value never shapes the timing. The only unsafe code of the
//! crate outside the N-API glue lives here, around four documented calls.
#![allow(unsafe_code)]

use aws_lc_sys as ffi;
use std::ptr;
use std::sync::LazyLock;

pub const MODULUS_BYTES: usize = 384;

/// N and its Montgomery context, made once and only read afterwards (AWS-LC documents a
/// `BN_MONT_CTX` as safe to share read-only between threads).
struct Modulus {
    n: *mut ffi::BIGNUM,
    mont: *mut ffi::BN_MONT_CTX,
}

// SAFETY: both pointers are created once, never freed, and only passed as `const` afterwards.
unsafe impl Send for Modulus {}
unsafe impl Sync for Modulus {}

/// A BIGNUM freed (and wiped) when dropped.
struct Owned(*mut ffi::BIGNUM);

impl Owned {
    fn from_be(bytes: &[u8]) -> Option<Self> {
        // SAFETY: reads `bytes.len()` bytes from a live slice; returns a new BIGNUM or null.
        let bn = unsafe { ffi::BN_bin2bn(bytes.as_ptr(), bytes.len(), ptr::null_mut()) };
        (!bn.is_null()).then_some(Self(bn))
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: `self.0` came from BN_bin2bn/BN_new and is freed exactly once.
        unsafe { ffi::BN_clear_free(self.0) }
    }
}

/// AWS-LC's scratch space for one operation, freed when dropped.
struct Scratch(*mut ffi::BN_CTX);

impl Scratch {
    fn new() -> Option<Self> {
        // SAFETY: BN_CTX_new returns a fresh context or null.
        let ctx = unsafe { ffi::BN_CTX_new() };
        (!ctx.is_null()).then_some(Self(ctx))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // SAFETY: `self.0` came from BN_CTX_new and is freed exactly once.
        unsafe { ffi::BN_CTX_free(self.0) }
    }
}

static MODULUS: LazyLock<Option<Modulus>> = LazyLock::new(|| {
    let n = Owned::from_be(&crate::srp::modulus_be())?;
    let scratch = Scratch::new()?;
    // SAFETY: `n` is a valid odd BIGNUM and `scratch` a live context.
    let mont = unsafe { ffi::BN_MONT_CTX_new_consttime(n.0, scratch.0) };
    if mont.is_null() {
        return None;
    }
    let modulus = Modulus { n: n.0, mont };
    std::mem::forget(n); // lives as long as the process
    Some(modulus)
});

/// base^exponent mod N, for base < N given as 384 big-endian bytes and an exponent whose byte
/// length is public. None only if AWS-LC fails to allocate.
pub fn pow_mod_n(base: &[u8; MODULUS_BYTES], exponent: &[u8]) -> Option<[u8; MODULUS_BYTES]> {
    let modulus = MODULUS.as_ref()?;
    let (base, exponent) = (Owned::from_be(base)?, Owned::from_be(exponent)?);
    // SAFETY: BN_new returns a fresh BIGNUM or null.
    let result = Owned(unsafe { ffi::BN_new() });
    if result.0.is_null() {
        return None;
    }
    let scratch = Scratch::new()?;
    let mut out = [0u8; MODULUS_BYTES];
    // SAFETY: every pointer is a live BIGNUM, a live context or the shared read-only modulus;
    // `out` has room for the 384 bytes asked for.
    let ok = unsafe {
        ffi::BN_mod_exp_mont_consttime(
            result.0,
            base.0,
            exponent.0,
            modulus.n,
            scratch.0,
            modulus.mont,
        ) == 1
            && ffi::BN_bn2bin_padded(out.as_mut_ptr(), MODULUS_BYTES, result.0) == 1
    };
    ok.then_some(out)
}
