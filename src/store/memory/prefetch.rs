//! Cache hints: start loading a value's line before it is needed, with no other effect.
//!
//! The store's work is mostly waiting on memory; where the next access is known early, a
//! hint lets that wait overlap other work. On targets without the instruction it is a no-op.

/// Starts loading the cache line of `x`, without waiting for it.
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse"
))]
pub fn prefetch<T>(x: &T) {
    safe_arch::prefetch_t0(x);
}

/// Starts loading the cache line of `x` (a no-op on this target).
#[cfg(not(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse"
)))]
pub fn prefetch<T>(_: &T) {}
