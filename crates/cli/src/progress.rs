//! Progress bars on standard error (hidden with --quiet or when it is not a terminal).

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub(crate) struct Bars {
    quiet: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Bars {
    pub(crate) fn new(quiet: bool) -> Bars {
        Bars { quiet, bar: Mutex::new(None) }
    }

    fn bar(&self) -> MutexGuard<'_, Option<ProgressBar>> {
        self.bar.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl app::Progress for Bars {
    fn begin(&self, label: &str, total: Option<u64>) {
        if self.quiet {
            return;
        }
        let bar = match total {
            Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
                .with_style(
                    ProgressStyle::with_template(
                        "{msg:>24} [{bar:30}] {human_pos}/{human_len} ({eta})",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                ),
            None => {
                let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                bar.set_style(spinner(""));
                bar.enable_steady_tick(Duration::from_millis(120));
                bar
            }
        };
        bar.set_message(label.to_owned());
        *self.bar() = Some(bar);
    }

    fn advance(&self, done: u64) {
        let Some(bar) = &*self.bar() else { return };
        // A stage of unknown amount shows the steps it has taken, once it takes any.
        if bar.length().is_none() && bar.position() == 0 && done > 0 {
            bar.set_style(spinner(": {human_pos}"));
        }
        bar.set_position(done);
    }

    /// The same bar, so its clock goes on; it shows its count again once it advances.
    fn relabel(&self, label: &str) {
        // The bar's lock is let go before `begin` takes it again.
        let relabelled = match &*self.bar() {
            Some(bar) if bar.length().is_none() => {
                bar.set_style(spinner(""));
                bar.set_position(0);
                bar.set_message(label.to_owned());
                true
            }
            _ => false,
        };
        if !relabelled {
            self.begin(label, None);
        }
    }

    fn end(&self) {
        if let Some(bar) = self.bar().take() {
            bar.finish_and_clear();
        }
    }
}

/// The style of a stage of unknown amount: its label, then `count` (a template part), a
/// spinner and the time it has taken.
fn spinner(count: &str) -> ProgressStyle {
    ProgressStyle::with_template(&format!("{{msg:>24}}{count} {{spinner}} {{elapsed}}"))
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}
