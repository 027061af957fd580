//! `satchel`: the command-line face of Satchel's engine, for scripts and benchmarks.
//!
//! Output is for people by default and JSON with `--json`. Every failure ends with a one-line
//! message on stderr and a non-zero exit code; with `--json` the error object also goes to stdout so
//! a script reading stdout sees it.

mod args;
mod buckets;
mod keys;
mod list;
mod remote;
mod secret;
mod sync;
mod tags;
mod versions;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use satchel_core::connect::sandbox::{self, PortChoice, Sandbox};
use satchel_core::{
    Addressing, Connection, ConnectionDraft, CredentialSource, Endpoint, Error, Keychain, Paths, Satchel,
};
use serde_json::json;

use satchel_core::share::ShareKind;
use args::{AccountCommand, BucketCommand, BucketSet, BucketSetArgs, Cli, Command, ConnectionAdd, ConnectionCommand, Global, SandboxArgs};

/// Exit codes scripts can rely on: 1 for any failure, 2 for a command line clap refused.
const EXIT_FAILURE: u8 = 1;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.verbose);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let json = cli.global.json;
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                println!("{}", json!({ "error": e }));
            }
            eprintln!("satchel: {}", one_line(&e.message));
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Sandbox(args) => serve_sandbox(args, cli.global.json).await,
        Command::Ls(args) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            list::run(&engine, &conn, args, cli.global.json).await
        }
        Command::Cp(args) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            list::copy(&engine, &conn, args, cli.global.json).await
        }
        Command::Mv(args) => {
            if !(args.src.starts_with("s3://") && args.dst.starts_with("s3://")) {
                return Err(Error::invalid("mv moves between S3 locations (s3://bucket/key); to move local files up, cp them, then remove them."));
            }
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            let req = remote::RemoteCopy { src: &args.src, dst: &args.dst, recursive: args.recursive, remove_source: true, to_connection: args.to_connection.as_deref() };
            remote::run(&engine, &conn, req, cli.global.json).await
        }
        Command::Sync(args) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            sync::sync(&engine, &conn, args, cli.global.json).await
        }
        Command::Rm(args) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            list::remove(&engine, &conn, args, cli.global.json).await
        }
        Command::Version(cmd) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            versions::run(&engine, &conn, cmd, cli.global.json).await
        }
        Command::Archive(cmd) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            versions::archive(&engine, &conn, cmd, cli.global.json).await
        }
        Command::Retention(cmd) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            buckets::retention(&engine, &conn, cmd, cli.global.json).await
        }
        Command::Key(cmd) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            keys::run(&engine, &conn, cmd, cli.global.json).await
        }
        Command::Undelete(args) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            versions::undelete(&engine, &conn, args, cli.global.json).await
        }
        Command::Tag(cmd) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            tags::run(&engine, &conn, cmd, cli.global.json).await
        }
        Command::Share(args) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            let (bucket, key) = satchel_core::objects::parse_s3_url(&args.target)?;
            let expires = satchel_core::share::parse_expiry(&args.expires)?;
            let req = satchel_core::share::ShareRequest {
                bucket,
                key,
                kind: if args.put { ShareKind::Upload } else { ShareKind::Download },
                expires_secs: u32::try_from(expires.as_secs()).unwrap_or(u32::MAX),
                filename: args.filename,
                content_type: args.content_type,
            };
            let link = engine.share(&conn, &req).await?;
            for w in link.warning.iter().chain(&link.reach) {
                eprintln!("satchel: warning: {w}");
            }
            emit(cli.global.json, json!(link), || link.url.clone());
            Ok(())
        }
        Command::Connection(cmd) => {
            let engine = open_engine()?;
            match cmd {
                ConnectionCommand::Add(add) => {
                    if cli.global.connection.is_some() {
                        return Err(Error::invalid("--connection doesn't go with `connection add`: the new connection is named by its first argument."));
                    }
                    connection_add(&engine, add, &cli.global).await
                }
                ConnectionCommand::Ls => connection_ls(&engine, cli.global.json).await,
                ConnectionCommand::Rm { name } => {
                    let conn = engine.connection(&name).await?;
                    engine.remove(&conn.id).await?;
                    emit(cli.global.json, json!({ "removed": conn.name }), || format!("Removed \"{}\".", conn.name));
                    Ok(())
                }
                ConnectionCommand::Test { name } => connection_test(&engine, name, &cli.global).await,
            }
        }
        Command::Bucket(BucketCommand::Create(spec)) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            buckets::create(&engine, &conn, spec, cli.global.json).await
        }
        Command::Bucket(BucketCommand::Info { name }) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            buckets::info(&engine, &conn, &name, cli.global.json).await
        }
        Command::Bucket(BucketCommand::Rm { name, force }) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            buckets::remove(&engine, &conn, &name, force, cli.global.json).await
        }
        Command::Bucket(BucketCommand::Get { name, setting }) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            buckets::get(&engine, &conn, &name, setting.as_deref(), cli.global.json).await
        }
        Command::Bucket(BucketCommand::Set(BucketSetArgs { name, setting })) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            match setting {
                BucketSet::PublicAccess(args) => buckets::set_public_access(&engine, &conn, &name, args, cli.global.json).await,
                BucketSet::Policy(args) => buckets::set_policy(&engine, &conn, &name, args, cli.global.json).await,
                BucketSet::Cors(args) => buckets::set_cors(&engine, &conn, &name, args, cli.global.json).await,
                BucketSet::Website(args) => buckets::set_website(&engine, &conn, &name, args, cli.global.json).await,
                BucketSet::Ownership { mode } => buckets::set_ownership(&engine, &conn, &name, &mode, cli.global.json).await,
                BucketSet::Acl { canned, grants, yes_public } => {
                    buckets::set_acl(&engine, &conn, &name, canned.as_deref(), &grants, yes_public, cli.global.json).await
                }
                BucketSet::Versioning { state } => buckets::set_versioning(&engine, &conn, &name, &state, cli.global.json).await,
                BucketSet::Lifecycle(args) => buckets::set_lifecycle(&engine, &conn, &name, args, cli.global.json).await,
                BucketSet::Encryption { mode, bucket_key } => buckets::set_encryption(&engine, &conn, &name, &mode, bucket_key, cli.global.json).await,
                BucketSet::ObjectLock(args) => buckets::set_object_lock(&engine, &conn, &name, args, cli.global.json).await,
                BucketSet::Accelerate { state } => buckets::set_accelerate(&engine, &conn, &name, &state, cli.global.json).await,
            }
        }
        Command::Audit(args) => buckets::audit(&open_engine()?, &args, cli.global.json),
        Command::Account(cmd) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            match cmd {
                AccountCommand::Get => buckets::account_get(&engine, &conn, cli.global.json).await,
                AccountCommand::SetPublicAccess(args) => buckets::account_set_public_access(&engine, &conn, args, cli.global.json).await,
            }
        }
        Command::Bucket(BucketCommand::Ls) => {
            let engine = open_engine()?;
            let conn = chosen_connection(&engine, &cli.global, None).await?;
            let s3 = engine.client_for(&conn).await?;
            let buckets = satchel_core::buckets::list_buckets(&s3).await?;
            if cli.global.json {
                println!("{}", json!(buckets));
            } else {
                let mut out = std::io::stdout().lock();
                for b in &buckets {
                    let created = b.created.as_deref().unwrap_or("-");
                    let _ = writeln!(out, "{created:<25} {}", b.name);
                }
            }
            Ok(())
        }
    }
}

fn open_engine() -> Result<Satchel, Error> {
    Satchel::open(Paths::from_env()?, Keychain::new())
}

/// The connection a command works on: `--endpoint` makes one on the spot (credentials from the
/// AWS chain); otherwise the one named by `--connection` (or the positional name), else the one
/// used last, else the only one.
async fn chosen_connection(engine: &Satchel, g: &Global, positional: Option<&str>) -> Result<Connection, Error> {
    if let Some(url) = &g.endpoint {
        if g.connection.is_some() || positional.is_some() {
            return Err(Error::invalid("Use either --endpoint or a connection name, not both."));
        }
        satchel_core::connect::connection::validate_endpoint_url(url)?;
        if let Some(r) = &g.region {
            satchel_core::connect::connection::validate_region(r)?;
        }
        return Ok(Connection {
            accelerate: false,
            id: "command-line".into(),
            name: url.clone(),
            endpoint: Endpoint::Custom { url: url.trim_end_matches('/').to_string() },
            region: g.region.clone(),
            addressing: if g.path_style { Addressing::PathStyle } else { Addressing::VirtualHosted },
            credentials: CredentialSource::Environment,
        });
    }
    if g.path_style || g.region.is_some() {
        return Err(Error::invalid("--region and --path-style go with --endpoint; a saved connection has its own."));
    }
    if let Some(name) = positional.or(g.connection.as_deref()) {
        return engine.connection(name).await;
    }
    let startup_choice = engine.startup().await?;
    match startup_choice.selected {
        Some(id) => engine.connection(&id).await,
        None => Err(Error::invalid("No connection is set up. Add one with `satchel connection add`.")),
    }
}

async fn connection_add(engine: &Satchel, add: ConnectionAdd, g: &Global) -> Result<(), Error> {
    let endpoint = match (&g.endpoint, add.aws) {
        (Some(_), true) => return Err(Error::invalid("Use either --endpoint or --aws, not both.")),
        (Some(url), false) => Endpoint::Custom { url: url.clone() },
        (None, _) => Endpoint::Aws,
    };
    let (credentials, secret) = match (&add.access_key_id, &add.profile, add.env) {
        (Some(id), None, false) => {
            let secret = secret::read_secret(add.secret_stdin)?;
            (CredentialSource::Keychain { access_key_id: id.clone() }, Some(secret))
        }
        (None, Some(p), false) => (CredentialSource::Profile { profile: p.clone() }, None),
        (None, None, true) => (CredentialSource::Environment, None),
        (None, None, false) => {
            return Err(Error::invalid(
                "Say where the credentials come from: --access-key-id ID (the secret is asked for), --profile NAME, or --env.",
            ))
        }
        _ => return Err(Error::invalid("Use only one of --access-key-id, --profile and --env.")),
    };
    let draft = ConnectionDraft {
        accelerate: add.accelerate,
        id: None,
        name: add.name,
        endpoint,
        region: g.region.clone(),
        addressing: if g.path_style { Addressing::PathStyle } else { Addressing::VirtualHosted },
        credentials,
        secret_access_key: secret,
    };
    if !add.no_test {
        engine.test_draft(draft.clone()).await?;
    }
    let saved = engine.save(draft).await?;
    // A region the storage corrected during the test is saved by testing the saved connection.
    let saved = if add.no_test {
        saved
    } else {
        engine.test(&saved.id).await?;
        engine.connection(&saved.id).await?
    };
    emit(g.json, json!(saved), || format!("Saved \"{}\" ({}).", saved.name, saved.location()));
    Ok(())
}

async fn connection_ls(engine: &Satchel, json: bool) -> Result<(), Error> {
    let list = engine.connections().await;
    if json {
        println!("{}", json!(list));
        return Ok(());
    }
    if list.is_empty() {
        println!("No connections yet. Add one with `satchel connection add`.");
    }
    let mut out = std::io::stdout().lock();
    for c in &list {
        let creds = match &c.credentials {
            CredentialSource::Keychain { access_key_id } => format!("key {access_key_id}"),
            CredentialSource::Profile { profile } => format!("profile {profile}"),
            CredentialSource::Environment => "environment".into(),
        };
        let _ = writeln!(out, "{:<24} {:<40} {:<12} {creds}", c.name, c.location(), c.signing_region());
    }
    Ok(())
}

async fn connection_test(engine: &Satchel, name: Option<String>, g: &Global) -> Result<(), Error> {
    let conn = chosen_connection(engine, g, name.as_deref()).await?;
    let saved = engine.connections().await.iter().any(|c| c.id == conn.id);
    let report = if saved { engine.test(&conn.id).await? } else { engine.test_unsaved(&conn).await? };
    emit(g.json, json!(report), || {
        let mut line = format!(
            "OK: \"{}\" answered in {} ms, {} bucket{} visible, region {}.",
            conn.name,
            report.elapsed_ms,
            report.bucket_count,
            if report.bucket_count == 1 { "" } else { "s" },
            report.region
        );
        if let Some(r) = &report.corrected_region {
            line.push_str(&format!(" The region was wrong; the storage said {r}{}.", if saved { ", which is now saved" } else { "" }));
        }
        line
    });
    Ok(())
}

/// Runs the sandbox until Ctrl-C or SIGTERM. The keys are printed because this is where the person
/// who started it learns them; they can also be fixed from the environment for repeatable scripts.
async fn serve_sandbox(args: SandboxArgs, json: bool) -> Result<(), Error> {
    let (mut id, mut secret) = sandbox::new_keys();
    if let Ok(v) = std::env::var("SATCHEL_SANDBOX_ACCESS_KEY_ID") {
        id = v;
    }
    if let Ok(v) = std::env::var("SATCHEL_SANDBOX_SECRET_ACCESS_KEY") {
        secret = satchel_core::SecretKey::new(v);
    }
    let port = args.port.map(PortChoice::Exactly).unwrap_or(PortChoice::Any);
    let server = Sandbox::start(&args.dir, port, &id, &secret).await?;
    if json {
        println!(
            "{}",
            json!({
                "endpoint": server.endpoint(),
                "region": sandbox::SANDBOX_REGION,
                "access_key_id": id,
                "secret_access_key": secret.expose(),
                "dir": server.dir().display().to_string(),
            })
        );
    } else {
        println!("Sandbox serving {} at {}", server.dir().display(), server.endpoint());
        println!("  region:            {} (path-style addressing)", sandbox::SANDBOX_REGION);
        println!("  access key id:     {id}");
        println!("  secret access key: {}", secret.expose());
        println!("Stop with Ctrl-C.");
    }
    let _ = std::io::stdout().flush();
    wait_for_stop().await;
    drop(server);
    Ok(())
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// `s3://bucket/key` split, with the bucket name checked before any request.
pub(crate) fn s3_address(text: &str) -> Result<(String, String), Error> {
    let (bucket, key) = satchel_core::objects::parse_s3_url(text)?;
    satchel_core::buckets::validate_bucket_name(&bucket)?;
    Ok((bucket, key))
}

/// Prints `value` as JSON, or the human line.
pub(crate) fn emit(json: bool, value: serde_json::Value, human: impl FnOnce() -> String) {
    if json {
        println!("{value}");
    } else {
        println!("{}", human());
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Diagnostics go to stderr and only when asked for (`-v`, or SATCHEL_LOG).
fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "off",
        1 => "satchel_core=info",
        _ => "satchel_core=debug,aws_smithy_runtime=debug",
    };
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("SATCHEL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    for cap in satchel_core::LOG_CAPS {
        filter = filter.add_directive(cap.parse().expect("a valid directive"));
    }
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

/// Ctrl-C stops after the requests in flight, so the report says exactly what is left.
pub(crate) fn cancel_on_ctrl_c() -> satchel_core::CancellationToken {
    let token = satchel_core::CancellationToken::new();
    let t = token.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            t.cancel();
        }
    });
    token
}
