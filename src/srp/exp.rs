//! The constant-time exponentiations of a login, both loops of AWS-LC Montgomery products
//! (module `mont`): powers of g through a fixed-base table, and any base through fixed windows.
#![forbid(unsafe_code)]

use super::group::{Monty, GROUP, LIMBS, SMALL_A_BITS};
use super::mont::MontProduct;
use crypto_bigint::{Choice, CtAssign, EncodedUint, U3072};
use std::sync::LazyLock;
use zeroize::Zeroizing;

/// Window of the fixed-base table, in bits (at most 8).
pub(super) const WINDOW: u32 = 5;
pub(super) const ROW: usize = 1 << WINDOW;

/// g^(j · 2^(WINDOW·i)) mod N in Montgomery form, for every window i of a SMALL_A_BITS exponent and
/// every digit j: g^e is then one multiplication per window and no squaring, a fraction of a
/// ladder's operations. Built once (about 1 MiB), on the first login.
pub(super) static G_TABLE: LazyLock<Vec<[U3072; ROW]>> = LazyLock::new(|| {
    let group = &*GROUP;
    let one = Monty::one(&group.params);
    let mut base = group.g;
    (0..SMALL_A_BITS.div_ceil(WINDOW))
        .map(|_| {
            let mut row = [*one.as_montgomery(); ROW];
            let mut acc = one;
            for entry in row.iter_mut().skip(1) {
                acc = acc.mul(&base);
                *entry = *acc.as_montgomery();
            }
            base = acc.mul(&base);
            row
        })
        .collect()
});

/// g^exponent mod N for an exponent below 2^bits (bits <= SMALL_A_BITS, public), in constant time:
/// every window reads its whole table row and does one Montgomery multiplication (in AWS-LC).
/// None only if AWS-LC fails to allocate.
pub(super) fn g_pow(exponent: &U3072, bits: u32) -> Option<Monty> {
    assert!(bits <= SMALL_A_BITS, "the table covers {SMALL_A_BITS} bits");
    let bytes = Zeroizing::new(exponent.to_le_bytes());
    let mut product = MontProduct::new(&Monty::one(&GROUP.params).as_montgomery().to_le_bytes())?;
    for (i, row) in G_TABLE
        .iter()
        .take(bits.div_ceil(WINDOW) as usize)
        .enumerate()
    {
        product.mul(&select(row, digit(&bytes, i))[..])?;
    }
    from_product(&product)
}

/// Windows of a varying-base exponentiation between two yields of the thread: a fraction of a
/// millisecond.
pub(super) const WINDOWS_PER_SLICE: usize = 25;

/// base^exponent mod N for an exponent below 2^bits (a public bound), in constant time: fixed
/// windows over a table of base^0..base^31, read whole for every window; five squarings and one
/// product per window, in AWS-LC. S's exponentiation is the one piece of a login too long to run
/// in one go: the thread yields every WINDOWS_PER_SLICE windows, so a woken Node thread that
/// finds this core busy waits for a slice, not for the whole exponentiation. None only if AWS-LC
/// fails to allocate.
pub(super) fn pow_sliced(base: &Monty, exponent: &U3072, bits: u32) -> Option<Monty> {
    let one = *Monty::one(&GROUP.params).as_montgomery();
    let base = Zeroizing::new(base.as_montgomery().to_le_bytes());
    let mut table = Zeroizing::new([one; ROW]);
    let mut powers = MontProduct::new(&one.to_le_bytes())?;
    for entry in table.iter_mut().skip(1) {
        powers.mul(&base[..])?;
        *entry = U3072::from_le_slice(&Zeroizing::new(powers.value()?)[..]);
    }
    let bytes = Zeroizing::new(exponent.to_le_bytes());
    let windows = bits.div_ceil(WINDOW).max(1) as usize;
    let mut product = MontProduct::new(&select(&table, digit(&bytes, windows - 1))[..])?;
    for (done, i) in (0..windows - 1).rev().enumerate() {
        if done % WINDOWS_PER_SLICE == WINDOWS_PER_SLICE - 1 {
            std::thread::yield_now();
        }
        for _ in 0..WINDOW {
            product.square()?;
        }
        product.mul(&select(&table, digit(&bytes, i))[..])?;
    }
    from_product(&product)
}

/// Window `i` of a little-endian exponent: the WINDOW bits from bit i·WINDOW, read from the two
/// bytes they can straddle (public positions).
pub(super) fn digit(exponent_le: &[u8], i: usize) -> u32 {
    let bit = i * WINDOW as usize;
    let low = u32::from(exponent_le.get(bit / 8).copied().unwrap_or(0));
    let high = u32::from(exponent_le.get(bit / 8 + 1).copied().unwrap_or(0));
    ((low | (high << 8)) >> (bit % 8)) & (ROW as u32 - 1)
}

/// row[digit] as 384 little-endian bytes, in constant time: every entry is read.
pub(super) fn select(row: &[U3072; ROW], digit: u32) -> Zeroizing<EncodedUint<LIMBS>> {
    let mut entry = Zeroizing::new(U3072::ZERO);
    for (j, candidate) in row.iter().enumerate() {
        entry.ct_assign(candidate, Choice::from_u32_eq(j as u32, digit));
    }
    Zeroizing::new(entry.to_le_bytes())
}

/// A product in Montgomery form back into crypto-bigint's form (the same R).
pub(super) fn from_product(product: &MontProduct) -> Option<Monty> {
    let out = Zeroizing::new(product.value()?);
    Some(Monty::from_montgomery(
        U3072::from_le_slice(&out[..]),
        &GROUP.params,
    ))
}
