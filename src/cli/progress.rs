//! The progress bar of a long `copydesk check`: on standard error, only when
//! standard error is a terminal, and only once a batch has run for about a
//! second (a quick run never flickers one). Never in `--quiet` mode.

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
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} checked {pos}/{len} files {wide_bar} {eta}")
        {
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
