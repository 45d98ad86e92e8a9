//! What a run tells the person running it while it works.

/// Receives progress lines while a run works (`aws_s3_bucket.b: Creating...`).
pub trait Ui: Sync {
    /// One line of progress.
    fn progress(&self, line: &str);
    /// One line for the person running the command that is not part of its result (kept out
    /// of output meant for programs).
    fn notice(&self, line: &str) {
        self.progress(line);
    }
    /// An apply is about to make `total` changes (a replacement counts twice: its create and
    /// its delete), so a terminal can show how far it is.
    fn changes_ahead(&self, total: usize) {
        let _ = total;
    }
    /// A change of `address` started; `line` announces it ("...: Creating...").
    fn change_started(&self, address: &str, line: &str) {
        let _ = address;
        self.progress(line);
    }
    /// Where a running change of `address` is ("...: Still creating... [1m0s elapsed]").
    fn change_status(&self, address: &str, line: &str) {
        let _ = address;
        self.progress(line);
    }
    /// A change of `address` ended: `line` says how, `None` when it failed (its error is
    /// reported with the others).
    fn change_done(&self, address: &str, line: Option<&str>) {
        let _ = address;
        if let Some(line) = line {
            self.progress(line);
        }
    }
}
