//! Terminal output: progress lines, prompts and errors.

use engine::config::Variable;
use std::io::{BufRead, IsTerminal, Write};

/// Prints progress to stdout.
pub struct Terminal {
    color: bool,
}

impl Terminal {
    /// A terminal UI.
    pub fn new(color: bool) -> Terminal {
        Terminal { color }
    }
}

impl engine::plan::session::Ui for Terminal {
    fn progress(&self, line: &str) {
        let mut out = std::io::stdout().lock();
        let _ = if self.color {
            writeln!(out, "\x1b[1m{line}\x1b[0m")
        } else {
            writeln!(out, "{line}")
        };
        let _ = out.flush();
    }

    fn notice(&self, line: &str) {
        eprintln!("{line}");
    }
}

/// Formats an error for stderr (bold red "Error:" when colours are on).
pub fn error_text(text: &str, color: bool) -> String {
    let text = if text.starts_with("Error:") {
        text.to_string()
    } else {
        format!("Error: {text}")
    };
    if color {
        text.replace("Error:", "\x1b[1;31mError:\x1b[0m")
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
