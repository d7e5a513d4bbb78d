//! The Montgomery products of a login's exponentiations, in AWS-LC (assembly multiplication and
//! squaring with mulx/adx; AWS-LC is already linked for TLS): both g^e through the fixed-base
//! table and S = base^(a + u·x) are loops of these products, driven from `exp`. They are faster
//! than crypto-bigint's own, and, unlike AWS-LC's whole exponentiation, leave `exp` free to yield
//! the core between windows.
//!
//! Products take the constant-time `bn_mul_mont` path only for operands of the modulus' full
//! width, which every operand here has (each is loaded from 384 bytes, and each result keeps the
//! full width). The unsafe code sits around a handful of documented calls.
#![allow(unsafe_code)]

use aws_lc_sys as ffi;
use std::ptr;
use std::sync::LazyLock;

pub const MODULUS_BYTES: usize = 384;

/// N and its Montgomery context, made once and only read afterwards (AWS-LC documents a
/// `BN_MONT_CTX` as safe to share read-only between threads).
struct Modulus {
    mont: *mut ffi::BN_MONT_CTX,
}

// SAFETY: the pointer is created once, never freed, and only passed as `const` afterwards.
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

    /// A BIGNUM of the modulus' full width (48 limbs) from 384 little-endian bytes.
    fn from_le(bytes: &[u8]) -> Option<Self> {
        let mut bn = Self::empty()?;
        bn.set_le(bytes)?;
        Some(bn)
    }

    fn empty() -> Option<Self> {
        // SAFETY: BN_new returns a fresh BIGNUM or null.
        let bn = unsafe { ffi::BN_new() };
        (!bn.is_null()).then_some(Self(bn))
    }

    /// Overwrites the value with 384 little-endian bytes, at full width (BN_le2bn keeps the
    /// width the length gives). None for any other length.
    fn set_le(&mut self, bytes: &[u8]) -> Option<()> {
        if bytes.len() != MODULUS_BYTES {
            return None;
        }
        // SAFETY: reads 384 bytes from a live slice into a live BIGNUM, which it may grow.
        let bn = unsafe { ffi::BN_le2bn(bytes.as_ptr(), MODULUS_BYTES, self.0) };
        (!bn.is_null()).then_some(())
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
    let n = Owned::from_be(&super::group::modulus_be())?;
    let scratch = Scratch::new()?;
    // SAFETY: `n` is a valid odd BIGNUM and `scratch` a live context.
    let mont = unsafe { ffi::BN_MONT_CTX_new_consttime(n.0, scratch.0) };
    if mont.is_null() {
        return None;
    }
    // The context keeps its own copy of N.
    Some(Modulus { mont })
});

/// A running product of values in Montgomery form (R = 2^3072, the same R as crypto-bigint's
/// 48-limb form), each value given as 384 little-endian bytes below N.
pub struct MontProduct {
    acc: Owned,
    next: Owned,
    factor: Owned,
    scratch: Scratch,
}

impl MontProduct {
    pub fn new(start: &[u8]) -> Option<Self> {
        Some(Self {
            acc: Owned::from_le(start)?,
            next: Owned::empty()?,
            factor: Owned::empty()?,
            scratch: Scratch::new()?,
        })
    }

    /// acc = acc · factor · R⁻¹ mod N, in constant time.
    pub fn mul(&mut self, factor: &[u8]) -> Option<()> {
        self.factor.set_le(factor)?;
        let (acc, factor) = (self.acc.0, self.factor.0);
        self.product(acc, factor)
    }

    /// acc = acc² · R⁻¹ mod N, in constant time (AWS-LC's squaring path: both operands are acc).
    pub fn square(&mut self) -> Option<()> {
        let acc = self.acc.0;
        self.product(acc, acc)
    }

    fn product(&mut self, a: *const ffi::BIGNUM, b: *const ffi::BIGNUM) -> Option<()> {
        let modulus = MODULUS.as_ref()?;
        // SAFETY: live BIGNUMs of full width, a live context and the shared read-only modulus;
        // the result goes to `next`, which is neither operand, so nothing is aliased.
        let ok = unsafe {
            ffi::BN_mod_mul_montgomery(self.next.0, a, b, modulus.mont, self.scratch.0) == 1
        };
        std::mem::swap(&mut self.acc, &mut self.next);
        ok.then_some(())
    }

    /// The product so far, in Montgomery form, as 384 little-endian bytes.
    pub fn value(&self) -> Option<[u8; MODULUS_BYTES]> {
        let mut out = [0u8; MODULUS_BYTES];
        // SAFETY: writes at most 384 bytes into `out` from a live BIGNUM.
        let ok = unsafe { ffi::BN_bn2le_padded(out.as_mut_ptr(), MODULUS_BYTES, self.acc.0) == 1 };
        ok.then_some(out)
    }
}
