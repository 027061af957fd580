//! What `~/.aws` and the environment offer, without contacting anything.

use std::path::PathBuf;

/// The profile names in the AWS config and credentials files, sorted, `default` first.
pub fn list_profiles() -> Vec<String> {
    let mut names = std::collections::BTreeSet::new();
    if let Some(p) = config_file() {
        names.extend(sections(&std::fs::read_to_string(p).unwrap_or_default(), true));
    }
    if let Some(p) = credentials_file() {
        names.extend(sections(&std::fs::read_to_string(p).unwrap_or_default(), false));
    }
    let mut out: Vec<String> = names.into_iter().collect();
    if let Some(i) = out.iter().position(|n| n == "default") {
        let d = out.remove(i);
        out.insert(0, d);
    }
    out
}

/// Whether the standard AWS chain has anything to offer: keys or a profile in the environment, or
/// any profile in `~/.aws`. Instance metadata is not asked: that could take seconds on a laptop.
pub fn aws_credentials_present() -> bool {
    let env_set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    env_set("AWS_ACCESS_KEY_ID")
        || env_set("AWS_PROFILE")
        || env_set("AWS_WEB_IDENTITY_TOKEN_FILE")
        || env_set("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        || env_set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        || !list_profiles().is_empty()
}

fn config_file() -> Option<PathBuf> {
    std::env::var_os("AWS_CONFIG_FILE").map(PathBuf::from).or_else(|| dirs::home_dir().map(|h| h.join(".aws/config")))
}

fn credentials_file() -> Option<PathBuf> {
    std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".aws/credentials")))
}

/// Profile names from an INI file. In the config file profiles are `[profile NAME]` (or
/// `[default]`); `[sso-session X]` and `[services X]` sections are not profiles.
fn sections(text: &str, config_style: bool) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix('[')?.strip_suffix(']').map(str::trim))
        .filter_map(|s| {
            if !config_style || s == "default" {
                return Some(s.to_string());
            }
            s.strip_prefix("profile").filter(|r| r.starts_with(char::is_whitespace)).map(|r| r.trim().to_string())
        })
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sections;

    #[test]
    fn config_and_credentials_sections() {
        let config = "[default]\nregion=eu-west-1\n[profile prod]\nsso_session=x\n[sso-session x]\n[services s]\n[profilex]\n";
        assert_eq!(sections(config, true), vec!["default", "prod"]);
        assert_eq!(sections("[default]\n[ci]\n", false), vec!["default", "ci"]);
    }
}
