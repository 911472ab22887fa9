//! Faults a test can inject into a running server, to prove what the server does when its own
//! code fails where a member's request is handled. Nothing in the product arms one: arming is
//! compiled only with the `test-support` feature, which the shipped server does not have.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Shared by every request of one server (it lives in the [`crate::state::AppState`]).
#[derive(Clone, Debug, Default)]
pub struct Faults {
    panic_in_server_functions: Arc<AtomicBool>,
}

impl Faults {
    /// From now on, every server function of the logged-in CRM panics in its body, and so does
    /// every page that loads its data through one while the server renders it.
    #[cfg(feature = "test-support")]
    pub fn panic_in_server_functions(&self, armed: bool) {
        self.panic_in_server_functions
            .store(armed, Ordering::SeqCst);
    }

    /// Where a server function's body starts: panics when a test asked for it.
    pub fn strike(&self) {
        if self.panic_in_server_functions.load(Ordering::Relaxed) {
            panic!("a fault injected by a test: a bug in a server function");
        }
    }
}
