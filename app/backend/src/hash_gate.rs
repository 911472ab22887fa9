//! The one limit, per server process, on costly work of one kind running at once: password
//! hashes. Below the features (accounts, invitations) that hash, and the state that holds it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;

use crm_core::error::AppError;

/// How long a request waits for its turn to hash before it is refused with
/// [`AppError::Overloaded`] (503, with `Retry-After`).
pub const HASH_WAIT: Duration = Duration::from_secs(2);

/// The one limit, per server process, on how many password hashes run at once. Each Argon2 hash
/// holds 19 MiB and a core for tens of milliseconds: without a ceiling, a flood of log-in or
/// reset posts would queue thousands of them on the blocking pool (gigabytes, every core) and
/// starve every other page. Requests beyond the ceiling wait their turn for [`HASH_WAIT`], then
/// are refused. A hash whose request was abandoned still holds its place until it finishes, so
/// the ceiling holds for the work really running, not for the requests still listening.
#[derive(Clone, Debug)]
pub struct HashGate {
    permits: Arc<Semaphore>,
    at_once: usize,
    wait: Duration,
    counts: Arc<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    started: AtomicU64,
    refused: AtomicU64,
    running: AtomicUsize,
    peak: AtomicUsize,
}

/// What a [`HashGate`] has let through and refused since it was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashCounts {
    /// Hashes and checks started.
    pub started: u64,
    /// Requests refused because they waited too long for their turn.
    pub refused: u64,
    /// The most that ever ran at once.
    pub peak_at_once: usize,
}

impl HashGate {
    /// A gate letting `at_once` hashes run together (at least one); others wait up to `wait`.
    pub fn new(at_once: usize, wait: Duration) -> Self {
        let at_once = at_once.max(1);
        Self {
            permits: Arc::new(Semaphore::new(at_once)),
            at_once,
            wait,
            counts: Arc::default(),
        }
    }

    /// How many hashes may run at once.
    pub fn at_once(&self) -> usize {
        self.at_once
    }

    pub fn counts(&self) -> HashCounts {
        HashCounts {
            started: self.counts.started.load(Ordering::Relaxed),
            refused: self.counts.refused.load(Ordering::Relaxed),
            peak_at_once: self.counts.peak.load(Ordering::Relaxed),
        }
    }

    /// Runs `work` on the blocking pool once a place is free.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let permit =
            match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                Ok(Err(closed)) => return Err(AppError::internal(closed)),
                Err(_) => {
                    self.counts.refused.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(
                        at_once = self.at_once,
                        "a password hash waited too long for its turn; the request is refused"
                    );
                    return Err(AppError::Overloaded);
                }
            };
        let counts = self.counts.clone();
        tokio::task::spawn_blocking(move || {
            // The place is given back when the work ends, even if the request has gone.
            let _permit = permit;
            counts.started.fetch_add(1, Ordering::Relaxed);
            let running = counts.running.fetch_add(1, Ordering::Relaxed) + 1;
            counts.peak.fetch_max(running, Ordering::Relaxed);
            let result = work();
            counts.running.fetch_sub(1, Ordering::Relaxed);
            result
        })
        .await
        .map_err(AppError::internal)?
    }
}

impl Default for HashGate {
    /// As many hashes at once as the machine has cores.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self::new(cores, HASH_WAIT)
    }
}
