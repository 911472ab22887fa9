//! Wakes a background worker at once (after a commit that gave it work) instead of at its next
//! tick.

#[derive(Clone, Debug, Default)]
pub struct Wake(std::sync::Arc<tokio::sync::Notify>);

impl Wake {
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Waits until woken or until `period` has passed.
    pub async fn wait(&self, period: std::time::Duration) {
        let _ = tokio::time::timeout(period, self.0.notified()).await;
    }
}
