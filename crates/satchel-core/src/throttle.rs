//! Progress reaches a window at most ~10 times a second: more is invisible and costs IPC.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Lets an update through if enough time passed since the last one, or if it is final.
#[derive(Debug)]
pub struct Throttle {
    every: Duration,
    last: Mutex<Option<Instant>>,
}

impl Throttle {
    pub fn new(every: Duration) -> Self {
        Throttle { every, last: Mutex::new(None) }
    }

    /// ~10 Hz, what the UI shows.
    pub fn ui() -> Self {
        Self::new(Duration::from_millis(100))
    }

    /// True if this update should be sent now. `last_one` always passes.
    pub fn admit(&self, last_one: bool) -> bool {
        let mut last = self.last.lock().expect("throttle lock");
        let now = Instant::now();
        if last_one || last.is_none_or(|t| now.duration_since(t) >= self.every) {
            *last = Some(now);
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_the_first_the_last_and_one_per_period() {
        let t = Throttle::new(Duration::from_secs(3600));
        assert!(t.admit(false));
        assert!(!t.admit(false));
        assert!(t.admit(true));
        let fast = Throttle::new(Duration::ZERO);
        assert!(fast.admit(false) && fast.admit(false));
    }
}
