//! How the addon's own threads (the async worker and the SRP workers) stand back for the Node
//! thread. Two levers, both on the calling thread only, never on Node's:
//! - a lower priority (nice 10) for the SRP workers, so under load the math gets a smaller share
//!   than the Node thread;
//! - a long time slice request (Linux 6.12+ custom slices) for both. The EEVDF scheduler
//!   protects a running thread's slice against a woken one unless the woken one asked for a
//!   shorter slice; with ours longer than Node's default, the woken Node thread takes the core at
//!   once. Older kernels ignore the request; elsewhere than Linux both are no-ops.
//!   (docs/performance.md has the measurements.)
#![allow(unsafe_code)]

/// The SRP workers' nice value (normal is 0, the lowest 19): far enough below the Node thread that
/// it wins the core, while under load from other processes the math still gets a share (which
/// SCHED_IDLE would not give it).
pub const SRP_NICE: i32 = 10;

/// The slice the addon's threads ask for: longer than Node's, and short enough that a thread kept
/// waiting does not later catch up for long (it may for two of its slices).
#[cfg(target_os = "linux")]
const SLICE_NS: u64 = 10_000_000;

/// Make the calling thread a background thread: the long slice, and at least `nice` (a thread
/// already nicer keeps its value). Failures leave the thread as it was, which is harmless.
#[cfg(target_os = "linux")]
pub fn background(nice: i32) {
    let nice = match current() {
        Some(mut attr) => {
            attr.sched_nice = attr.sched_nice.max(nice);
            // Only the normal policy has slices; a thread the user made batch or idle stays so.
            if attr.sched_policy == libc::SCHED_OTHER as u32 {
                attr.sched_runtime = SLICE_NS;
            }
            attr.sched_flags = 0;
            // SAFETY: `attr` is a valid sched_attr of the size it declares; pid 0 is the calling
            // thread.
            let set = unsafe {
                libc::syscall(
                    libc::SYS_sched_setattr,
                    0,
                    &attr as *const libc::sched_attr,
                    0,
                )
            };
            if set == 0 {
                return;
            }
            attr.sched_nice
        }
        // No sched_getattr (a seccomp filter, an old kernel): the current value is unknown, so
        // only ever lower the priority.
        None if nice > 0 => nice,
        None => return,
    };
    // A kernel that refuses the slice still takes the nice value.
    // SAFETY: plain syscall wrapper; `who = 0` names the calling thread on Linux.
    unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, nice) };
}

#[cfg(not(target_os = "linux"))]
pub fn background(_nice: i32) {}

/// The calling thread's scheduling attributes, as the kernel reports them.
#[cfg(target_os = "linux")]
fn current() -> Option<libc::sched_attr> {
    let size = std::mem::size_of::<libc::sched_attr>() as u32;
    // SAFETY: sched_attr is plain integers, so all-zero is a valid value.
    let mut attr: libc::sched_attr = unsafe { std::mem::zeroed() };
    // SAFETY: the kernel writes at most `size` bytes into `attr`; pid 0 is the calling thread.
    let got = unsafe {
        libc::syscall(
            libc::SYS_sched_getattr,
            0,
            &mut attr as *mut libc::sched_attr,
            size,
            0,
        )
    };
    (got == 0).then_some(libc::sched_attr { size, ..attr })
}

/// The calling thread's (nice value, slice in ns); the slice is 0 where the kernel has none.
#[cfg(all(test, target_os = "linux"))]
pub fn current_nice_and_slice() -> Option<(i32, u64)> {
    current().map(|attr| (attr.sched_nice, attr.sched_runtime))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn background_lowers_priority_and_asks_for_the_long_slice_on_this_thread_only() {
        let before = current_nice_and_slice().expect("sched_getattr");
        let (nice, slice) = std::thread::spawn(|| {
            background(SRP_NICE);
            current_nice_and_slice().expect("sched_getattr")
        })
        .join()
        .unwrap();
        assert_eq!(nice, SRP_NICE.max(before.0));
        // Kernels before 6.12 report no slice and ignore the request.
        assert!(slice == SLICE_NS || slice == 0, "slice {slice}");
        assert_eq!(
            current_nice_and_slice(),
            Some(before),
            "the calling thread is untouched"
        );
    }

    #[test]
    fn a_nicer_thread_keeps_its_value() {
        let nice = std::thread::spawn(|| {
            background(15);
            background(SRP_NICE);
            current_nice_and_slice().expect("sched_getattr").0
        })
        .join()
        .unwrap();
        assert_eq!(nice, 15);
    }
}
