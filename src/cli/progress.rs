//! The CLI's one progress display (indicatif), for a long `copydesk check`,
//! `suggest` and `review`: on standard error, only when standard error is a
//! terminal, and only once a batch has run for about a second (a quick run
//! never flickers one; model review shows it at once). Never in `--quiet`
//! mode.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a batch runs before its progress bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

pub struct Progress {
    bar: ProgressBar,
    enabled: bool,
    shown: bool,
    started: Instant,
}

impl Progress {
    /// A bar for `total` files; it stays hidden unless `wanted` and standard
    /// error is a terminal.
    pub fn new(total: usize, wanted: bool) -> Progress {
        Progress::with_template(
            total,
            wanted,
            "{spinner} checked {pos}/{len} files {wide_bar} {eta}",
        )
    }

    /// A bar drawn with an indicatif `template` (`{msg}` is the text of
    /// [`set_step`](Self::set_step)).
    pub fn with_template(total: usize, wanted: bool, template: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Progress {
            bar,
            enabled: wanted && std::io::stderr().is_terminal(),
            shown: false,
            started: Instant::now(),
        }
    }

    /// A handle worker threads can count files on.
    pub fn counter(&self) -> ProgressBar {
        self.bar.clone()
    }

    /// Show the bar if the batch has been running long enough.
    pub fn tick(&mut self) {
        if self.enabled && !self.shown && self.started.elapsed() >= SHOW_AFTER {
            self.shown = true;
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Show the bar now (if wanted and on a terminal), without waiting: for
    /// steps that are slow from the start, like model requests.
    pub fn show_now(&mut self) {
        if self.enabled && !self.shown {
            self.shown = true;
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Show `done` of `total` steps of `message` (a file, its requests).
    pub fn set_step(&mut self, message: &str, done: usize, total: usize) {
        self.bar.set_message(message.to_owned());
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
        self.tick();
    }

    /// Run `print` with the bar out of the way, so output written to the
    /// same terminal is not torn by it.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        if self.shown {
            self.bar.suspend(print)
        } else {
            print()
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
