//! Provider configurations as the state file names them.
//!
//! The model keeps the configuration's local name (`aws`, `aws.west`), which is what the
//! engine looks configurations up by. Terraform's state names the provider by its source
//! address instead (`provider["registry.terraform.io/hashicorp/aws"].west`). Every provider
//! infinstor has is the one its local name conventionally stands for, so the two translate
//! without the configuration: `terraform` is Terraform's built-in provider, `infinstor` is
//! `infinstor/infinstor`, any other name is `hashicorp/NAME`.

/// Terraform's address of the provider configuration `config` (`aws`, `aws.west`).
pub fn to_terraform(config: &str) -> String {
    let (name, alias) = match config.split_once('.') {
        Some((name, alias)) => (name, Some(alias)),
        None => (config, None),
    };
    let source = match name {
        "terraform" => "terraform.io/builtin/terraform".to_string(),
        "infinstor" => "registry.terraform.io/infinstor/infinstor".to_string(),
        other => format!("registry.terraform.io/hashicorp/{other}"),
    };
    match alias {
        Some(alias) => format!("provider[\"{source}\"].{alias}"),
        None => format!("provider[\"{source}\"]"),
    }
}

/// The local configuration name of a provider address from a state file: Terraform's
/// (`provider["registry.terraform.io/hashicorp/aws"].west`, also within a module:
/// `module.x.provider[...]`), the legacy `provider.aws.west`, or a local name as
/// infinstor's first format wrote it.
pub fn from_terraform(text: &str) -> Result<String, String> {
    let bad = || {
        format!(
            "the provider {text:?} is not a provider address; Terraform writes them as provider[\"registry.terraform.io/hashicorp/aws\"]"
        )
    };
    // A configuration in a module is recorded with the module's path; the provider it is
    // an instance of is what matters here.
    let tail = match text.find("provider[") {
        Some(at) => &text[at..],
        None => text,
    };
    if let Some(rest) = tail.strip_prefix("provider[\"") {
        let (source, after) = rest.split_once("\"]").ok_or_else(bad)?;
        let name = source.rsplit('/').next().filter(|n| !n.is_empty()).ok_or_else(bad)?;
        return match after {
            "" => Ok(name.to_string()),
            alias => match alias.strip_prefix('.') {
                Some(alias) if !alias.is_empty() => Ok(format!("{name}.{alias}")),
                _ => Err(bad()),
            },
        };
    }
    let local = tail.strip_prefix("provider.").unwrap_or(tail);
    let valid = !local.is_empty()
        && local.split('.').count() <= 2
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if valid {
        Ok(local.to_string())
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip() {
        for (local, terraform) in [
            ("aws", r#"provider["registry.terraform.io/hashicorp/aws"]"#),
            ("aws.west", r#"provider["registry.terraform.io/hashicorp/aws"].west"#),
            ("terraform", r#"provider["terraform.io/builtin/terraform"]"#),
            ("infinstor", r#"provider["registry.terraform.io/infinstor/infinstor"]"#),
        ] {
            assert_eq!(to_terraform(local), terraform);
            assert_eq!(from_terraform(terraform).as_deref(), Ok(local));
        }
    }

    #[test]
    fn other_spellings_read_as_their_local_name() {
        assert_eq!(
            from_terraform(r#"module.dns.provider["registry.terraform.io/hashicorp/aws"].dr"#).as_deref(),
            Ok("aws.dr")
        );
        assert_eq!(from_terraform("provider.aws.west").as_deref(), Ok("aws.west"));
        assert_eq!(from_terraform("aws").as_deref(), Ok("aws"));
        for bad in [
            r#"provider["registry.terraform.io/hashicorp/aws""#,
            "a b",
            "",
            r#"provider["x"]."#,
        ] {
            let err = from_terraform(bad).expect_err(bad);
            assert!(err.contains("provider address"), "{err}");
        }
    }
}
