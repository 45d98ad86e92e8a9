//! Terminal output: progress lines, prompts and errors.

use engine::config::Variable;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

/// Prints progress to stdout: on a terminal, a bar of the changes done and a spinner per
/// change in flight with its latest status; otherwise (a pipe, a CI log) plain lines.
pub struct Terminal {
    color: bool,
    live: Option<Live>,
}

/// The progress display on a terminal.
struct Live {
    bars: MultiProgress,
    total: Mutex<Option<ProgressBar>>,
    running: Mutex<HashMap<String, ProgressBar>>,
}

impl Terminal {
    /// A terminal UI; live progress when stdout is a terminal.
    pub fn new(color: bool) -> Terminal {
        // Drawn only where indicatif can draw (a terminal, TERM not dumb): elsewhere its lines
        // would be dropped, so plain lines are printed instead.
        let bars = MultiProgress::with_draw_target(ProgressDrawTarget::stdout());
        let live = (std::io::stdout().is_terminal() && !bars.is_hidden()).then(|| Live {
            bars,
            total: Mutex::new(None),
            running: Mutex::new(HashMap::new()),
        });
        Terminal { color, live }
    }

    fn line(&self, line: &str) {
        let text = if self.color {
            format!("\x1b[1m{line}\x1b[0m")
        } else {
            line.to_string()
        };
        match &self.live {
            Some(live) => {
                let _ = live.bars.println(text);
            }
            None => {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{text}");
                let _ = out.flush();
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl engine::plan::session::Ui for Terminal {
    fn progress(&self, line: &str) {
        self.line(line);
    }

    fn notice(&self, line: &str) {
        match &self.live {
            Some(live) => live.bars.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    fn changes_ahead(&self, total: usize) {
        let Some(live) = &self.live else { return };
        if total == 0 {
            return;
        }
        let bar = live.bars.add(ProgressBar::new(total as u64));
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} changes, {elapsed} elapsed")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.tick();
        *lock(&live.total) = Some(bar);
    }

    fn change_started(&self, address: &str, line: &str) {
        self.line(line);
        let Some(live) = &self.live else { return };
        let spinner = ProgressBar::new_spinner();
        let spinner = match lock(&live.total).as_ref() {
            Some(total) => live.bars.insert_before(total, spinner),
            None => live.bars.add(spinner),
        };
        spinner.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        spinner.set_message(line.to_string());
        spinner.enable_steady_tick(Duration::from_millis(120));
        lock(&live.running).insert(address.to_string(), spinner);
    }

    fn change_status(&self, address: &str, line: &str) {
        match self.live.as_ref().and_then(|l| lock(&l.running).get(address).cloned()) {
            // The spinner shows the latest status in place of a line per poll.
            Some(spinner) => spinner.set_message(line.to_string()),
            None => self.line(line),
        }
    }

    fn change_done(&self, address: &str, line: Option<&str>) {
        if let Some(live) = &self.live {
            if let Some(spinner) = lock(&live.running).remove(address) {
                spinner.finish_and_clear();
            }
            if let Some(total) = lock(&live.total).as_ref() {
                total.inc(1);
            }
        }
        if let Some(line) = line {
            self.line(line);
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if let Some(live) = &self.live {
            for (_, spinner) in lock(&live.running).drain() {
                spinner.finish_and_clear();
            }
            if let Some(total) = lock(&live.total).take() {
                total.finish_and_clear();
            }
        }
    }
}

/// An error and its causes joined with ": ", leaving out a cause whose text the message
/// before it already holds (errors that print their source would otherwise say it twice).
pub fn chain_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// Formats an error for stderr (bold red "Error:" when colours are on).
pub fn error_text(text: &str, color: bool) -> String {
    // Diagnostics come rendered with their severity; a list that starts with a warning is
    // still the error's text.
    let text = if text.starts_with("Error:") || text.starts_with("Warning:") {
        text.to_string()
    } else {
        format!("Error: {text}")
    };
    if color {
        text.replace("Error:", "\x1b[1;31mError:\x1b[0m")
            .replace("Warning:", "\x1b[1;33mWarning:\x1b[0m")
    } else {
        text
    }
}

/// True when stdin is a terminal a person can answer.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

/// Reads one line from stdin after a prompt.
pub fn ask(prompt: &str) -> Option<String> {
    print!("{prompt}");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim_end_matches(['\n', '\r']).to_string()),
    }
}

/// Asks for a required variable on a terminal; `None` when stdin is not one.
pub fn prompt_variable(var: &Variable) -> Option<String> {
    if !interactive() {
        return None;
    }
    println!("var.{}", var.name);
    if let Some(d) = &var.description {
        println!("  {d}");
    }
    println!();
    ask("  Enter a value: ")
}
