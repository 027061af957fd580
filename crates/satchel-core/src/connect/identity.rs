//! Who a connection's keys belong to, asked of STS (GetCallerIdentity): the account, and whether
//! it is a user, a role or the account's root user. The root user's keys can do anything to the
//! account, so a connection made with them carries a lasting warning.
//!
//! Stores other than AWS mostly have no STS; for them the identity is simply unknown.

use serde::Serialize;

use super::client::S3;

/// What kind of principal signs the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    /// The account's root user: every permission, none can be taken away.
    Root,
    IamUser,
    /// A role assumed for a session (SSO, `assume_role` profiles, instance roles).
    AssumedRole,
    FederatedUser,
    Other,
}

/// The identity behind a connection's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Identity {
    pub arn: String,
    pub account: String,
    pub kind: PrincipalKind,
    /// The user or role name (with the session for a role), for the header.
    pub name: String,
    /// Set for root keys: the lasting warning to show.
    pub warning: Option<String>,
}

impl Identity {
    /// Reads an ARN as STS returns it: `arn:PARTITION:iam::ACCOUNT:root`, `...:user/PATH/NAME`,
    /// `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`, `...:federated-user/NAME`.
    pub fn from_arn(arn: &str) -> Identity {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let (service, account, resource) = match parts.as_slice() {
            ["arn", _partition, service, _region, account, resource] => (*service, *account, *resource),
            _ => ("", "", arn),
        };
        let (kind, name) = match (service, resource.split_once('/')) {
            ("iam", None) if resource == "root" => (PrincipalKind::Root, "root user".to_string()),
            // moto's STS says `sts::...:user/NAME`; AWS says `iam::`.
            ("iam" | "sts", Some(("user", path))) => (PrincipalKind::IamUser, path.rsplit('/').next().unwrap_or(path).to_string()),
            ("sts", Some(("assumed-role", rest))) => (PrincipalKind::AssumedRole, rest.to_string()),
            ("sts", Some(("federated-user", user))) => (PrincipalKind::FederatedUser, user.to_string()),
            _ => (PrincipalKind::Other, resource.to_string()),
        };
        let warning = (kind == PrincipalKind::Root).then(|| {
            format!(
                "These are the root user's keys of account {account}: if they leak, whoever has them can do anything to the account, including closing it. Use the keys of an IAM user or role allowed only what you need instead."
            )
        });
        Identity { arn: arn.to_string(), account: account.to_string(), kind, name, warning }
    }
}

/// Asks STS, at the connection's own endpoint and with its credentials, who is calling. `None`
/// when the store has no STS or does not answer it: that is not an error anyone can act on.
pub async fn caller_identity(s3: &S3) -> Option<Identity> {
    let mut b = aws_sdk_sts::config::Builder::new()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new(s3.region.clone()))
        .credentials_provider(s3.credentials.provider.clone())
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .operation_timeout(std::time::Duration::from_secs(10))
                .build(),
        );
    if let Some(url) = &s3.endpoint_url {
        b = b.endpoint_url(url.trim_end_matches('/'));
    }
    let sts = aws_sdk_sts::Client::from_conf(b.build());
    match sts.get_caller_identity().send().await {
        Ok(out) => out.arn().map(Identity::from_arn),
        Err(e) => {
            tracing::debug!(host = %s3.host, error = %crate::connect::classify::source_chain(&e), "no caller identity");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_arn_is_read() {
        let root = Identity::from_arn("arn:aws:iam::111122223333:root");
        assert_eq!((root.kind, root.account.as_str()), (PrincipalKind::Root, "111122223333"));
        assert!(root.warning.as_deref().unwrap().contains("111122223333"));

        let user = Identity::from_arn("arn:aws:iam::111122223333:user/teams/data/alice");
        assert_eq!((user.kind, user.name.as_str()), (PrincipalKind::IamUser, "alice"));
        assert!(user.warning.is_none());

        let role = Identity::from_arn("arn:aws:sts::111122223333:assumed-role/Analysts/alice@example.com");
        assert_eq!((role.kind, role.name.as_str()), (PrincipalKind::AssumedRole, "Analysts/alice@example.com"));

        let fed = Identity::from_arn("arn:aws-cn:sts::111122223333:federated-user/bob");
        assert_eq!((fed.kind, fed.name.as_str(), fed.account.as_str()), (PrincipalKind::FederatedUser, "bob", "111122223333"));

        let gov_root = Identity::from_arn("arn:aws-us-gov:iam::444455556666:root");
        assert_eq!(gov_root.kind, PrincipalKind::Root);

        // A user named "root" is not the root user.
        assert_eq!(Identity::from_arn("arn:aws:iam::111122223333:user/root").kind, PrincipalKind::IamUser);
        let odd = Identity::from_arn("not an arn");
        assert_eq!((odd.kind, odd.account.as_str()), (PrincipalKind::Other, ""));
    }
}
