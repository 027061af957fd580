//! Retries for transfers, done here rather than inside the SDK so the policy is ours and visible:
//! which failures are worth another try (a dropped connection, a timeout, 5xx, SlowDown), which are
//! final (403, 404, NoSuchUpload, a bad request), how long to wait (exponential with full jitter, so
//! parallel parts that failed together don't come back together), and how many times.

use std::error::Error as StdError;
use std::future::Future;
use std::time::Duration;

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::http::Response as HttpResponse;
use rand::Rng;
use tokio_util::sync::CancellationToken;

use crate::connect::classify::{classify, Attempt};
use crate::error::{Error, Result};

/// How a transfer request is retried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// The ceiling of the first wait; each retry doubles it, up to `cap`.
    pub base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { attempts: 6, base: Duration::from_millis(200), cap: Duration::from_secs(10) }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1 for the first retry): a random time up to the
    /// exponential ceiling.
    pub fn delay(&self, retry: u32) -> Duration {
        let ceiling = self.base.saturating_mul(1u32 << retry.saturating_sub(1).min(16)).min(self.cap);
        let ms = ceiling.as_millis().max(1) as u64;
        Duration::from_millis(rand::rng().random_range(ms / 4..=ms))
    }
}

/// S3 error codes that mean "try again later" even when the status is not 5xx.
const RETRYABLE_CODES: &[&str] = &[
    "SlowDown",
    "RequestTimeout",
    "InternalError",
    "ServiceUnavailable",
    "Throttling",
    "ThrottlingException",
    "RequestThrottled",
    "TooManyRequestsException",
    // The body arrived damaged: sending it again fixes it.
    "BadDigest",
    "IncompleteBody",
    "XAmzContentChecksumMismatch",
];

/// Whether another try could succeed.
pub fn retryable<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> bool {
    match err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => true,
        SdkError::ServiceError(se) => {
            let status = se.raw().status().as_u16();
            status >= 500 || status == 429 || se.err().code().is_some_and(|c| RETRYABLE_CODES.contains(&c))
        }
        _ => false,
    }
}

/// A retry about to happen, for progress displays and logs.
#[derive(Debug, Clone)]
pub struct RetryNotice {
    /// The retry number (1 is the second try).
    pub retry: u32,
    pub of: u32,
    pub reason: String,
}

/// Runs `op` until it succeeds, fails for good, runs out of tries, or `cancel` fires. The final
/// error is classified in plain words; one that ran out of tries says how many were made.
pub async fn with_retries<T, E, F, Fut>(
    policy: &RetryPolicy,
    cancel: &CancellationToken,
    attempt: Attempt<'_>,
    on_retry: &(dyn Fn(&RetryNotice) + Send + Sync),
    mut op: F,
) -> Result<T>
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    F: FnMut() -> Fut,
    Fut: Future<Output = std::result::Result<T, SdkError<E, HttpResponse>>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        let outcome = tokio::select! {
            r = op() => r,
            _ = cancel.cancelled() => return Err(Error::cancelled()),
        };
        let err = match outcome {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let classified = classify(&err, attempt);
        if !retryable(&err) {
            return Err(classified);
        }
        if tries >= policy.attempts {
            let message = format!("{} (gave up after {tries} tries)", classified.message.trim_end_matches('.'));
            return Err(Error { message, ..classified });
        }
        let notice = RetryNotice { retry: tries, of: policy.attempts - 1, reason: classified.message.clone() };
        tracing::info!(action = attempt.action, retry = tries, reason = %notice.reason, "retrying");
        on_retry(&notice);
        tokio::select! {
            _ = tokio::time::sleep(policy.delay(tries)) => {}
            _ = cancel.cancelled() => return Err(Error::cancelled()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stay_under_the_cap() {
        let p = RetryPolicy { attempts: 10, base: Duration::from_millis(100), cap: Duration::from_secs(1) };
        for _ in 0..100 {
            assert!(p.delay(1) <= Duration::from_millis(100));
            assert!(p.delay(3) <= Duration::from_millis(400));
            assert!(p.delay(30) <= Duration::from_secs(1));
            assert!(p.delay(3) >= Duration::from_millis(100));
        }
    }
}
