//! The threads that do the SRP math: all cores but one, standing back for the Node thread (module
//! `sched`: nice 10 and a long slice request). A login's math is milliseconds of pure CPU; at the
//! same priority, a burst of logins would keep every core busy and make the woken Node thread
//! wait out a whole time slice, and every other request of the process with it. With a yield
//! between two jobs and `sched`'s settings the Node thread gets a core back at once; the math
//! still gets every cycle the process does not need.
#![forbid(unsafe_code)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc, LazyLock, Mutex};

type Job = Box<dyn FnOnce() + Send>;

/// The queue the workers take jobs from; None when no worker thread could be started.
static QUEUE: LazyLock<Option<mpsc::Sender<Job>>> = LazyLock::new(|| {
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    let count = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .saturating_sub(1)
        .max(1);
    let started = (0..count)
        .filter(|_| {
            let receiver = Arc::clone(&receiver);
            std::thread::Builder::new()
                .name("cognito-srp".into())
                .spawn(move || work(&receiver))
                .is_ok()
        })
        .count();
    (started > 0).then_some(sender)
});

fn work(receiver: &Mutex<mpsc::Receiver<Job>>) {
    crate::sched::background(crate::sched::SRP_NICE);
    loop {
        let job = match receiver.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        match job {
            // A panicking job drops its result sender (its caller sees an error); the thread lives.
            Ok(job) => drop(catch_unwind(AssertUnwindSafe(job))),
            Err(_) => return,
        }
        // Between two jobs, a Node thread waiting for this core gets it (the kernel would let a
        // busy thread run out its slice, a few ms, before it).
        std::thread::yield_now();
    }
}

/// Run `work` on a worker thread; None if it panicked or no worker could be started.
pub async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (answer, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = answer.send(work());
    });
    QUEUE.as_ref()?.send(job).ok()?;
    result.await.ok()
}

/// CPU-heavy SRP work goes to the SRP workers, away from both Node and the async worker.
pub async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> crate::error::Result<T> + Send + 'static,
) -> crate::error::Result<T> {
    run(work)
        .await
        .unwrap_or_else(|| Err(crate::error::Error::internal("the SRP computation failed")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_jobs_and_survives_a_panicking_one() {
        assert_eq!(run(|| 6 * 7).await, Some(42));
        assert_eq!(run(|| -> u8 { panic!("boom") }).await, None);
        assert_eq!(run(|| "still here").await, Some("still here"));
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn workers_run_below_the_normal_priority() {
        let nice = run(|| crate::sched::current_nice_and_slice().map(|(nice, _)| nice)).await;
        assert_eq!(nice, Some(Some(crate::sched::SRP_NICE)));
    }
}
