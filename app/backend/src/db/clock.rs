//! What time it is, for everything the server stores or decides by the clock (when a record was
//! changed, when a link or a session expires, what "today" is).
//!
//! The clock travels with the database handle ([`super::Db::now_millis`]), so every service reads
//! the same one. In production it is the system's clock. Tests set it and move it on instead of
//! sleeping: every clone of a [`super::Db`] shares the clock, so setting it on a running app's
//! state sets it for all of its requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The system's clock, or (in tests) a time that stands still until it is moved on.
#[derive(Clone, Debug)]
pub struct Clock {
    /// Milliseconds since the Unix epoch when the clock is held, or [`SYSTEM`].
    held: Arc<AtomicI64>,
}

/// The held time's value that means "the system's clock".
const SYSTEM: i64 = i64::MIN;

impl Clock {
    /// The system's clock.
    pub fn system() -> Self {
        Self {
            held: Arc::new(AtomicI64::new(SYSTEM)),
        }
    }

    /// Now, in milliseconds since the Unix epoch, UTC: the unit every time is stored in.
    pub fn now_millis(&self) -> i64 {
        match self.held.load(Ordering::SeqCst) {
            SYSTEM => system_millis(),
            held => held,
        }
    }
}

#[cfg(any(test, feature = "test-support"))]
impl Clock {
    /// Holds the clock at `millis` (it stands still there).
    pub fn set(&self, millis: i64) {
        self.held.store(millis, Ordering::SeqCst);
    }

    /// Holds the clock where it is now.
    pub fn hold(&self) -> i64 {
        let now = self.now_millis();
        self.set(now);
        now
    }

    /// Moves a held clock on (a clock that is not held is held first, at the system's time).
    pub fn advance(&self, by: std::time::Duration) -> i64 {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        let now = self.hold().saturating_add(by);
        self.set(now);
        now
    }
}

/// The system's time in milliseconds since the Unix epoch.
pub fn system_millis() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_held_clock_stands_still_until_moved_on_and_every_clone_sees_it() {
        let clock = Clock::system();
        let copy = clock.clone();
        clock.set(1_000);
        assert_eq!(copy.now_millis(), 1_000);
        assert_eq!(clock.advance(Duration::from_secs(2)), 3_000);
        assert_eq!(copy.now_millis(), 3_000);
    }

    #[test]
    fn the_system_clock_follows_the_system_time() {
        let before = system_millis();
        let now = Clock::system().now_millis();
        assert!(now >= before && now - before < 60_000);
    }
}
