//! Progress reaches a window at most ~10 times a second: more is invisible and costs IPC.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Lets an update through if about a period passed since the last one, or if it is final.
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
        self.admit_at(Instant::now(), last_one)
    }

    fn admit_at(&self, now: Instant, last_one: bool) -> bool {
        let mut last = self.last.lock().expect("throttle lock");
        // A fifth of the period's slack: a timer's tick that lands a little early still goes.
        let due = self.every - self.every / 5;
        if last_one || last.is_none_or(|t| now.duration_since(t) >= due) {
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

    #[test]
    fn a_steady_tick_passes_whole_though_it_jitters() {
        // The engine reports every 100 ms on a timer: a tick that lands 98 ms after the last one
        // sent must go too, or a jittery 10 Hz comes through as 5 to 7.
        let t = Throttle::new(Duration::from_millis(100));
        let start = Instant::now();
        let ticks = [0, 100, 198, 301, 399, 497, 600, 702, 799, 900];
        let sent = ticks.iter().filter(|&&ms| t.admit_at(start + Duration::from_millis(ms), false)).count();
        assert_eq!(sent, ticks.len());
    }

    #[test]
    fn a_flood_is_held_near_the_rate() {
        let t = Throttle::new(Duration::from_millis(100));
        let start = Instant::now();
        let sent = (0..1_000).filter(|&ms| t.admit_at(start + Duration::from_millis(ms), false)).count();
        assert!((10..=13).contains(&sent), "{sent} updates went out in a second of one a millisecond");
    }
}
