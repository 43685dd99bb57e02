//! A counting semaphore for blocking threads: at most N holders at once.
//!
//! The store bounds its read connections and the Automerge work done ahead
//! of the writer with it; the server bounds concurrent password hashing
//! (Argon2id takes 19 MiB each). `new` is `const`, so a limit can be a
//! `static`. [`Semaphore::claim`] takes a place without waiting, even when
//! none is free: the writer thread claims one of the processors while it
//! works, so that preparing threads give way to it rather than share its core.

use std::sync::{Condvar, Mutex, PoisonError};

/// At most `permits` holders at once; others wait.
#[derive(Debug)]
pub struct Semaphore {
    /// Free places; below zero while claims exceed the permits.
    free: Mutex<isize>,
    freed: Condvar,
}

/// A held place; dropping it frees the place.
#[derive(Debug)]
#[must_use = "the place is freed when the permit is dropped"]
pub struct Permit<'s> {
    semaphore: &'s Semaphore,
}

impl Semaphore {
    /// A semaphore with `permits` places (at least one).
    pub const fn new(permits: usize) -> Self {
        Semaphore {
            free: Mutex::new(if permits == 0 { 1 } else { permits as isize }),
            freed: Condvar::new(),
        }
    }

    /// Wait for a free place and hold it until the permit is dropped.
    pub fn acquire(&self) -> Permit<'_> {
        // The counter stays right even if a holder panicked: ignore poisoning.
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free <= 0 {
            free = self.freed.wait(free).unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        Permit { semaphore: self }
    }

    /// Take a place now, free or not, and hold it until the permit is
    /// dropped. Holders already in keep their places; later [`acquire`]s
    /// wait until there are fewer holders than permits again.
    ///
    /// [`acquire`]: Semaphore::acquire
    pub fn claim(&self) -> Permit<'_> {
        *self.free.lock().unwrap_or_else(PoisonError::into_inner) -= 1;
        Permit { semaphore: self }
    }

    /// How many places are free now.
    pub fn available(&self) -> usize {
        let free = *self.free.lock().unwrap_or_else(PoisonError::into_inner);
        usize::try_from(free).unwrap_or(0)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut free = self.semaphore.free.lock().unwrap_or_else(PoisonError::into_inner);
        *free += 1;
        self.semaphore.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{mpsc, Barrier};
    use std::thread;
    use std::time::Duration;

    use super::*;

    #[test]
    fn no_more_than_the_permits_hold_a_place_at_once() {
        let semaphore = Semaphore::new(2);
        let inside = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let start = Barrier::new(8);
        thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    start.wait();
                    for _ in 0..200 {
                        let _permit = semaphore.acquire();
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
        });
        assert!(most.load(Ordering::SeqCst) <= 2);
        assert_eq!(semaphore.available(), 2);
    }

    /// An acquirer started now waits while `held` is held, and gets in once it is dropped.
    fn acquirer_waits_for(semaphore: &Semaphore, held: Permit<'_>) {
        let (entered, entered_rx) = mpsc::channel();
        thread::scope(|s| {
            s.spawn(|| {
                let _permit = semaphore.acquire();
                let _ = entered.send(());
            });
            // Bounded wait: the acquirer must still be blocked while the place is held.
            assert!(entered_rx.recv_timeout(Duration::from_millis(50)).is_err());
            drop(held);
            assert!(entered_rx.recv_timeout(Duration::from_secs(10)).is_ok());
        });
    }

    #[test]
    fn a_waiter_proceeds_once_a_permit_is_dropped() {
        let semaphore = Semaphore::new(1);
        let held = semaphore.acquire();
        acquirer_waits_for(&semaphore, held);
    }

    #[test]
    fn a_claim_never_waits_and_holds_back_later_acquirers() {
        let semaphore = Semaphore::new(1);
        let held = semaphore.acquire();
        // Every place is taken, yet a claim gets in at once.
        let claimed = semaphore.claim();
        assert_eq!(semaphore.available(), 0);
        drop(held);
        // One place freed, but the claim still holds it: an acquirer waits.
        acquirer_waits_for(&semaphore, claimed);
        assert_eq!(semaphore.available(), 1);
    }

    #[test]
    fn zero_permits_means_one() {
        let semaphore = Semaphore::new(0);
        let _permit = semaphore.acquire();
        assert_eq!(semaphore.available(), 0);
    }
}
