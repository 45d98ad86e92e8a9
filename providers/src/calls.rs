//! The count of AWS requests, by operation: what `INFINSTOR_API_STATS=1` prints and the
//! `api_calls` example measures.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

/// Counts the HTTP requests each AWS operation sends (retries included), keyed by
/// `Service:Operation` (`Route53:ChangeResourceRecordSets`), so the cost of a plan or apply in
/// API calls can be measured and compared with Terraform's.
#[derive(Debug, Default)]
pub struct CallCounter {
    counts: RwLock<BTreeMap<String, Arc<AtomicU64>>>,
}

impl CallCounter {
    /// Totals of every provider in this process. Callers that only hold an engine
    /// `Provider` (benchmarks, tests) cannot reach a provider's own counter, so the interceptor
    /// adds each request here as well.
    pub fn global() -> &'static CallCounter {
        static GLOBAL: OnceLock<CallCounter> = OnceLock::new();
        GLOBAL.get_or_init(CallCounter::default)
    }

    /// Adds one request of `operation`.
    pub fn record(&self, operation: &str) {
        let existing = self
            .counts
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(operation)
            .cloned();
        let counter = match existing {
            Some(c) => c,
            None => self
                .counts
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .entry(operation.to_string())
                .or_default()
                .clone(),
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The requests sent so far, by operation.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.counts
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(k, v)| (k.clone(), v.load(Ordering::Relaxed)))
            .collect()
    }

    /// The requests sent so far, all operations together.
    pub fn total(&self) -> u64 {
        self.snapshot().values().sum()
    }
}

impl Drop for CallCounter {
    fn drop(&mut self) {
        if std::env::var_os("INFINSTOR_API_STATS").is_some() {
            let counts = self.snapshot();
            if !counts.is_empty() {
                eprintln!("AWS API calls ({} in total):", counts.values().sum::<u64>());
                for (operation, n) in counts {
                    eprintln!("  {operation}: {n}");
                }
            }
        }
    }
}
