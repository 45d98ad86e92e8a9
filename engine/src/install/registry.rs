//! The module registry protocol: service discovery (`/.well-known/terraform.json`), the
//! versions of a module, and where to download one (`X-Terraform-Get`).

use crate::http;

/// A module address in a registry.
pub struct Address<'a> {
    /// The registry host (`registry.terraform.io`, `127.0.0.1:8080`).
    pub host: &'a str,
    /// Namespace.
    pub namespace: &'a str,
    /// Name.
    pub name: &'a str,
    /// Target system.
    pub provider: &'a str,
}

impl Address<'_> {
    fn scheme(&self) -> &'static str {
        if http::is_loopback(self.host) {
            "http"
        } else {
            "https"
        }
    }

    /// `TF_TOKEN_<host>` (dots as `_`, dashes as `__`), as Terraform reads registry credentials.
    fn token(&self, env: &[(String, String)]) -> Option<String> {
        let name = format!("TF_TOKEN_{}", self.host.replace('-', "__").replace('.', "_"));
        env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
    }

    fn describe(&self) -> String {
        format!("{}/{}/{}/{}", self.host, self.namespace, self.name, self.provider)
    }

    /// The modules API base URL the registry announces, ending in `/`.
    fn base(&self, env: &[(String, String)]) -> Result<String, String> {
        let root = format!("{}://{}", self.scheme(), self.host);
        let url = format!("{root}/.well-known/terraform.json");
        let found = http::get(&url, self.token(env).as_deref())?;
        if found.status != 200 {
            return Err(format!(
                "{url} answered {}; is {} a module registry?",
                found.status, self.host
            ));
        }
        let doc: serde_json::Value =
            serde_json::from_slice(&found.body).map_err(|e| format!("{url} is not JSON: {e}"))?;
        let path = doc["modules.v1"]
            .as_str()
            .ok_or_else(|| format!("{} has no module registry (no modules.v1 in {url})", self.host))?;
        let mut base = if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{root}/{}", path.trim_start_matches('/'))
        };
        if !base.ends_with('/') {
            base.push('/');
        }
        Ok(base)
    }

    /// Every version the registry has of the module.
    pub fn versions(&self, env: &[(String, String)]) -> Result<Vec<String>, String> {
        let url = format!(
            "{}{}/{}/{}/versions",
            self.base(env)?,
            self.namespace,
            self.name,
            self.provider
        );
        let found = http::get(&url, self.token(env).as_deref())?;
        if found.status == 404 {
            return Err(format!("the registry has no module {}", self.describe()));
        }
        if found.status != 200 {
            return Err(format!("{url} answered {}", found.status));
        }
        let doc: serde_json::Value =
            serde_json::from_slice(&found.body).map_err(|e| format!("{url} is not JSON: {e}"))?;
        Ok(doc["modules"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|m| m["versions"].as_array().into_iter().flatten())
            .filter_map(|v| v["version"].as_str().map(str::to_string))
            .collect())
    }

    /// The source a version is downloaded from (`git::https://...?ref=v1.2.0`).
    pub fn download(&self, version: &str, env: &[(String, String)]) -> Result<String, String> {
        let url = format!(
            "{}{}/{}/{}/{version}/download",
            self.base(env)?,
            self.namespace,
            self.name,
            self.provider
        );
        let found = http::get(&url, self.token(env).as_deref())?;
        if !(200..300).contains(&found.status) {
            return Err(format!("{url} answered {}", found.status));
        }
        let location = found.header("x-terraform-get").ok_or_else(|| {
            format!(
                "{url} did not say where to download {} {version} (no X-Terraform-Get)",
                self.describe()
            )
        })?;
        // A location relative to the download URL.
        if location.starts_with('/') {
            let origin: String = url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
            return Ok(format!("{origin}{location}"));
        }
        Ok(location.to_string())
    }
}
