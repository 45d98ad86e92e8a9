//! `provisioner "local-exec"`: a command run on this machine after an object is created, or
//! before it is destroyed (`when = destroy`), as Terraform runs it. Its output is shown line by
//! line under the object's address, except when the command or its environment holds a
//! sensitive value (then it is suppressed, as Terraform does). A failure is an error that
//! leaves a new object tainted, so the next plan replaces it, unless `on_failure = continue`.

use super::*;
use crate::config::Provisioner;
use std::io::BufRead as _;

/// What one local-exec run is given, evaluated.
struct Command {
    argv: Vec<String>,
    working_dir: Option<String>,
    environment: Vec<(String, String)>,
    /// Whether the command line may be shown.
    show_command: bool,
    /// Whether the output may be shown.
    show_output: bool,
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_list()
        .map(|items| items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect())
}

fn command(args: &BTreeMap<String, Value>) -> Result<Command, String> {
    let sensitive = ["command", "environment", "interpreter"]
        .iter()
        .any(|k| args.get(*k).is_some_and(Value::contains_sensitive));
    let plain: BTreeMap<String, Value> = args.iter().map(|(k, v)| (k.clone(), v.deep_unmark())).collect();
    if plain.values().any(Value::contains_unknown) {
        return Err("its arguments are not all known".to_string());
    }
    let text = plain
        .get("command")
        .and_then(|c| c.as_str().map(str::to_string))
        .ok_or("command must be a string")?;
    let mut argv = match plain.get("interpreter").filter(|v| !v.is_null()) {
        Some(v) => strings(v)
            .filter(|a| !a.is_empty())
            .ok_or("interpreter must be a list of strings")?,
        None => vec!["/bin/sh".to_string(), "-c".to_string()],
    };
    argv.push(text);
    let environment = match plain.get("environment").and_then(|e| e.as_map().cloned()) {
        Some(m) => m
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()),
                )
            })
            .collect(),
        None => Vec::new(),
    };
    let quiet = plain.get("quiet").and_then(Value::as_bool).unwrap_or(false);
    Ok(Command {
        argv,
        working_dir: plain.get("working_dir").and_then(|d| d.as_str().map(str::to_string)),
        environment,
        show_command: !quiet && !sensitive,
        show_output: !sensitive,
    })
}

impl Session<'_> {
    /// Runs `res`'s provisioners of one kind (create-time, or destroy-time with `destroy`) for
    /// the object `object` of one instance. The error is the first failure not set to continue.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn provision(
        &self,
        label: &str,
        module: &ModulePath,
        key: &InstanceKey,
        each: Option<Value>,
        res: &Resource,
        object: &Value,
        destroy: bool,
    ) -> Result<(), Diagnostic> {
        for p in res.provisioners.iter().filter(|p| p.when_destroy == destroy) {
            if let Err(message) = self.provision_one(label, module, key, each.clone(), p, object) {
                let error = Diagnostic::error("local-exec provisioner error", message)
                    .at(p.span.clone())
                    .within(res.describe());
                if !p.on_failure_continue {
                    return Err(error);
                }
                self.walk.ui.notice(&format!(
                    "{label}: local-exec failed, and on_failure = continue: {}",
                    error.detail
                ));
            }
        }
        Ok(())
    }

    fn provision_one(
        &self,
        label: &str,
        module: &ModulePath,
        key: &InstanceKey,
        each: Option<Value>,
        p: &Provisioner,
        object: &Value,
    ) -> Result<(), String> {
        let ui = self.walk.ui;
        ui.progress(&format!("{label}: Provisioning with 'local-exec'..."));
        let args = self
            .walk
            .eval_args_with_self(module, key, each, object, &p.body)
            .map_err(|d| format!("{}: {}", d.summary, d.detail))?;
        let cmd = command(&args).map_err(|e| format!("cannot run the command: {e}"))?;
        let prefix = format!("{label} (local-exec):");
        match cmd.show_command {
            true => ui.progress(&format!("{prefix} Executing: {:?}", cmd.argv)),
            false => ui.progress(&format!("{prefix} (command not shown)")),
        }
        let mut child = std::process::Command::new(&cmd.argv[0]);
        child
            .args(&cmd.argv[1..])
            .envs(cmd.environment.iter().map(|(k, v)| (k, v)))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        if let Some(dir) = &cmd.working_dir {
            child.current_dir(dir);
        }
        let mut child = child
            .spawn()
            .map_err(|e| format!("cannot run {:?}: {e}", cmd.argv[0]))?;
        let output = std::sync::Mutex::new(Vec::<String>::new());
        let show = |line: String| {
            if cmd.show_output {
                ui.progress(&format!("{prefix} {line}"));
            }
            lock(&output).push(line);
        };
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        std::thread::scope(|scope| {
            if let Some(err) = stderr {
                scope.spawn(|| {
                    std::io::BufReader::new(err)
                        .lines()
                        .map_while(Result::ok)
                        .for_each(&show)
                });
            }
            if let Some(out) = stdout {
                std::io::BufReader::new(out)
                    .lines()
                    .map_while(Result::ok)
                    .for_each(&show);
            }
        });
        let status = child.wait().map_err(|e| format!("the command did not finish: {e}"))?;
        if status.success() {
            return Ok(());
        }
        let output = output.into_inner().unwrap_or_else(|e| e.into_inner());
        let tail = match cmd.show_output {
            true => output
                .iter()
                .rev()
                .take(20)
                .rev()
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
            false => "(output suppressed: the command holds a sensitive value)".to_string(),
        };
        Err(format!("the command failed ({status}). Output:\n{tail}"))
    }
}
