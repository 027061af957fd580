//! The `satchel` binary as a script would use it: exit codes, one-line errors, `--json`, and the
//! keychain failure modes, which need processes of their own (the keyring store is chosen once per
//! process).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use satchel_harness::{garage, moto};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_satchel");

/// A `satchel` command with its own settings folders and no AWS credentials from the machine.
fn satchel(home: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.env("SATCHEL_CONFIG_DIR", home.join("config"))
        .env("SATCHEL_DATA_DIR", home.join("data"))
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", home.join("no-aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-aws-credentials"));
    c
}

/// Runs with `stdin` piped in.
fn run(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// `satchel --endpoint <server> --region <its region> --path-style <command> <extra>`, with the
/// server's keys in the AWS environment variables.
/// `on_server`, left running in the background (to be killed mid-transfer).
fn spawn_on_server(home: &Path, s: &satchel_harness::S3Server, command: &str, extra: &[&str]) -> std::process::Child {
    let mut c = satchel(home);
    c.env("AWS_ACCESS_KEY_ID", &s.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &s.secret_access_key)
        .args(["--endpoint", &s.endpoint, "--region", &s.region, "--path-style", command])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c.spawn().unwrap()
}

fn on_server(home: &Path, s: &satchel_harness::S3Server, command: &str, extra: &[&str]) -> Output {
    let mut c = satchel(home);
    c.env("AWS_ACCESS_KEY_ID", &s.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &s.secret_access_key)
        .args(["--endpoint", &s.endpoint, "--region", &s.region, "--path-style", command])
        .args(extra);
    run(c, "")
}

fn stdout_json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{:08x}", rand::random::<u32>())
}

fn config_text(home: &Path) -> String {
    std::fs::read_to_string(home.join("config/connections.json")).unwrap_or_default()
}

#[tokio::test]
async fn add_test_list_and_remove_a_garage_connection() {
    let g = &garage().server;
    let bucket = unique("cli");
    g.create_bucket(&bucket).await;
    let home = tempfile::tempdir().unwrap();
    let name = unique("garage");

    let mut add = satchel(home.path());
    add.args(["--endpoint", &g.endpoint, "--region", "garage", "--path-style", "--json"])
        .args(["connection", "add", &name, "--access-key-id", &g.access_key_id]);
    let o = run(add, &format!("{}\n", g.secret_access_key));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["name"], name.as_str());
    assert!(!config_text(home.path()).contains(&g.secret_access_key), "secret written to the config file");
    assert!(!String::from_utf8_lossy(&o.stdout).contains(&g.secret_access_key), "secret printed");

    let mut ls = satchel(home.path());
    ls.args(["connection", "ls", "--json"]);
    let o = run(ls, "");
    assert_eq!(stdout_json(&o)[0]["credentials"]["access_key_id"], g.access_key_id.as_str());

    let mut test = satchel(home.path());
    test.args(["connection", "test", &name]);
    let o = run(test, "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("OK"));

    let mut buckets = satchel(home.path());
    buckets.args(["--connection", &name, "bucket", "ls", "--json"]);
    let o = run(buckets, "");
    assert!(o.status.success(), "{}", stderr(&o));
    let names: Vec<String> =
        stdout_json(&o).as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap().to_string()).collect();
    assert!(names.contains(&bucket), "{names:?}");

    let mut rm = satchel(home.path());
    rm.args(["connection", "rm", &name]);
    assert!(run(rm, "").status.success());
    let mut test = satchel(home.path());
    test.args(["connection", "test", &name]);
    let o = run(test, "");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no connection called"), "{}", stderr(&o));
}

#[tokio::test]
async fn a_wrong_secret_fails_with_one_line_and_saves_nothing() {
    let g = &garage().server;
    let home = tempfile::tempdir().unwrap();
    let mut add = satchel(home.path());
    add.args(["--endpoint", &g.endpoint, "--region", "garage", "--path-style"])
        .args(["connection", "add", "bad", "--access-key-id", &g.access_key_id]);
    let o = run(add, "this-is-not-the-secret\n");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("satchel: ") && err.contains("secret"), "{err}");
    assert!(!config_text(home.path()).contains("\"bad\""));

    let mut add = satchel(home.path());
    add.args(["--endpoint", &g.endpoint, "--region", "garage", "--path-style", "--json"])
        .args(["connection", "add", "bad", "--access-key-id", &g.access_key_id]);
    let o = run(add, "this-is-not-the-secret\n");
    assert_eq!(stdout_json(&o)["error"]["code"], "wrong_secret");
}

#[tokio::test]
async fn endpoint_flags_use_the_aws_environment_credentials() {
    let g = &garage().server;
    let home = tempfile::tempdir().unwrap();
    let mut ls = satchel(home.path());
    ls.env("AWS_ACCESS_KEY_ID", &g.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &g.secret_access_key)
        .args(["--endpoint", &g.endpoint, "--region", "garage", "--path-style", "--json", "bucket", "ls"]);
    let o = run(ls, "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout_json(&o).is_array());
    assert!(config_text(home.path()).is_empty(), "--endpoint saves no connection");

    let mut none = satchel(home.path());
    none.args(["--endpoint", &g.endpoint, "--path-style", "bucket", "ls"]);
    let o = run(none, "");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("credentials"), "{}", stderr(&o));
}

#[test]
fn bad_input_gets_a_clear_message() {
    let home = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--endpoint", "ftp://example.com", "connection", "add", "x", "--env"], "http"),
        (&["--endpoint", "http://", "connection", "add", "x", "--env"], "URL"),
        (&["connection", "add", "x"], "--access-key-id"),
        (&["connection", "add", "x", "--env", "--profile", "p"], "only one"),
        (&["--region", "Not A Region", "--endpoint", "http://127.0.0.1:9", "connection", "add", "x", "--env", "--no-test"], "region"),
        (&["connection", "rm", "nobody"], "no connection called"),
        (&["--endpoint", "http://127.0.0.1:9", "--connection", "y", "bucket", "ls"], "not both"),
    ];
    for (args, expected) in cases {
        let mut c = satchel(home.path());
        c.args(*args);
        let o = run(c, "");
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{args:?}: expected {expected:?} in {}", stderr(&o));
    }
    assert!(config_text(home.path()).is_empty() || !config_text(home.path()).contains("\"x\""));
}

#[tokio::test]
async fn moto_connection_from_the_environment_chain() {
    let m = moto();
    let bucket = unique("env");
    m.create_bucket(&bucket).await;
    let home = tempfile::tempdir().unwrap();
    let mut add = satchel(home.path());
    add.env("AWS_ACCESS_KEY_ID", &m.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &m.secret_access_key)
        .args(["--endpoint", &m.endpoint, "--path-style", "connection", "add", "moto", "--env"]);
    let o = run(add, "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Saved"));
}

#[tokio::test]
async fn sandbox_serves_a_folder_and_checks_keys() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("served");
    let port = satchel_harness::free_port();
    let mut cmd = satchel(home.path());
    cmd.args(["sandbox", "--dir", dir.to_str().unwrap(), "--port", &port.to_string(), "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let info: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(info["endpoint"], format!("http://127.0.0.1:{port}"));

    let server = satchel_harness::S3Server {
        name: "sandbox",
        endpoint: info["endpoint"].as_str().unwrap().into(),
        region: info["region"].as_str().unwrap().into(),
        access_key_id: info["access_key_id"].as_str().unwrap().into(),
        secret_access_key: info["secret_access_key"].as_str().unwrap().into(),
    };
    server.create_bucket("from-cli").await;
    assert!(dir.join("from-cli").is_dir(), "the bucket is a folder in --dir");
    let refused = server.client_with(&server.access_key_id, "wrong").list_buckets().send().await;
    assert!(refused.is_err(), "a wrong secret is refused");

    // The same port again is a clear error, not a hang.
    let mut again = satchel(home.path());
    again.args(["sandbox", "--dir", dir.to_str().unwrap(), "--port", &port.to_string()]);
    let o = run(again, "");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&format!("Port {port}")), "{}", stderr(&o));

    child.kill().unwrap();
    child.wait().unwrap();
}

/// With no D-Bus session there is no Secret Service: saving keys fails clearly and nothing is saved.
#[test]
fn no_keychain_means_not_saved() {
    let home = tempfile::tempdir().unwrap();
    let mut add = satchel(home.path());
    add.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/satchel-test-bus")
        .args(["--endpoint", "http://127.0.0.1:9", "connection", "add", "nobus", "--access-key-id", "AKIAEXAMPLE", "--no-test"]);
    let o = run(add, "a-secret-that-must-not-leak\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("keychain"), "{}", stderr(&o));
    assert!(!config_text(home.path()).contains("nobus"));
    assert!(!stderr(&o).contains("a-secret-that-must-not-leak"));
    for f in walk_text(home.path()) {
        assert!(!f.contains("a-secret-that-must-not-leak"), "secret written to a file");
    }
}

/// A Secret Service whose keyring is locked (never unlocked in this session) refuses the write.
#[test]
fn a_locked_keychain_means_not_saved() {
    let home = tempfile::tempdir().unwrap();
    let xdg = home.path().join("xdg");
    std::fs::create_dir_all(&xdg).unwrap();
    let script = format!(
        "gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1; exec '{BIN}' --endpoint http://127.0.0.1:9 connection add locked --access-key-id AKIAEXAMPLE --no-test"
    );
    let mut cmd = satchel(home.path());
    cmd = {
        let mut c = Command::new("dbus-run-session");
        c.args(["--", "sh", "-c", &script]);
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c.env("XDG_DATA_HOME", &xdg)
            .env("HOME", home.path())
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("GNOME_KEYRING_CONTROL");
        c
    };
    let o = run(cmd, "a-secret-that-must-not-leak\n");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("keychain"), "{err}");
    assert!(!config_text(home.path()).contains("locked"));
}

fn walk_text(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk_text(&p));
        } else {
            out.push(String::from_utf8_lossy(&std::fs::read(&p).unwrap_or_default()).into_owned());
        }
    }
    out
}

/// Bucket policies from the CLI on moto: templates by intent added to the policy and read back with
/// the harness's client; a public policy refused up front while Block Public Access blocks it; each
/// bad input (invalid JSON, another bucket's Resource, over 20 KB, an 11-digit account, an unknown
/// template) exits non-zero naming the problem with nothing sent; --dry-run sends nothing;
/// --delete removes it; every change is in the audit log.
#[tokio::test]
async fn bucket_policies_are_checked_explained_and_audited() {
    let m = moto();
    let home = tempfile::tempdir().unwrap();
    let name = unique("cli-policy");
    m.create_bucket(&name).await;
    let with_moto = |args: &[&str]| on_server(home.path(), m, args[0], &args[1..]);
    let stored = || async { m.client().get_bucket_policy().bucket(&name).send().await.ok().and_then(|o| o.policy().map(str::to_string)) };
    let set = |extra: &[&str]| {
        let mut args = vec!["bucket", "set", name.as_str(), "policy"];
        args.extend_from_slice(extra);
        with_moto(&args)
    };

    assert!(with_moto(&["bucket", "set", &name, "public-access", "--block-all"]).status.success());
    let o = set(&["--template", "public-read", "--prefix", "public/"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("refuses public policies") && stderr(&o).contains("Nothing was sent"), "{}", stderr(&o));
    assert_eq!(stored().await, None);

    let o = with_moto(&["bucket", "set", &name, "public-access", "--block-public-policy", "off", "--restrict-public-buckets", "off", "--yes-public"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = set(&["--template", "public-read", "--prefix", "public/", "--dry-run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("Anyone on the internet can read objects under public/.") && out.contains("+ ") && out.contains("nothing sent"), "{out}");
    assert_eq!(stored().await, None, "a dry run sends nothing");

    let o = set(&["--template", "public-read", "--prefix", "public/"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stored().await.unwrap().contains(&format!("arn:aws:s3:::{name}/public/*")));
    let o = with_moto(&["bucket", "get", &name, "--json"]);
    assert_eq!(stdout_json(&o)["exposure"]["exposure"], "public_through_policy", "{}", String::from_utf8_lossy(&o.stdout));
    let o = set(&["--template", "require-tls"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let policy: Value = serde_json::from_str(&stored().await.unwrap()).unwrap();
    assert_eq!(policy["Statement"].as_array().unwrap().len(), 2, "templates add to the policy: {policy}");
    let o = with_moto(&["bucket", "get", &name, "policy"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("Nobody can do anything over plain HTTP (not TLS)."), "{out}");

    let before = stored().await;
    let dir = tempfile::tempdir().unwrap();
    let write = |file: &str, text: &str| {
        let p = dir.path().join(file);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let other = format!(r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::someone-else/*"}}]}}"#);
    let big = format!(r#"{{"Version": "2012-10-17", "Statement": [], "Pad": "{}"}}"#, "x".repeat(21 * 1024));
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--file".into(), write("bad.json", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n}")], "Line 4: This isn't valid JSON"),
        (vec!["--file".into(), write("other.json", &other)], "isn't this bucket"),
        (vec!["--file".into(), write("big.json", &big)], "at most 20 KB"),
        (vec!["--template".into(), "cross-account".into(), "--account".into(), "11112222333".into()], "12 digits"),
        (vec!["--template".into(), "make-public".into()], "isn't a template"),
    ];
    for (args, says) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = set(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains(says) && err.trim().lines().count() == 1, "{args:?}: {err}");
        assert_eq!(stored().await, before, "{args:?}: nothing sent");
    }

    let o = set(&["--delete"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stored().await, None);
    let o = with_moto(&["audit", "--bucket", &name, "--json"]);
    let settings: Vec<String> = stdout_json(&o).as_array().unwrap().iter().map(|e| e["setting"].as_str().unwrap().to_string()).collect();
    assert_eq!(settings.iter().filter(|s| *s == "policy").count(), 3, "{settings:?}");
}

/// Website hosting and CORS on garage, which serves websites and answers browsers' preflights for
/// real on its web endpoint: the index document is served over plain HTTP without credentials; the
/// presigned-upload template lets its origin PUT and refuses another; bad input exits non-zero with
/// nothing changed; --delete removes each. Transfer acceleration on moto (enabled, suspended, read
/// back), refused up front for a name with dots, and said to be unsupported on garage.
#[tokio::test]
async fn website_cors_and_acceleration_are_set_checked_and_read_back() {
    let garage = garage();
    let g = &garage.server;
    let home = tempfile::tempdir().unwrap();
    let bucket = unique("cli-web");
    // garage serves websites of buckets with a global name (what its admin gives one); a bucket
    // created through the S3 API has only the creating key's name for it.
    garage.cli(&["bucket", "create", &bucket]);
    garage.cli(&["bucket", "allow", "--read", "--write", "--owner", &bucket, "--key", &g.access_key_id]);
    g.client().put_object().bucket(&bucket).key("index.html").body(b"<h1>hello</h1>".to_vec().into()).content_type("text/html").send().await.unwrap();
    let on_garage = |args: &[&str]| on_server(home.path(), g, args[0], &args[1..]);
    let web = |extra: &[&str]| {
        let out = Command::new("curl")
            .args(["-s", "-D", "-", "-H", &format!("Host: {bucket}.web.garage.localhost")])
            .args(extra)
            .arg(format!("{}/", garage.web_endpoint))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    // (garage's web endpoint serves reads; its S3 endpoint lets any origin in, whatever the rules.)
    let preflight = |origin: &str| web(&["-X", "OPTIONS", "-H", &format!("Origin: {origin}"), "-H", "Access-Control-Request-Method: GET"]).to_ascii_lowercase();

    assert!(!web(&[]).contains("<h1>hello</h1>"), "not served before website hosting is on");
    let o = on_garage(&["bucket", "set", &bucket, "website", "--index", "index.html", "--error", "error.html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // garage's web server picks the new setting up within a moment.
    let mut page = web(&[]);
    for _ in 0..50 {
        if page.starts_with("HTTP/1.1 200") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        page = web(&[]);
    }
    assert!(page.starts_with("HTTP/1.1 200") && page.contains("<h1>hello</h1>"), "{page}");
    let o = on_garage(&["bucket", "get", &bucket, "website", "--json"]);
    assert_eq!(stdout_json(&o)["site"]["index"], "index.html");
    assert!(stdout_json(&o)["served"].as_str().unwrap().contains("an address of its own"));
    let o = on_garage(&["bucket", "set", &bucket, "website", "--index", "pages/index.html"]);
    assert!(stderr(&o).contains("no slash"), "{}", stderr(&o));

    let o = on_garage(&["bucket", "set", &bucket, "cors", "--template", "presigned-upload", "--origin", "https://app.example.com"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut allowed = preflight("https://app.example.com");
    for _ in 0..50 {
        if allowed.contains("access-control-allow-origin: https://app.example.com") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        allowed = preflight("https://app.example.com");
    }
    assert!(allowed.contains("access-control-allow-origin: https://app.example.com"), "{allowed}");
    let refused = preflight("https://elsewhere.example.org");
    assert!(refused.starts_with("http/1.1 403") && !refused.contains("access-control-allow-origin: https://elsewhere"), "{refused}");
    let o = on_garage(&["bucket", "get", &bucket, "cors", "--json"]);
    assert_eq!(stdout_json(&o)["cors"][0]["AllowedOrigins"][0], "https://app.example.com");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"[{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]"#).unwrap();
    for (args, says) in [
        (vec!["--file", bad.to_str().unwrap()], "PATCH"),
        (vec!["--template", "presigned-upload", "--origin", "app.example.com"], "isn't an origin"),
        (vec!["--template", "everything"], "isn't a CORS template"),
    ] {
        let mut all = vec!["bucket", "set", bucket.as_str(), "cors"];
        all.extend(args);
        let o = on_garage(&all);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    }
    assert!(preflight("https://app.example.com").contains("access-control-allow-origin: https://app.example.com"), "bad input changed nothing");
    assert!(on_garage(&["bucket", "set", &bucket, "cors", "--delete"]).status.success());
    assert!(!preflight("https://app.example.com").contains("access-control-allow-origin: https://app.example.com"));
    assert!(on_garage(&["bucket", "set", &bucket, "website", "--delete"]).status.success());
    assert!(!web(&[]).contains("<h1>hello</h1>"), "no longer served");

    let o = on_garage(&["bucket", "set", &bucket, "accelerate", "on"]);
    assert!(stderr(&o).contains("doesn't support it"), "{}", stderr(&o));

    let m = moto();
    let accel = unique("cli-accel");
    m.create_bucket(&accel).await;
    let on_moto = |args: &[&str]| on_server(home.path(), m, args[0], &args[1..]);
    // Read with a plain request: moto's answer has a root element the Rust SDK refuses.
    let raw_status = |bucket: &str| {
        let out = Command::new("curl").args(["-s", &format!("{}/{bucket}?accelerate", m.endpoint)]).output().unwrap();
        let body = String::from_utf8_lossy(&out.stdout).to_string();
        body.split("<Status>").nth(1).and_then(|r| r.split("</Status>").next()).map(str::to_string)
    };
    let status = || async { raw_status(&accel) };
    let o = on_moto(&["bucket", "set", &accel, "accelerate", "on"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(status().await.as_deref(), Some("Enabled"));
    assert!(on_moto(&["bucket", "set", &accel, "accelerate", "off"]).status.success());
    assert_eq!(status().await.as_deref(), Some("Suspended"));
    let dotted = format!("{}.logs", unique("cli"));
    m.create_bucket(&dotted).await;
    let o = on_moto(&["bucket", "set", &dotted, "accelerate", "on"]);
    assert!(stderr(&o).contains("dots"), "{}", stderr(&o));
    assert_eq!(raw_status(&dotted), None, "nothing sent");
    let o = on_moto(&["audit", "--json"]);
    let settings: Vec<String> = stdout_json(&o).as_array().unwrap().iter().map(|e| e["setting"].as_str().unwrap().to_string()).collect();
    for (setting, changes) in [("accelerate", 2), ("cors", 2), ("website", 2)] {
        assert_eq!(settings.iter().filter(|s| *s == setting).count(), changes, "{setting}: {settings:?}");
    }

    // Routing rules, read back from moto; bad ones refused with the site left as it was.
    let site = unique("cli-routes");
    m.create_bucket(&site).await;
    let o = on_moto(&["bucket", "set", &site, "website", "--index", "index.html", "--route", "docs/=documents/", "--route", "404=@www.example.com"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let routes = || async {
        let got = m.client().get_bucket_website().bucket(&site).send().await.unwrap();
        got.routing_rules()
            .iter()
            .map(|r| {
                let (c, to) = (r.condition(), r.redirect().unwrap());
                (
                    c.and_then(|c| c.key_prefix_equals()).map(str::to_string),
                    c.and_then(|c| c.http_error_code_returned_equals()).map(str::to_string),
                    to.replace_key_prefix_with().map(str::to_string),
                    to.host_name().map(str::to_string),
                )
            })
            .collect::<Vec<_>>()
    };
    let want = vec![
        (Some("docs/".to_string()), None, Some("documents/".to_string()), None),
        (None, Some("404".to_string()), None, Some("www.example.com".to_string())),
    ];
    assert_eq!(routes().await, want);
    let o = on_moto(&["bucket", "get", &site, "website"]);
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(text.contains("Requests under docs/ go to documents/ (301)") && text.contains("A 404 goes to www.example.com (301)"), "{text}");
    for (route, says) in [("docs/", "FROM=TO"), ("700=@x.example.com", "isn't an HTTP error code"), ("a/=@https://x.example.com", "isn't a host name")] {
        let o = on_moto(&["bucket", "set", &site, "website", "--index", "index.html", "--route", route]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains(says), "{route}: {}", stderr(&o));
    }
    assert_eq!(routes().await, want, "nothing sent");
}

/// Object Ownership and the bucket ACL from the CLI on moto: an ACL is refused while ACLs are off,
/// a public one without --yes-public, a malformed grant always, each with nothing changed (read back
/// with the harness's client); a public ACL shows in `bucket get` and in the audit log.
#[tokio::test]
async fn ownership_and_acls_are_confirmed_and_audited() {
    let m = moto();
    let home = tempfile::tempdir().unwrap();
    let name = unique("cli-acl");
    m.create_bucket(&name).await;
    let with_moto = |args: &[&str]| on_server(home.path(), m, args[0], &args[1..]);
    let public_grants = || async {
        let acl = m.client().get_bucket_acl().bucket(&name).send().await.unwrap();
        acl.grants().iter().filter(|g| g.grantee().and_then(|w| w.uri()).is_some_and(|u| u.ends_with("AllUsers"))).count()
    };

    let o = with_moto(&["bucket", "set", &name, "ownership", "bucket-owner-enforced"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let controls = m.client().get_bucket_ownership_controls().bucket(&name).send().await.unwrap();
    assert_eq!(controls.ownership_controls().unwrap().rules()[0].object_ownership().as_str(), "BucketOwnerEnforced");
    let o = with_moto(&["bucket", "set", &name, "acl", "public-read", "--yes-public"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("ACLs are off") && stderr(&o).contains("Nothing was changed"), "{}", stderr(&o));

    assert!(with_moto(&["bucket", "set", &name, "ownership", "object-writer"]).status.success());
    let o = with_moto(&["bucket", "set", &name, "acl", "public-read"]);
    assert!(stderr(&o).contains("makes") && stderr(&o).contains("--yes-public"), "{}", stderr(&o));
    let o = with_moto(&["bucket", "set", &name, "acl", "--grant", "read=nobody"]);
    assert!(stderr(&o).contains("should be id="), "{}", stderr(&o));
    assert_eq!(public_grants().await, 0, "nothing changed");

    let o = with_moto(&["bucket", "set", &name, "acl", "public-read", "--yes-public"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(public_grants().await, 1);
    let o = with_moto(&["bucket", "get", &name, "--json"]);
    assert_eq!(stdout_json(&o)["exposure"]["exposure"], "public_through_acl");
    let o = with_moto(&["bucket", "get", &name, "acl"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("read=uri=http://acs.amazonaws.com/groups/global/AllUsers"), "{}", String::from_utf8_lossy(&o.stdout));
    let o = with_moto(&["audit", "--bucket", &name, "--json"]);
    let settings: Vec<String> = stdout_json(&o).as_array().unwrap().iter().map(|e| e["setting"].as_str().unwrap().to_string()).collect();
    assert_eq!(settings.iter().filter(|s| *s == "acl").count(), 1, "{settings:?}");
    assert!(settings.iter().filter(|s| *s == "ownership").count() >= 1, "{settings:?}");
}

/// `account get` names whose keys these are (moto's STS) and the account's Block Public Access;
/// `account set-public-access` says when nothing changes and refuses a bad switch. (Turning the
/// account's switches on is tested in the engine: here it would race other tests' buckets.)
#[tokio::test]
async fn the_account_behind_the_keys_and_its_block_public_access() {
    let m = moto();
    let home = tempfile::tempdir().unwrap();
    let on_moto = |args: &[&str]| on_server(home.path(), m, args[0], &args[1..]);
    let o = on_moto(&["account", "get", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got = stdout_json(&o);
    assert_eq!(got["identity"]["account"], "123456789012");
    assert_eq!(got["public_access"]["block_public_acls"], false);
    let o = on_moto(&["account", "get"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("account public access block: none on"), "{}", String::from_utf8_lossy(&o.stdout));
    let o = on_moto(&["account", "set-public-access", "--allow-public"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("already none on; nothing changed"), "{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    let o = on_moto(&["account", "set-public-access", "--block-public-acls", "maybe"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("takes on or off"), "{}", stderr(&o));

    // garage has no STS: said plainly.
    let o = on_server(home.path(), &garage().server, "account", &["get"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("can't say which account"), "{}", stderr(&o));
}

/// Block Public Access from the CLI on moto: turning protection off is refused without
/// --yes-public and changes nothing; with it, the switches asked for change (read back with the
/// harness's client); `bucket get` says whether the bucket is public and why; every change, and
/// only a change, is in the audit log.
#[tokio::test]
async fn public_access_changes_need_a_confirmation_and_are_audited() {
    let m = moto();
    let home = tempfile::tempdir().unwrap();
    let name = unique("cli-bpa");
    m.create_bucket(&name).await;
    let with_moto = |args: &[&str]| on_server(home.path(), m, args[0], &args[1..]);
    let switches = || async {
        let out = m.client().get_public_access_block().bucket(&name).send().await.unwrap();
        let c = out.public_access_block_configuration().unwrap().clone();
        [c.block_public_acls(), c.ignore_public_acls(), c.block_public_policy(), c.restrict_public_buckets()].map(|f| f == Some(true))
    };

    let o = with_moto(&["bucket", "set", &name, "public-access", "--block-all", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(switches().await, [true; 4]);

    let o = with_moto(&["bucket", "set", &name, "public-access", "--allow-public"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--yes-public") && stderr(&o).contains("nothing was changed"), "{}", stderr(&o));
    assert_eq!(switches().await, [true; 4], "refused: nothing changed");
    let o = with_moto(&["bucket", "set", &name, "public-access", "--block-public-acls", "maybe"]);
    assert!(stderr(&o).contains("takes on or off"), "{}", stderr(&o));

    let o = with_moto(&["bucket", "set", &name, "public-access", "--block-public-acls", "off", "--ignore-public-acls", "off", "--yes-public", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["after"]["block_public_policy"], true);
    assert_eq!(switches().await, [false, false, true, true]);
    let o = with_moto(&["bucket", "get", &name, "--json"]);
    assert_eq!(stdout_json(&o)["exposure"]["exposure"], "private", "{}", String::from_utf8_lossy(&o.stdout));

    // A public ACL, now that nothing blocks or ignores it: the bucket is public, and why is said.
    m.client().put_bucket_acl().bucket(&name).acl("public-read".into()).send().await.unwrap();
    let o = with_moto(&["bucket", "get", &name]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Public through ACL") && text.contains("anyone can list"), "{text}");

    let o = with_moto(&["audit", "--bucket", &name, "--json"]);
    let entries = stdout_json(&o);
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries.iter().all(|e| e["setting"] == "public-access" && e["via"] == "cli" && e["bucket"] == name.as_str()));
    assert!(entries[1]["before"].as_str().unwrap().contains("\"block_public_acls\":true"));
    let o = with_moto(&["audit", "--csv"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("at,connection,bucket,setting,before,after,via\n"));
}

#[tokio::test]
async fn bucket_create_info_and_rm() {
    let m = moto();
    let home = tempfile::tempdir().unwrap();
    let name = unique("cli-bucket");
    let with_moto = |args: &[&str]| on_server(home.path(), m, args[0], &args[1..]);

    let o = with_moto(&["bucket", "create", &name, "--bucket-region", "eu-west-1", "--versioning", "--tag", "team=data", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["region"], "eu-west-1");
    assert!(m.bucket_names().await.contains(&name));

    let c = m.client();
    c.put_object().bucket(&name).key("a").body(b"12345".to_vec().into()).send().await.unwrap();
    c.put_object().bucket(&name).key("a").body(b"123".to_vec().into()).send().await.unwrap();

    let o = with_moto(&["bucket", "info", &name, "--json"]);
    let census = stdout_json(&o);
    assert_eq!((census["current_objects"].as_u64(), census["noncurrent_versions"].as_u64()), (Some(1), Some(1)));

    let o = with_moto(&["bucket", "rm", &name]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("1 object, 1 older version") && stderr(&o).contains("--force"), "{}", stderr(&o));
    assert!(m.bucket_names().await.contains(&name), "refused without --force");

    let o = with_moto(&["bucket", "rm", &name, "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!m.bucket_names().await.contains(&name));

    let o = with_moto(&["bucket", "create", "Bad_Name"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("capitals"), "{}", stderr(&o));
    let o = with_moto(&["bucket", "create", "fine-name", "--ownership", "everyone"]);
    assert!(stderr(&o).contains("Unknown ownership"), "{}", stderr(&o));
}

#[tokio::test]
async fn share_prints_a_link_that_downloads_and_refuses_bad_expiries() {
    let g = &garage().server;
    let bucket = unique("share");
    g.create_bucket(&bucket).await;
    g.client().put_object().bucket(&bucket).key("a b/ü.txt").body(b"shared bytes".to_vec().into()).send().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let share = |extra: &[&str]| on_server(home.path(), g, "share", extra);
    let target = format!("s3://{bucket}/a b/ü.txt");
    let o = share(&[&target, "--expires", "15m", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let link = stdout_json(&o);
    assert!(link["effective_secs"].as_u64().unwrap() == 900);
    let fetched = Command::new("curl").args(["-sf", link["url"].as_str().unwrap()]).output().unwrap();
    assert_eq!(fetched.stdout, b"shared bytes", "curl: {}", String::from_utf8_lossy(&fetched.stderr));

    let plain = share(&[&target]);
    assert!(String::from_utf8_lossy(&plain.stdout).trim().starts_with("http://"), "plain output is the URL");
    // The test server is on loopback: a recipient elsewhere couldn't open the link, and is told so.
    assert!(stderr(&plain).contains("which is this computer"), "{}", stderr(&plain));
    assert!(link["reach"].as_str().is_some_and(|r| r.contains("127.0.0.1")), "{link}");

    for (expiry, rule) in [("0", "at least one second"), ("-1h", "negative"), ("8d", "at most 7 days"), ("tomorrow", "isn't an expiry")] {
        let o = share(&[&target, "--expires", expiry]);
        assert_eq!(o.status.code(), Some(1), "{expiry}");
        assert!(stderr(&o).contains(rule), "{expiry}: {}", stderr(&o));
    }
    let o = share(&[&format!("s3://{bucket}/missing.txt")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no object at"), "{}", stderr(&o));
}

#[tokio::test]
async fn ls_lists_folders_and_everything_below() {
    let m = moto();
    let bucket = unique("ls");
    m.create_bucket(&bucket).await;
    for k in ["top.txt", "dir/a.txt", "dir/sub/b.txt"] {
        m.client().put_object().bucket(&bucket).key(k).body(b"12345".to_vec().into()).send().await.unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    let ls = |extra: &[&str]| on_server(home.path(), m, "ls", extra);
    let o = ls(&[&format!("s3://{bucket}")]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(text.contains("PRE dir/") && text.contains("5 top.txt") && !text.contains("a.txt"), "{text}");
    let o = ls(&[&format!("s3://{bucket}/dir/"), "--recursive", "--json"]);
    let keys: Vec<String> = stdout_json(&o).as_array().unwrap().iter().map(|v| v["key"].as_str().unwrap().to_string()).collect();
    assert_eq!(keys, ["dir/a.txt", "dir/sub/b.txt"]);
    let o = ls(&["s3://No_Such"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("capitals"), "{}", stderr(&o));
}

#[tokio::test]
async fn rm_deletes_an_object_or_a_prefix() {
    let m = moto();
    let bucket = unique("rm");
    m.create_bucket(&bucket).await;
    for k in ["keep.txt", "one.txt", "dir/a", "dir/b/c"] {
        m.client().put_object().bucket(&bucket).key(k).body(b"x".to_vec().into()).send().await.unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    let rm = |extra: &[&str]| on_server(home.path(), m, "rm", extra);
    assert!(rm(&[&format!("s3://{bucket}/one.txt")]).status.success());
    let o = rm(&[&format!("s3://{bucket}/dir"), "--recursive", "--json"]);
    assert_eq!(stdout_json(&o)["deleted"], 2);
    let o = rm(&[&format!("s3://{bucket}/missing.txt")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no object"), "{}", stderr(&o));
    let o = rm(&[&format!("s3://{bucket}")]);
    assert!(stderr(&o).contains("--recursive"), "{}", stderr(&o));
    let left = m.client().list_objects_v2().bucket(&bucket).send().await.unwrap();
    let keys: Vec<&str> = left.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["keep.txt"]);
}

#[tokio::test]
async fn cp_downloads_a_key_or_a_prefix() {
    let g = &garage().server;
    let bucket = unique("cp");
    g.create_bucket(&bucket).await;
    for (k, v) in [("p/a.txt", "A"), ("p/sub/b.txt", "B"), ("other.txt", "O")] {
        g.client().put_object().bucket(&bucket).key(k).body(v.as_bytes().to_vec().into()).send().await.unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let cp = |extra: &[&str]| on_server(home.path(), g, "cp", extra);
    let dir = out.path().join("dir");
    let o = cp(&["--recursive", &format!("s3://{bucket}/p/"), dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.join("a.txt")).unwrap(), "A");
    assert_eq!(std::fs::read_to_string(dir.join("sub/b.txt")).unwrap(), "B");
    assert!(!dir.join("other.txt").exists() && !dir.join("p").exists());
    let file = out.path().join("renamed.txt");
    assert!(cp(&[&format!("s3://{bucket}/other.txt"), file.to_str().unwrap()]).status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "O");
    // And back up: DIR's contents go under the prefix, byte for byte.
    let o = cp(&["--recursive", dir.to_str().unwrap(), &format!("s3://{bucket}/back/"), "--part-size", "5M", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["files"], 2);
    let b = g.client().get_object().bucket(&bucket).key("back/sub/b.txt").send().await.unwrap();
    assert_eq!(b.body.collect().await.unwrap().into_bytes().as_ref(), b"B");
    let o = cp(&["./no-such-file", &format!("s3://{bucket}/x")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("Can't read"), "{}", stderr(&o));
    let o = cp(&[file.to_str().unwrap(), &format!("s3://{bucket}/x"), "--part-size", "1M"]);
    assert!(stderr(&o).contains("between 5 MiB and 5 GiB"), "{}", stderr(&o));
}

#[tokio::test]
async fn tag_get_set_rm() {
    let m = moto();
    let bucket = unique("tag");
    m.create_bucket(&bucket).await;
    for k in ["p/a", "p/b"] {
        m.client().put_object().bucket(&bucket).key(k).body(b"x".to_vec().into()).send().await.unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    let tag = |extra: &[&str]| on_server(home.path(), m, "tag", extra);
    let a = format!("s3://{bucket}/p/a");
    assert!(tag(&["set", &format!("s3://{bucket}/p/"), "project=alpha", "cost=1", "--recursive"]).status.success());
    assert!(tag(&["set", &a, "cost=2"]).status.success());
    let o = tag(&["get", &a, "--json"]);
    let got = stdout_json(&o);
    assert_eq!(got.as_array().unwrap().len(), 2, "{got}");
    assert!(tag(&["rm", &a, "cost"]).status.success());
    assert_eq!(String::from_utf8_lossy(&tag(&["get", &a]).stdout).trim(), "project=alpha");
    let o = tag(&["set", &a, "aws:reserved=x"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("aws:"), "{}", stderr(&o));
    let o = tag(&["set", &a, "novalue"]);
    assert!(stderr(&o).contains("key=value"), "{}", stderr(&o));
    let independent = m.client().get_object_tagging().bucket(&bucket).key("p/b").send().await.unwrap();
    assert_eq!(independent.tag_set().len(), 2);
}

#[tokio::test]
async fn cp_tags_what_it_uploads() {
    let m = moto();
    let bucket = unique("cptag");
    m.create_bucket(&bucket).await;
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let file = src.path().join("data.csv");
    std::fs::write(&file, "a,b\n").unwrap();
    let cp = |extra: &[&str]| on_server(home.path(), m, "cp", extra);
    let o = cp(&[file.to_str().unwrap(), &format!("s3://{bucket}/in/"), "--tag", "project=alpha", "--tag", "team=data science"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got = m.client().get_object_tagging().bucket(&bucket).key("in/data.csv").send().await.unwrap();
    let mut tags: Vec<_> = got.tag_set().iter().map(|t| format!("{}={}", t.key(), t.value())).collect();
    tags.sort();
    assert_eq!(tags, ["project=alpha", "team=data science"]);
    // Bad tags are refused before anything is sent.
    for (bad, says) in [("aws:x=1", "aws:"), ("novalue", "key=value"), ("k=a<b", "contains")] {
        let o = cp(&[file.to_str().unwrap(), &format!("s3://{bucket}/bad/"), "--tag", bad]);
        assert_eq!(o.status.code(), Some(1), "{bad}");
        assert!(stderr(&o).contains(says), "{bad}: {}", stderr(&o));
    }
    assert_eq!(m.keys(&bucket).await, ["in/data.csv"]);
    let o = cp(&[&format!("s3://{bucket}/in/data.csv"), src.path().join("x").to_str().unwrap(), "--tag", "a=b"]);
    assert!(stderr(&o).contains("apply to uploads"), "{}", stderr(&o));
}

// Multi-threaded: the proxy must keep serving while the test waits for a process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_upload_resumes_and_sends_only_the_missing_parts() {
    use satchel_harness::proxy::{Fault, FaultProxy, Match};
    let g = &garage().server;
    let bucket = unique("killed");
    g.create_bucket(&bucket).await;
    let proxy = FaultProxy::start(g).await;
    let through = proxy.server();
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let part = 5 * 1024 * 1024;
    let body: Vec<u8> = (0..8 * part + 4321).map(|i| (i % 241) as u8).collect();
    let file = src.path().join("big.bin");
    std::fs::write(&file, &body).unwrap();
    let dst = format!("s3://{bucket}/big.bin");
    let args = [file.to_str().unwrap(), dst.as_str(), "--part-size", "5M", "--concurrency", "2"];
    // Slow parts, so the process is surely mid-upload when it is killed.
    proxy.inject(Match::AnyPart, Fault::Delay(std::time::Duration::from_millis(300)), 1000);
    let mut child = spawn_on_server(home.path(), &through, "cp", &args);
    let started = std::time::Instant::now();
    while proxy.log().iter().filter(|l| l.contains("partNumber=") && l.ends_with("-> 200")).count() < 3 {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "{:#?}", proxy.log());
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up or abort
    child.wait().unwrap();
    let uploads = g.client().list_multipart_uploads().bucket(&bucket).send().await.unwrap();
    assert_eq!(uploads.uploads().len(), 1, "the killed upload is still open on the storage");
    let held: u64 = {
        let u = &uploads.uploads()[0];
        let parts = g.client().list_parts().bucket(&bucket).key("big.bin").upload_id(u.upload_id().unwrap()).send().await.unwrap();
        parts.parts().iter().map(|p| p.size().unwrap() as u64).sum()
    };
    assert!(held >= 3 * part as u64, "{held}");

    proxy.clear();
    proxy.reset_count();
    let o = on_server(home.path(), &through, "cp", &[args[0], args[1], args[2], args[3], "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = stdout_json(&o);
    assert_eq!(report["resumed_bytes"].as_u64().unwrap(), held, "{report}");
    assert_eq!(proxy.body_bytes(), body.len() as u64 - held, "only the missing parts crossed the proxy");
    assert_eq!(g.get(&bucket, "big.bin").await, body);
    let uploads = g.client().list_multipart_uploads().bucket(&bucket).send().await.unwrap();
    assert!(uploads.uploads().is_empty());
}

/// Tried as a new user would: `cp s3://b/x/report.csv ./old.csv` in a folder that holds an
/// unrelated `report.csv` replaced it (the download went to the key's name first). Only the file
/// named is written, and it is overwritten when it exists.
#[tokio::test]
async fn cp_to_a_named_file_writes_only_that_file() {
    let g = &garage().server;
    let bucket = unique("named");
    g.create_bucket(&bucket).await;
    g.client().put_object().bucket(&bucket).key("x/report.csv").body(b"NEW".to_vec().into()).send().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("report.csv"), "MINE").unwrap();
    let target = out.path().join("old.csv");
    for _ in 0..2 {
        let o = on_server(home.path(), g, "cp", &[&format!("s3://{bucket}/x/report.csv"), target.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "NEW");
        assert_eq!(std::fs::read_to_string(out.path().join("report.csv")).unwrap(), "MINE", "an unrelated file was touched");
        std::fs::write(&target, "OLD").unwrap();
    }
    let mut names: Vec<_> = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["old.csv", "report.csv"], "no temporary file is left");
}

/// Tried as a new user would: a symlink `assets -> elsewhere` in the destination received
/// `p/assets/authorized_keys` outside the chosen folder. A link on the way refuses that key (listed,
/// non-zero exit) and the rest is downloaded.
#[cfg(unix)]
#[tokio::test]
async fn a_symlink_in_the_destination_is_never_followed() {
    let g = &garage().server;
    let bucket = unique("links");
    g.create_bucket(&bucket).await;
    for (k, v) in [("p/assets/authorized_keys", "KEY"), ("p/readme.txt", "R"), ("p/deep/assets/x", "X")] {
        g.client().put_object().bucket(&bucket).key(k).body(v.as_bytes().to_vec().into()).send().await.unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), dest.path().join("assets")).unwrap();
    let o = on_server(home.path(), g, "cp", &["--recursive", &format!("s3://{bucket}/p/"), dest.path().to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0, "nothing is written through the link");
    assert_eq!(std::fs::read_to_string(dest.path().join("readme.txt")).unwrap(), "R");
    assert_eq!(std::fs::read_to_string(dest.path().join("deep/assets/x")).unwrap(), "X");
    // The report, then the error (scripts read the exit code and either line).
    let first = String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or_default().to_string();
    let report: Value = serde_json::from_str(&first).unwrap();
    let refused = report["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{report}");
    assert_eq!(refused[0]["key"], "p/assets/authorized_keys");
    assert!(refused[0]["reason"].as_str().unwrap().contains("symbolic link"), "{report}");
}

/// Tried as a new user would: ten `connection add` at once kept 3 of the 10 (each process rewrote
/// the whole file from its own copy). Every change is made under the file's lock on what is on disk.
#[test]
fn ten_connection_adds_at_once_keep_all_ten() {
    let home = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..10)
        .map(|i| {
            let mut c = satchel(home.path());
            c.args(["--endpoint", "http://127.0.0.1:9", "--path-style", "connection", "add", &format!("c{i}"), "--env", "--no-test"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    for child in children {
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let mut ls = satchel(home.path());
    ls.args(["--json", "connection", "ls"]);
    let o = run(ls, "");
    let mut names: Vec<String> = stdout_json(&o).as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect();
    names.sort();
    assert_eq!(names, (0..10).map(|i| format!("c{i}")).collect::<Vec<_>>());
}

/// `cp --recursive --if-exists overwrite|skip|rename`; a bad choice, or the flag on a single
/// download, is one line and nothing is written.
#[tokio::test]
async fn cp_recursive_if_exists() {
    let g = &garage().server;
    let bucket = unique("exists");
    g.create_bucket(&bucket).await;
    for (k, v) in [("p/a.txt", "A"), ("p/b.txt", "B")] {
        g.client().put_object().bucket(&bucket).key(k).body(v.as_bytes().to_vec().into()).send().await.unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let d = dest.path().to_str().unwrap();
    let src = format!("s3://{bucket}/p/");
    let cp = |extra: &[&str]| on_server(home.path(), g, "cp", extra);
    let read = |name: &str| std::fs::read_to_string(dest.path().join(name)).unwrap();
    std::fs::write(dest.path().join("a.txt"), "MINE").unwrap();
    let o = cp(&["--recursive", &src, d, "--if-exists", "skip", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["skipped"], 1);
    assert_eq!((read("a.txt"), read("b.txt")), ("MINE".into(), "B".into()));
    assert!(cp(&["--recursive", &src, d, "--if-exists", "rename"]).status.success());
    assert_eq!((read("a.txt"), read("a (1).txt")), ("MINE".into(), "A".into()));
    assert!(cp(&["--recursive", &src, d]).status.success());
    assert_eq!(read("a.txt"), "A", "overwrite is the default, as in aws s3 cp");
    let o = cp(&["--recursive", &src, d, "--if-exists", "maybe"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("overwrite, skip or rename"), "{}", stderr(&o));
    let o = cp(&[&format!("s3://{bucket}/p/a.txt"), dest.path().join("x.txt").to_str().unwrap(), "--if-exists", "skip"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("goes with --recursive"), "{}", stderr(&o));
    assert!(!dest.path().join("x.txt").exists());
}

/// A link to a file inside an uploaded folder (to `~/.aws/credentials` in a cloned repository, say)
/// is listed and not sent, unless `--follow-symlinks` asks for what it points to.
#[cfg(unix)]
#[tokio::test]
async fn cp_lists_links_to_files_and_follows_them_only_when_asked() {
    let g = &garage().server;
    let bucket = unique("follow");
    g.create_bucket(&bucket).await;
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("repo");
    std::fs::create_dir(&set).unwrap();
    std::fs::write(set.join("code.txt"), "code").unwrap();
    std::fs::write(dir.path().join("credentials"), "private").unwrap();
    std::os::unix::fs::symlink(dir.path().join("credentials"), set.join("creds")).unwrap();
    let o = on_server(home.path(), g, "cp", &["--recursive", set.to_str().unwrap(), &format!("s3://{bucket}/a/")]);
    assert_eq!(o.status.code(), Some(1), "the link is reported: {}", stderr(&o));
    assert!(stderr(&o).contains("link to a file is not followed"), "{}", stderr(&o));
    assert_eq!(g.keys(&bucket).await, ["a/code.txt"]);
    let o = on_server(home.path(), g, "cp", &["--recursive", set.to_str().unwrap(), &format!("s3://{bucket}/b/"), "--follow-symlinks"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(g.keys(&bucket).await, ["a/code.txt", "b/code.txt", "b/creds"]);
}

/// Ctrl-C during a download: the command stops with a non-zero exit, and no temporary file and no
/// partial target is left behind.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_mid_download_leaves_no_partial_file() {
    use satchel_harness::proxy::{Fault, FaultProxy, Match};
    let g = &garage().server;
    let bucket = unique("interrupted");
    g.create_bucket(&bucket).await;
    let body: Vec<u8> = (0..40 * 1024 * 1024).map(|i| (i % 239) as u8).collect();
    g.client().put_object().bucket(&bucket).key("big.bin").body(body.into()).send().await.unwrap();
    let proxy = FaultProxy::start(g).await;
    let through = proxy.server();
    // Every request slowed, so the process is surely mid-download when it is interrupted.
    proxy.inject(Match::Any, Fault::Delay(std::time::Duration::from_millis(400)), 1000);
    let home = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let mut cmd = satchel(home.path());
    cmd.env("AWS_ACCESS_KEY_ID", &through.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &through.secret_access_key)
        .args(["--endpoint", &through.endpoint, "--region", &through.region, "--path-style", "cp"])
        .args([&format!("s3://{bucket}/big.bin"), dest.path().join("big.bin").to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let child = cmd.spawn().unwrap();
    let started = std::time::Instant::now();
    let names = || std::fs::read_dir(dest.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect::<Vec<_>>();
    while !names().iter().any(|n| n.ends_with(".satchel-part")) {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "no temporary file appeared");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("Stopped"), "{}", stderr(&o));
    assert!(names().is_empty(), "left behind: {:?}", names());
}

/// A journal damaged on disk (a full disk, a crash while it was copied) never fails an upload: it
/// is set aside with a note, a new one is started, and the object arrives whole.
#[tokio::test]
async fn a_damaged_resume_journal_is_set_aside_and_the_upload_goes_on() {
    let g = &garage().server;
    let bucket = unique("journal");
    g.create_bucket(&bucket).await;
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("data")).unwrap();
    std::fs::write(home.path().join("data/transfers.db"), b"garbage, not SQLite ".repeat(500)).unwrap();
    let file = home.path().join("big.bin");
    let body: Vec<u8> = (0..12 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &body).unwrap();
    let o = on_server(home.path(), g, "cp", &[file.to_str().unwrap(), &format!("s3://{bucket}/big.bin"), "--part-size", "5M"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("set aside"), "{}", stderr(&o));
    let got = g.client().get_object().bucket(&bucket).key("big.bin").send().await.unwrap().body.collect().await.unwrap().into_bytes();
    assert!(got.as_ref() == body.as_slice());
    let names: Vec<String> = std::fs::read_dir(home.path().join("data")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().any(|n| n.contains("damaged")) && names.iter().any(|n| n == "transfers.db"), "{names:?}");
}

/// Keys below `prefix` that the server holds now, read with the harness's own client.
async fn keys_below(s: &satchel_harness::S3Server, bucket: &str, prefix: &str) -> Vec<String> {
    let out = s.client().list_objects_v2().bucket(bucket).prefix(prefix).send().await.unwrap();
    let mut keys: Vec<String> = out.contents().iter().filter_map(|o| o.key().map(str::to_string)).collect();
    keys.sort();
    keys
}

fn set_mtime(path: &Path, t: std::time::SystemTime) {
    std::fs::File::options().write(true).open(path).unwrap().set_modified(t).unwrap();
}

async fn sync_up_on(s: &satchel_harness::S3Server) {
    let bucket = unique("syncup");
    s.create_bucket(&bucket).await;
    s.client().put_object().bucket(&bucket).key("p/keep.tmp").body(b"theirs".to_vec().into()).send().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    // Not `data`: that is Satchel's own data folder in these tests.
    let dir = home.path().join("folder");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.txt"), "alpha").unwrap();
    std::fs::write(dir.join("sub/b.txt"), "bravo").unwrap();
    std::fs::write(dir.join("scratch.tmp"), "not sent").unwrap();
    let (src, dst) = (dir.to_str().unwrap(), format!("s3://{bucket}/p/"));
    let sync = |extra: &[&str]| {
        let mut args = vec![src, dst.as_str(), "--exclude", "*.tmp", "--json"];
        args.extend_from_slice(extra);
        on_server(home.path(), s, "sync", &args)
    };

    let o = sync(&["--dry-run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["send"].as_array().unwrap().len(), 2);
    assert_eq!(keys_below(s, &bucket, "p/").await, ["p/keep.tmp"], "a dry run sends nothing");

    let o = sync(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["sent"], 2);
    assert_eq!(keys_below(s, &bucket, "p/").await, ["p/a.txt", "p/keep.tmp", "p/sub/b.txt"]);

    let o = sync(&[]);
    assert_eq!((stdout_json(&o)["sent"].as_u64(), stdout_json(&o)["unchanged"].as_u64()), (Some(0), Some(2)), "nothing changed, nothing sent: {}", String::from_utf8_lossy(&o.stdout));

    // a.txt changes size; b.txt keeps its size but is modified later than its upload.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(dir.join("a.txt"), "alpha, longer").unwrap();
    std::fs::write(dir.join("sub/b.txt"), "BRAVO").unwrap();
    set_mtime(&dir.join("sub/b.txt"), std::time::SystemTime::now() + std::time::Duration::from_secs(2));
    let o = sync(&["--dry-run"]);
    let reasons: Vec<String> = stdout_json(&o)["send"].as_array().unwrap().iter().map(|e| e["reason"].as_str().unwrap().to_string()).collect();
    assert_eq!(reasons, ["size", "newer"]);
    let o = sync(&[]);
    assert_eq!(stdout_json(&o)["sent"], 2, "{}", stderr(&o));
    let b = s.client().get_object().bucket(&bucket).key("p/sub/b.txt").send().await.unwrap().body.collect().await.unwrap().into_bytes();
    assert_eq!(b.as_ref(), b"BRAVO");

    // By checksum: a touched file with the same bytes stays; other bytes of the same size, older
    // than the object (the time rule would keep it), go.
    set_mtime(&dir.join("sub/b.txt"), std::time::SystemTime::now() + std::time::Duration::from_secs(60));
    std::fs::write(dir.join("a.txt"), "ALPHA, LONGER").unwrap();
    set_mtime(&dir.join("a.txt"), std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000));
    let o = sync(&["--dry-run"]);
    let plan = stdout_json(&o);
    let keys: Vec<&str> = plan["send"].as_array().unwrap().iter().map(|e| e["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["p/sub/b.txt"], "by time: the touched file only");
    let o = sync(&["--checksum"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!((stdout_json(&o)["sent"].as_u64(), stdout_json(&o)["unchanged"].as_u64()), (Some(1), Some(1)), "{}", String::from_utf8_lossy(&o.stdout));
    let a = s.client().get_object().bucket(&bucket).key("p/a.txt").send().await.unwrap().body.collect().await.unwrap().into_bytes();
    assert_eq!(a.as_ref(), b"ALPHA, LONGER");

    // Gone locally: kept without --delete, removed with it; what the filters leave out is never removed.
    std::fs::remove_file(dir.join("sub/b.txt")).unwrap();
    let o = sync(&[]);
    assert_eq!(stdout_json(&o)["deleted"], 0);
    assert!(keys_below(s, &bucket, "p/").await.contains(&"p/sub/b.txt".to_string()));
    let o = sync(&["--delete"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["deleted"], 1);
    assert_eq!(keys_below(s, &bucket, "p/").await, ["p/a.txt", "p/keep.tmp"]);
}

async fn sync_down_on(s: &satchel_harness::S3Server) {
    let bucket = unique("syncdown");
    s.create_bucket(&bucket).await;
    for (k, v) in [("p/a.txt", "alpha"), ("p/sub/b.txt", "bravo"), ("p/x.tmp", "left out")] {
        s.client().put_object().bucket(&bucket).key(k).body(v.as_bytes().to_vec().into()).send().await.unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("local");
    let (src, dst) = (format!("s3://{bucket}/p/"), dir.to_str().unwrap().to_string());
    let sync = |extra: &[&str]| {
        let mut args = vec![src.as_str(), dst.as_str(), "--exclude", "*.tmp", "--json"];
        args.extend_from_slice(extra);
        on_server(home.path(), s, "sync", &args)
    };
    let o = sync(&["--dry-run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!dir.join("a.txt").exists(), "a dry run writes nothing");

    let o = sync(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["sent"], 2);
    assert_eq!(std::fs::read_to_string(dir.join("sub/b.txt")).unwrap(), "bravo");
    assert!(!dir.join("x.tmp").exists());
    let o = sync(&[]);
    assert_eq!((stdout_json(&o)["sent"].as_u64(), stdout_json(&o)["unchanged"].as_u64()), (Some(0), Some(2)), "{}", stderr(&o));

    // Rewritten on the server with the same size, a second later: newer, fetched again.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    s.client().put_object().bucket(&bucket).key("p/a.txt").body(b"ALPHA".to_vec().into()).send().await.unwrap();
    std::fs::write(dir.join("mine.txt"), "local only").unwrap();
    let o = sync(&[]);
    assert_eq!(stdout_json(&o)["sent"], 1, "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.join("a.txt")).unwrap(), "ALPHA");
    assert!(dir.join("mine.txt").exists(), "kept without --delete");
    let o = sync(&["--delete"]);
    assert_eq!(stdout_json(&o)["deleted"], 1, "{}", stderr(&o));
    assert!(!dir.join("mine.txt").exists());
    assert!(dir.join("sub/b.txt").exists());

    // By checksum: a local file changed to other bytes of the same size, dated after the object,
    // is fetched again (the time rule keeps it); one only touched is left alone.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
    std::fs::write(dir.join("a.txt"), "alpha").unwrap();
    set_mtime(&dir.join("a.txt"), later);
    set_mtime(&dir.join("sub/b.txt"), later);
    let o = sync(&["--dry-run"]);
    assert!(stdout_json(&o)["send"].as_array().unwrap().is_empty(), "by time, nothing: {}", String::from_utf8_lossy(&o.stdout));
    let o = sync(&["--checksum", "--dry-run"]);
    let send = stdout_json(&o)["send"].clone();
    assert_eq!((send.as_array().unwrap().len(), send[0]["reason"].as_str()), (1, Some("checksum")), "{send}");
    let o = sync(&["--checksum"]);
    assert_eq!((stdout_json(&o)["sent"].as_u64(), stdout_json(&o)["unchanged"].as_u64()), (Some(1), Some(1)), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.join("a.txt")).unwrap(), "ALPHA");
}

/// Files keep their own times through a round trip: an upload stores each file's time with its
/// object (`mtime`, in rclone's form, read back here with another client), a download gives it
/// back to the file, and a sync down of the unchanged objects fetches nothing even though each
/// object was written after its file's time. An object rewritten from another file of the same
/// size (its kept time differs) is fetched; one rewritten by a tool that keeps no time too.
async fn file_times_on(s: &satchel_harness::S3Server) {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};
    let bucket = unique("times");
    s.create_bucket(&bucket).await;
    let home = tempfile::tempdir().unwrap();
    let (up, down) = (home.path().join("up"), home.path().join("down"));
    std::fs::create_dir_all(up.join("sub")).unwrap();
    std::fs::write(up.join("a.txt"), "alpha").unwrap();
    std::fs::write(up.join("sub/b.txt"), "bravo").unwrap();
    let first = UNIX_EPOCH + Duration::new(1_577_880_000, 123_456_789);
    set_mtime(&up.join("a.txt"), first);
    let prefix = format!("s3://{bucket}/p/");
    let run = |args: &[&str]| {
        let o = on_server(home.path(), s, args[0], &args[1..]);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        o
    };
    run(&["sync", up.to_str().unwrap(), &prefix]);
    let head = s.client().head_object().bucket(&bucket).key("p/a.txt").send().await.unwrap();
    assert_eq!(head.metadata().and_then(|m| m.get("mtime")).map(String::as_str), Some("1577880000.123456789"));

    let o = run(&["sync", &prefix, down.to_str().unwrap(), "--json"]);
    assert_eq!(stdout_json(&o)["sent"], 2);
    let mtime = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    assert_eq!(mtime(&down.join("a.txt")), first, "the file's own time, not the upload's");
    assert_eq!(mtime(&down.join("sub/b.txt")), mtime(&up.join("sub/b.txt")));
    let o = run(&["sync", &prefix, down.to_str().unwrap(), "--json"]);
    assert_eq!((stdout_json(&o)["sent"].as_u64(), stdout_json(&o)["unchanged"].as_u64()), (Some(0), Some(2)), "{}", String::from_utf8_lossy(&o.stdout));
    // Nor is anything sent back up from either folder.
    let o = run(&["sync", down.to_str().unwrap(), &prefix, "--json"]);
    assert_eq!(stdout_json(&o)["sent"], 0, "{}", String::from_utf8_lossy(&o.stdout));
    // A plain copy down keeps the time too.
    let one = home.path().join("one.txt");
    run(&["cp", &format!("s3://{bucket}/p/a.txt"), one.to_str().unwrap()]);
    assert_eq!(mtime(&one), first);

    // Another file of the same size, with another time, copied over a.txt: fetched.
    let other = home.path().join("other.txt");
    std::fs::write(&other, "ALPHA").unwrap();
    set_mtime(&other, UNIX_EPOCH + Duration::from_secs(1_600_000_000));
    run(&["cp", other.to_str().unwrap(), &format!("s3://{bucket}/p/a.txt")]);
    // Rewritten by a tool that keeps no time, a second after the downloaded file's time.
    std::thread::sleep(Duration::from_millis(1100));
    s.client().put_object().bucket(&bucket).key("p/sub/b.txt").body(b"BRAVO".to_vec().into()).send().await.unwrap();
    let o = run(&["sync", &prefix, down.to_str().unwrap(), "--json"]);
    assert_eq!((stdout_json(&o)["sent"].as_u64(), stdout_json(&o)["unchanged"].as_u64()), (Some(2), Some(0)), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(std::fs::read_to_string(down.join("a.txt")).unwrap(), "ALPHA");
    assert_eq!(std::fs::read_to_string(down.join("sub/b.txt")).unwrap(), "BRAVO");
    assert_eq!(mtime(&down.join("a.txt")), UNIX_EPOCH + Duration::from_secs(1_600_000_000));
    // Without a kept time, the file takes the object's: the next sync needs no question.
    assert!(mtime(&down.join("sub/b.txt")) > SystemTime::now() - Duration::from_secs(60));
    let o = run(&["sync", &prefix, down.to_str().unwrap(), "--json"]);
    assert_eq!(stdout_json(&o)["sent"], 0, "{}", String::from_utf8_lossy(&o.stdout));
}

/// A sync down asks nothing per object for files this machine sent or fetched itself: after a
/// sync up, syncing the prefix back down into the same folder, and after a download, syncing again,
/// sends no HEAD (the journal knows each file holds its object's version). An object rewritten
/// since by another client (another ETag) is asked about and fetched, and a file changed locally
/// is not taken for the one recorded. Multi-threaded: the proxy serves while the CLI runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_down_of_what_this_machine_sent_or_fetched_asks_nothing_per_object() {
    use std::time::{Duration, UNIX_EPOCH};
    let g = &garage().server;
    let bucket = unique("known");
    g.create_bucket(&bucket).await;
    let proxy = satchel_harness::proxy::FaultProxy::start(g).await;
    let through = proxy.server();
    let home = tempfile::tempdir().unwrap();
    let (up, down) = (home.path().join("up"), home.path().join("down"));
    std::fs::create_dir_all(up.join("sub")).unwrap();
    for (name, body) in [("a.txt", "alpha"), ("b.txt", "bravo"), ("sub/c.txt", "charlie")] {
        std::fs::write(up.join(name), body).unwrap();
        set_mtime(&up.join(name), UNIX_EPOCH + Duration::from_secs(1_600_000_000));
    }
    let prefix = format!("s3://{bucket}/p/");
    let sync = |from: &str, to: &str| {
        let o = on_server(home.path(), &through, "sync", &[from, to, "--json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let r = stdout_json(&o);
        (r["sent"].as_u64().unwrap(), r["unchanged"].as_u64().unwrap())
    };
    // The objects asked about (HEAD of a key, not of the bucket) since the log was `from` long.
    let asked = |from: usize| -> Vec<String> { proxy.log().split_off(from).into_iter().filter(|l| l.starts_with(&format!("HEAD /{bucket}/p/"))).collect() };
    assert_eq!(sync(up.to_str().unwrap(), &prefix), (3, 0));

    // Back down into the folder it came from, named another way: nothing sent, nothing asked.
    let from = proxy.log().len();
    let same_folder = format!("{}/./", up.display());
    assert_eq!(sync(&prefix, &same_folder), (0, 3));
    assert_eq!(asked(from), Vec::<String>::new());

    // Into a new folder: fetched; then again: nothing sent, nothing asked.
    assert_eq!(sync(&prefix, down.to_str().unwrap()), (3, 0));
    let from = proxy.log().len();
    assert_eq!(sync(&prefix, down.to_str().unwrap()), (0, 3));
    assert_eq!(asked(from), Vec::<String>::new());

    // Rewritten by another client with the same size, a second after: asked about, and fetched.
    std::thread::sleep(Duration::from_millis(1100));
    g.client().put_object().bucket(&bucket).key("p/a.txt").body(b"ALPHA".to_vec().into()).send().await.unwrap();
    // And a file changed here to other bytes of the same size, kept at its old time but not
    // its old change: the record (size and time to the nanosecond) no longer vouches for it.
    std::fs::write(down.join("b.txt"), "BRAVO").unwrap();
    set_mtime(&down.join("b.txt"), UNIX_EPOCH + Duration::new(1_600_000_000, 1));
    let from = proxy.log().len();
    assert_eq!(sync(&prefix, down.to_str().unwrap()), (1, 2));
    assert_eq!(std::fs::read_to_string(down.join("a.txt")).unwrap(), "ALPHA");
    // b.txt is asked about too and left (its object keeps the file's time, the same to the
    // second, the time rule's precision); c.txt is not asked about.
    let asked = asked(from);
    assert_eq!(asked.len(), 2, "{asked:#?}");
    assert!(asked.iter().any(|l| l.contains("/p/a.txt")) && asked.iter().any(|l| l.contains("/p/b.txt")), "{asked:#?}");
    assert_eq!(std::fs::read_to_string(down.join("b.txt")).unwrap(), "BRAVO");
}

#[tokio::test]
async fn file_times_survive_a_round_trip_on_moto_and_garage() {
    file_times_on(moto()).await;
    file_times_on(&garage().server).await;
}

#[tokio::test]
async fn sync_up_on_moto_and_garage() {
    sync_up_on(moto()).await;
    sync_up_on(&garage().server).await;
}

#[tokio::test]
async fn sync_down_on_moto_and_garage() {
    sync_down_on(moto()).await;
    sync_down_on(&garage().server).await;
}

#[test]
fn sync_refuses_two_local_sides_and_bad_patterns() {
    let home = tempfile::tempdir().unwrap();
    let mut c = satchel(home.path());
    c.args(["--endpoint", "http://127.0.0.1:9", "sync", "a", "b"]);
    let o = run(c, "");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("One side of sync must be s3://"), "{}", stderr(&o));
    let mut c = satchel(home.path());
    c.args(["--endpoint", "http://127.0.0.1:9", "sync", "a", "s3://b/p/", "--exclude", "["]);
    let o = run(c, "");
    assert!(stderr(&o).contains("isn't a pattern"), "{}", stderr(&o));
}

/// Tried as a new user would: rerunning an interrupted `cp --recursive` sent again every file that
/// had already finished. Killed mid-folder (SIGKILL), the same command sends only what was left;
/// the proxy counts the bytes. Multi-threaded: the proxy must keep serving while a process runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rerun_of_an_interrupted_recursive_cp_sends_only_what_was_left() {
    use satchel_harness::proxy::{Fault, FaultProxy, Match};
    let g = &garage().server;
    let bucket = unique("rerun");
    g.create_bucket(&bucket).await;
    let proxy = FaultProxy::start(g).await;
    let through = proxy.server();
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let n = 12;
    for i in 0..n {
        std::fs::write(src.path().join(format!("f{i:02}.bin")), vec![i as u8; 100_000]).unwrap();
    }
    let dst = format!("s3://{bucket}/set/");
    let args = ["--recursive", src.path().to_str().unwrap(), dst.as_str(), "--concurrency", "1"];
    // Slow requests, one file at a time, so the process is surely mid-folder when it is killed.
    proxy.inject(Match::Any, Fault::Delay(std::time::Duration::from_millis(150)), 1000);
    let mut child = spawn_on_server(home.path(), &through, "cp", &args);
    let started = std::time::Instant::now();
    let finished = |log: Vec<String>| log.iter().filter(|l| l.starts_with("PUT") && l.contains("/set/f") && l.ends_with("200")).count();
    while finished(proxy.log()) < 4 {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "{:#?}", proxy.log());
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let on_server_before = g.client().list_objects_v2().bucket(&bucket).prefix("set/").send().await.unwrap().key_count().unwrap_or(0) as u64;
    assert!(on_server_before >= 4 && on_server_before < n, "{on_server_before}");

    proxy.clear();
    proxy.reset_count();
    let o = on_server(home.path(), &through, "cp", &[args[0], args[1], args[2], "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = stdout_json(&o);
    // The kill may land after the storage stored a file and before the run journalled it: at
    // --concurrency 1 up to two small files are in flight (files open = 2 x concurrency), and
    // those are sent again, nothing else.
    let already = report["already_sent"].as_u64().unwrap();
    assert!(already + 2 >= on_server_before && already <= on_server_before && already >= 2, "{on_server_before} on the server: {report}");
    assert_eq!(proxy.body_bytes(), (n - already) * 100_000, "only the files left crossed the proxy");
    for i in 0..n {
        assert_eq!(g.get(&bucket, &format!("set/f{i:02}.bin")).await, vec![i as u8; 100_000]);
    }
    // Finished: the record is gone, so the same command is a full copy again (cp copies).
    proxy.reset_count();
    let o = on_server(home.path(), &through, "cp", &[args[0], args[1], args[2], "--json"]);
    assert_eq!(stdout_json(&o)["files"].as_u64().unwrap(), n);
    assert_eq!(proxy.body_bytes(), n * 100_000);
}

/// `cp` and `mv` between S3 locations, server-side: one key to a named key or into a prefix, and
/// `--recursive` by relative paths; bytes, metadata and tags read back with a plain client. A
/// move leaves no source behind; copying a prefix into itself is refused before anything happens.
async fn s3_to_s3_on(s: &satchel_harness::S3Server, tagged: bool) {
    let (a, b) = (unique("cpa"), unique("cpb"));
    s.create_bucket(&a).await;
    s.create_bucket(&b).await;
    let c = s.client();
    for (key, body) in [("data/x.csv", "x,1\n"), ("data/sub/y.csv", "y,2\n"), ("other.txt", "other")] {
        let req = c.put_object().bucket(&a).key(key).body(body.as_bytes().to_vec().into()).metadata("origin", "lab");
        let req = if tagged { req.tagging("team=blue") } else { req };
        req.send().await.unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    let read = |bucket: &str, key: &str| {
        let (c, bucket, key) = (c.clone(), bucket.to_string(), key.to_string());
        async move {
            let o = c.get_object().bucket(&bucket).key(&key).send().await.unwrap();
            let meta = o.metadata().and_then(|m| m.get("origin").cloned());
            (String::from_utf8(o.body.collect().await.unwrap().to_vec()).unwrap(), meta)
        }
    };

    let o = on_server(home.path(), s, "cp", &[&format!("s3://{a}/other.txt"), &format!("s3://{b}/copies/renamed.txt")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&b, "copies/renamed.txt").await, ("other".into(), Some("lab".into())));
    let o = on_server(home.path(), s, "cp", &["--json", &format!("s3://{a}/other.txt"), &format!("s3://{b}/into/")]);
    assert_eq!(stdout_json(&o)["copied"], 1, "{}", stderr(&o));
    assert_eq!(read(&b, "into/other.txt").await.0, "other");

    let o = on_server(home.path(), s, "cp", &["--recursive", &format!("s3://{a}/data"), &format!("s3://{b}/backup/")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(keys_below(s, &b, "backup/").await, vec!["backup/sub/y.csv", "backup/x.csv"]);
    assert_eq!(read(&b, "backup/sub/y.csv").await, ("y,2\n".into(), Some("lab".into())));
    if tagged {
        let t = c.get_object_tagging().bucket(&b).key("backup/x.csv").send().await.unwrap();
        assert_eq!(t.tag_set().iter().map(|t| (t.key(), t.value())).collect::<Vec<_>>(), vec![("team", "blue")]);
    }

    let o = on_server(home.path(), s, "mv", &["--recursive", &format!("s3://{a}/data/"), &format!("s3://{b}/moved/")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "Moved 2 objects.");
    assert_eq!(keys_below(s, &b, "moved/").await, vec!["moved/sub/y.csv", "moved/x.csv"]);
    assert!(keys_below(s, &a, "data/").await.is_empty(), "the sources are gone");

    // Refused before anything is copied.
    let o = on_server(home.path(), s, "cp", &["--recursive", &format!("s3://{b}/backup/"), &format!("s3://{b}/backup/again/")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("inside the source"), "{}", stderr(&o));
    assert!(keys_below(s, &b, "backup/again/").await.is_empty());
    let o = on_server(home.path(), s, "cp", &[&format!("s3://{a}/missing.txt"), &format!("s3://{b}/m.txt")]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("missing.txt"), "{}", stderr(&o));
    let o = on_server(home.path(), s, "mv", &["local.txt", &format!("s3://{b}/m.txt")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[tokio::test]
async fn s3_to_s3_copy_and_move_on_moto() {
    s3_to_s3_on(moto(), true).await;
}

#[tokio::test]
async fn s3_to_s3_copy_and_move_on_garage() {
    s3_to_s3_on(&garage().server, false).await;
}

/// The ranges a proxy log shows answered: "GET /b/k [r] <bytes=0-8388607> -> 206" gives (0, 8388608).
fn ranges_answered(log: &[String]) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = log
        .iter()
        .filter(|l| l.starts_with("GET ") && (l.ends_with("-> 200") || l.ends_with("-> 206")))
        .filter_map(|l| {
            let r = l.split("<bytes=").nth(1)?.split('>').next()?;
            let (a, b) = r.split_once('-')?;
            let (a, b): (u64, u64) = (a.parse().ok()?, b.parse().ok()?);
            Some((a, b + 1 - a))
        })
        .collect();
    out.sort();
    out
}

/// Starts `cp s3://bucket/big.bin <file>` through a new proxy that answers the first three ranged
/// GETs and holds the rest, then kills the process (SIGKILL: nothing cleaned up) once those three
/// are on the disk. Gives back the ranges it had, and the proxy, now passing everything (the
/// journal knows a command-line connection by its endpoint: the next run goes through it too).
async fn download_killed_after_three_ranges(home: &Path, g: &satchel_harness::S3Server, bucket: &str, file: &Path) -> (Vec<(u64, u64)>, satchel_harness::proxy::FaultProxy) {
    use satchel_harness::proxy::{Fault, FaultProxy, Match};
    let proxy = FaultProxy::start(g).await;
    proxy.inject(Match::ObjectGet, Fault::Delay(std::time::Duration::from_millis(1)), 3);
    proxy.inject(Match::ObjectGet, Fault::HoldUntilGate, 1000);
    let mut child = spawn_on_server(home, &proxy.server(), "cp", &[&format!("s3://{bucket}/big.bin"), file.to_str().unwrap()]);
    let started = std::time::Instant::now();
    while ranges_answered(&proxy.log()).len() < 3 {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "{:#?}", proxy.log());
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    // The three answers reach the file and the journal well within this.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!file.exists(), "an unfinished download never takes the file's name");
    let had = ranges_answered(&proxy.log());
    proxy.clear();
    proxy.open_gate();
    // The held requests of the dead process go through now; wait for them before counting anew.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    proxy.reset_count();
    (had, proxy)
}

/// A download killed mid-way goes on from the ranges it had written: the next run asks only for
/// the others, and the file is whole. An object overwritten between the two runs starts over, and
/// says so.
#[tokio::test(flavor = "multi_thread")]
async fn a_killed_download_resumes_from_the_ranges_it_lacks() {
    let g = &garage().server;
    let bucket = unique("dl-killed");
    g.create_bucket(&bucket).await;
    let mib = 1024 * 1024;
    let body: Vec<u8> = (0..44 * mib).map(|i| (i % 251) as u8).collect();
    g.client().put_object().bucket(&bucket).key("big.bin").body(body.clone().into()).send().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = dest.path().join("big.bin");

    let (had, proxy) = download_killed_after_three_ranges(home.path(), g, &bucket, &file).await;
    let o = on_server(home.path(), &proxy.server(), "cp", &[&format!("s3://{bucket}/big.bin"), file.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = stdout_json(&o);
    assert_eq!(report["resumed_bytes"].as_u64().unwrap(), had.iter().map(|r| r.1).sum::<u64>(), "{report}");
    let asked = ranges_answered(&proxy.log());
    assert!(asked.iter().all(|r| !had.contains(r)), "asked again for a range it had: {asked:?} after {had:?}");
    assert_eq!(asked.iter().chain(&had).map(|r| r.1).sum::<u64>(), body.len() as u64, "and for every other: {asked:?} + {had:?}");
    assert_eq!(report["verified"].as_u64(), Some(1), "the whole is checked, resumed ranges included: {report}");
    assert!(std::fs::read(&file).unwrap() == body, "the file is whole");
    let names = || std::fs::read_dir(dest.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect::<Vec<_>>();
    assert_eq!(names(), vec!["big.bin".to_string()], "nothing left beside it");

    // Killed again, then the object is overwritten: the ranges of the old version are dropped.
    std::fs::remove_file(&file).unwrap();
    let (_, proxy) = download_killed_after_three_ranges(home.path(), g, &bucket, &file).await;
    let newer: Vec<u8> = body.iter().map(|b| b.wrapping_add(1)).collect();
    g.client().put_object().bucket(&bucket).key("big.bin").body(newer.clone().into()).send().await.unwrap();
    let o = on_server(home.path(), &proxy.server(), "cp", &[&format!("s3://{bucket}/big.bin"), file.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = stdout_json(&o);
    assert_eq!(report["resumed_bytes"].as_u64(), Some(0), "{report}");
    assert_eq!(report["restarted"], serde_json::json!(["big.bin"]), "{report}");
    assert!(stderr(&o).contains("changed since its interrupted download"), "{}", stderr(&o));
    assert!(std::fs::read(&file).unwrap() == newer);
    assert_eq!(names(), vec!["big.bin".to_string()], "the old version's file is gone too");
}

/// Between two storages (moto, then a saved garage connection): the bytes go through Satchel, a
/// large object in parts; content type, metadata and tags come along; a move removes the source
/// only once its copy is in the other storage.
#[tokio::test(flavor = "multi_thread")]
async fn copy_and_move_across_two_connections() {
    let (m, g) = (moto(), &garage().server);
    let (a, b) = (unique("from-moto"), unique("to-garage"));
    m.create_bucket(&a).await;
    g.create_bucket(&b).await;
    let big: Vec<u8> = (0..20 * 1024 * 1024).map(|i| (i % 253) as u8).collect();
    for (key, body) in [("data/x.csv", b"x,1\n".to_vec()), ("data/sub/big.bin", big.clone())] {
        m.client().put_object().bucket(&a).key(key).body(body.into()).metadata("origin", "lab").content_type("text/csv").tagging("team=blue").send().await.unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    let mut add = satchel(home.path());
    add.args(["--endpoint", &g.endpoint, "--region", &g.region, "--path-style"]).args(["connection", "add", "archive", "--access-key-id", &g.access_key_id]);
    let o = run(add, &format!("{}\n", g.secret_access_key));
    assert!(o.status.success(), "{}", stderr(&o));

    let o = on_server(home.path(), m, "cp", &["--recursive", "--json", &format!("s3://{a}/data/"), &format!("s3://{b}/copy/"), "--to-connection", "archive"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["copied"], 2);
    let got = g.client().get_object().bucket(&b).key("copy/sub/big.bin").send().await.unwrap();
    assert_eq!(got.metadata().and_then(|md| md.get("origin")).map(String::as_str), Some("lab"));
    assert_eq!(got.content_type(), Some("text/csv"));
    assert!(got.body.collect().await.unwrap().into_bytes() == big, "the large object arrived whole");
    assert_eq!(keys_below(m, &a, "data/").await.len(), 2, "a copy leaves the source");

    // garage keeps no object tags: they are compared on a second storage that does (moto again,
    // through a saved connection of its own, so the bytes still go through Satchel).
    let mut add = satchel(home.path());
    add.env("AWS_ACCESS_KEY_ID", &m.access_key_id).env("AWS_SECRET_ACCESS_KEY", &m.secret_access_key);
    add.args(["--endpoint", &m.endpoint, "--region", &m.region, "--path-style"]).args(["connection", "add", "mirror", "--env"]);
    let o = run(add, "");
    assert!(o.status.success(), "{}", stderr(&o));
    let c = unique("mirror");
    m.create_bucket(&c).await;
    let o = on_server(home.path(), m, "cp", &["--recursive", &format!("s3://{a}/data/"), &format!("s3://{c}/"), "--to-connection", "mirror"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for key in ["x.csv", "sub/big.bin"] {
        let tags = m.client().get_object_tagging().bucket(&c).key(key).send().await.unwrap();
        assert_eq!(tags.tag_set().iter().map(|t| (t.key(), t.value())).collect::<Vec<_>>(), vec![("team", "blue")], "{key}");
    }

    let o = on_server(home.path(), m, "mv", &[&format!("s3://{a}/data/x.csv"), &format!("s3://{b}/moved.csv"), "--to-connection", "archive"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(g.get(&b, "moved.csv").await, b"x,1\n");
    assert_eq!(keys_below(m, &a, "data/").await, vec!["data/sub/big.bin"], "moved: the source is gone");

    // A connection that doesn't exist: one line, nothing copied.
    let o = on_server(home.path(), m, "cp", &[&format!("s3://{a}/data/sub/big.bin"), &format!("s3://{b}/nope.bin"), "--to-connection", "nowhere"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
}

/// Versioning on and suspended, read back by moto; three versions of a key, deleted, undeleted, the
/// first restored (its bytes read back independently, every other version still there), one
/// deleted for good; a folder's deleted files undeleted at once; bad input sends nothing.
#[tokio::test]
async fn versions_are_listed_restored_undeleted_and_deleted() {
    let m = moto();
    let bucket = unique("versions");
    m.create_bucket(&bucket).await;
    let home = tempfile::tempdir().unwrap();
    let sat = |command: &str, extra: &[&str]| on_server(home.path(), m, command, extra);
    // moto names the document's root element wrongly, which the SDK refuses: read the raw status.
    let status = || async {
        match m.client().get_bucket_versioning().bucket(&bucket).send().await {
            Ok(v) => v.status().map(|s| s.as_str().to_string()),
            Err(e) => {
                let body = String::from_utf8_lossy(e.raw_response().and_then(|r| r.body().bytes()).unwrap_or_default()).into_owned();
                body.split("<Status>").nth(1).and_then(|rest| rest.split("</Status>").next()).map(str::to_string)
            }
        }
    };

    let o = sat("bucket", &["set", &bucket, "versioning", "suspended"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("never enabled"), "{}", stderr(&o));
    let o = sat("bucket", &["set", &bucket, "versioning", "off-ish"]);
    assert!(stderr(&o).contains("on or suspended"), "{}", stderr(&o));
    assert!(sat("bucket", &["set", &bucket, "versioning", "on"]).status.success());
    assert_eq!(status().await.as_deref(), Some("Enabled"));
    let o = sat("bucket", &["get", &bucket, "versioning", "--json"]);
    assert_eq!(stdout_json(&o)["versioning"]["state"], "enabled");

    for body in ["first", "second", "third"] {
        m.put(&bucket, "notes.txt", body.as_bytes()).await;
    }
    m.client().delete_object().bucket(&bucket).key("notes.txt").send().await.unwrap();
    let list = |target: &str| -> Vec<Value> {
        let o = sat("version", &["ls", target, "--recursive", "--json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    let versions = list(&format!("s3://{bucket}/notes.txt"));
    assert_eq!(versions.len(), 4, "{versions:?}");
    assert_eq!(versions[0]["is_delete_marker"], true);
    assert_eq!(versions[0]["is_latest"], true);
    let first = versions[3]["version_id"].as_str().unwrap().to_string();
    // An older version downloads as it was, even while the key is deleted.
    let second = versions[2]["version_id"].as_str().unwrap().to_string();
    let got = home.path().join("second.txt");
    let o = sat("cp", &[&format!("s3://{bucket}/notes.txt"), got.to_str().unwrap(), "--version-id", &second]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&got).unwrap(), b"second");
    let o = sat("cp", &[&format!("s3://{bucket}/notes.txt"), home.path().join("none.txt").to_str().unwrap(), "--version-id", "no-such-version"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!home.path().join("none.txt").exists());
    let o = sat("cp", &["--recursive", &format!("s3://{bucket}/"), home.path().join("all").to_str().unwrap(), "--version-id", &second]);
    assert!(stderr(&o).contains("doesn't go with --recursive"), "{}", stderr(&o));
    let o = sat("version", &["ls", &format!("s3://{bucket}/notes.txt")]);
    assert!(String::from_utf8_lossy(&o.stdout).lines().next().unwrap().contains("deleted"), "{}", String::from_utf8_lossy(&o.stdout));

    let o = sat("undelete", &[&format!("s3://{bucket}/notes.txt")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(m.get(&bucket, "notes.txt").await, b"third");
    let o = sat("version", &["restore", &format!("s3://{bucket}/notes.txt"), "--version-id", &first]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(m.get(&bucket, "notes.txt").await, b"first");
    let held = m.client().list_object_versions().bucket(&bucket).prefix("notes.txt").send().await.unwrap();
    assert_eq!(held.versions().len(), 4, "the three versions and the restored copy");
    assert_eq!(held.delete_markers().len(), 0);

    let o = sat("version", &["rm", &format!("s3://{bucket}/notes.txt"), "--version-id", "no-such-version"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("has no version \"no-such-version\""), "{}", stderr(&o));
    let o = sat("version", &["rm", &format!("s3://{bucket}/notes.txt"), "--version-id", &first, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let held = m.client().list_object_versions().bucket(&bucket).prefix("notes.txt").send().await.unwrap();
    assert!(held.versions().iter().all(|v| v.version_id() != Some(first.as_str())));
    assert_eq!(held.versions().len(), 3);

    for k in ["logs/a.txt", "logs/b.txt", "logs/deep/c.txt", "other.txt"] {
        m.put(&bucket, k, b"x").await;
        m.client().delete_object().bucket(&bucket).key(k).send().await.unwrap();
    }
    let o = sat("undelete", &[&format!("s3://{bucket}/logs/")]);
    assert!(stderr(&o).contains("--recursive"), "{}", stderr(&o));
    let o = sat("undelete", &[&format!("s3://{bucket}/logs"), "--recursive", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["restored"], 3);
    let mut keys = m.keys(&bucket).await;
    keys.sort();
    assert_eq!(keys, ["logs/a.txt", "logs/b.txt", "logs/deep/c.txt", "notes.txt"], "other.txt stays deleted");

    assert!(sat("bucket", &["set", &bucket, "versioning", "suspended"]).status.success());
    assert_eq!(status().await.as_deref(), Some("Suspended"));
    let o = sat("audit", &["--bucket", &bucket, "--json"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("versioning"), "{}", String::from_utf8_lossy(&o.stdout));
}

/// Default encryption SSE-KMS with a bucket key, read back by moto; a malformed key sends nothing.
#[tokio::test]
async fn default_encryption_is_set_and_read_back() {
    let m = moto();
    let bucket = unique("encryption");
    m.create_bucket(&bucket).await;
    let home = tempfile::tempdir().unwrap();
    let sat = |extra: &[&str]| on_server(home.path(), m, "bucket", extra);
    let held = || async {
        let out = m.client().get_bucket_encryption().bucket(&bucket).send().await.ok()?;
        let rule = out.server_side_encryption_configuration()?.rules().first()?.clone();
        let d = rule.apply_server_side_encryption_by_default()?;
        Some((d.sse_algorithm().as_str().to_string(), d.kms_master_key_id().map(str::to_string), rule.bucket_key_enabled()))
    };
    let o = sat(&["set", &bucket, "encryption", "sse-kms:alias/data-lake", "--bucket-key", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["encryption"]["kind"], "sse_kms");
    assert_eq!(held().await, Some(("aws:kms".into(), Some("alias/data-lake".into()), Some(true))));
    let o = sat(&["set", &bucket, "encryption", "sse-kms:not a key"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("isn't a KMS key"), "{}", stderr(&o));
    assert_eq!(held().await.unwrap().1.as_deref(), Some("alias/data-lake"), "nothing was sent");
    assert!(sat(&["set", &bucket, "encryption", "sse-s3"]).status.success());
    assert_eq!(held().await.unwrap().0, "AES256");
    let o = sat(&["get", &bucket, "encryption"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("SSE-S3"), "{}", String::from_utf8_lossy(&o.stdout));
}

/// Object lock: the default retention set and removed, a bucket without lock refused; a version's
/// legal hold and retention set, read back by moto; shortening governance needs the bypass flag.
#[tokio::test]
async fn object_lock_default_and_per_object_retention() {
    let m = moto();
    let bucket = unique("locked");
    m.client().create_bucket().bucket(&bucket).object_lock_enabled_for_bucket(true).send().await.unwrap();
    let plain = unique("unlocked");
    m.create_bucket(&plain).await;
    let home = tempfile::tempdir().unwrap();
    let sat = |command: &str, extra: &[&str]| on_server(home.path(), m, command, extra);

    let o = sat("bucket", &["set", &bucket, "object-lock", "--mode", "governance", "--days", "30"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("locked for 30 days in governance mode"), "{}", String::from_utf8_lossy(&o.stdout));
    let conf = m.client().get_object_lock_configuration().bucket(&bucket).send().await.unwrap();
    let d = conf.object_lock_configuration().unwrap().rule().unwrap().default_retention().unwrap();
    assert_eq!((d.mode().map(|m| m.as_str()), d.days()), (Some("GOVERNANCE"), Some(30)));
    for bad in [&["--mode", "governance", "--days", "0"][..], &["--mode", "forever", "--days", "3"], &["--mode", "governance"]] {
        let o = sat("bucket", &[&["set", &bucket, "object-lock"][..], bad].concat());
        assert_eq!(o.status.code(), Some(1), "{bad:?}");
    }
    let o = sat("bucket", &["set", &plain, "object-lock", "--mode", "governance", "--days", "1"]);
    assert!(stderr(&o).contains("created without object lock"), "{}", stderr(&o));
    m.put(&plain, "loose.txt", b"x").await;
    let o = sat("retention", &["set", &format!("s3://{plain}/loose.txt"), "--legal-hold", "on"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("created without object lock"), "{}", stderr(&o));

    // (moto refuses to change the default retention of a bucket that holds objects; S3 doesn't.)
    let o = sat("bucket", &["set", &bucket, "object-lock", "--none"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let conf = m.client().get_object_lock_configuration().bucket(&bucket).send().await.unwrap();
    assert!(conf.object_lock_configuration().unwrap().rule().is_none());
    m.put(&bucket, "contract.pdf", b"%PDF").await;
    let target = format!("s3://{bucket}/contract.pdf");
    let o = sat("retention", &["set", &target, "--legal-hold", "on", "--mode", "governance", "--until", "2099-01-01", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = stdout_json(&o);
    assert_eq!(v["legal_hold"], true);
    assert_eq!(v["mode"], "governance");
    // moto answers GetObjectLegalHold on a held object with the object itself: read the HEAD.
    let head = m.client().head_object().bucket(&bucket).key("contract.pdf").send().await.unwrap();
    assert_eq!(head.object_lock_legal_hold_status().map(|s| s.as_str()), Some("ON"));
    assert_eq!(head.object_lock_mode().map(|s| s.as_str()), Some("GOVERNANCE"));
    assert_eq!(head.object_lock_retain_until_date().unwrap().secs(), 4_070_908_800, "2099-01-01T00:00:00Z");

    let o = sat("retention", &["set", &target, "--mode", "governance", "--until", "2098-01-01"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--bypass-governance-retention"), "{}", stderr(&o));
    let o = sat("retention", &["set", &target, "--mode", "governance", "--until", "2098-01-01", "--bypass-governance-retention"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = sat("retention", &["set", &target, "--legal-hold", "off"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = sat("retention", &["get", &target]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("until 2098-01-01"), "{}", String::from_utf8_lossy(&o.stdout));
    let o = sat("retention", &["set", &target, "--until", "tomorrow", "--mode", "governance"]);
    assert!(stderr(&o).contains("isn't a date"), "{}", stderr(&o));

}

/// Lifecycle rules from the aws-cli document, read back by moto and as sentences; a refused rule
/// exits non-zero naming it and leaves the rules as they were; the abort rule keeps the others.
#[tokio::test]
async fn lifecycle_rules_are_checked_set_and_said() {
    let m = moto();
    let bucket = unique("lifecycle");
    m.create_bucket(&bucket).await;
    let home = tempfile::tempdir().unwrap();
    let sat = |extra: &[&str]| on_server(home.path(), m, "bucket", extra);
    let rule_ids = || async {
        match m.client().get_bucket_lifecycle_configuration().bucket(&bucket).send().await {
            Ok(out) => out.rules().iter().filter_map(|r| r.id().map(str::to_string)).collect::<Vec<_>>(),
            Err(_) => Vec::new(),
        }
    };
    let o = sat(&["get", &bucket, "lifecycle"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("No rule aborts unfinished uploads"), "{}", String::from_utf8_lossy(&o.stdout));

    let file = home.path().join("rules.json");
    std::fs::write(
        &file,
        r#"{"Rules": [{"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
            "Transitions": [{"Days": 90, "StorageClass": "GLACIER"}], "Expiration": {"Days": 365}}]}"#,
    )
    .unwrap();
    let o = sat(&["set", &bucket, "lifecycle", "--file", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(rule_ids().await, ["logs"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out.contains("Objects under logs/ move to Glacier Flexible Retrieval after 90 days and are deleted after 365 days"), "{out}");

    std::fs::write(&file, r#"{"Rules": [{"ID": "too-soon", "Status": "Enabled", "Filter": {}, "Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}]}]}"#).unwrap();
    let o = sat(&["set", &bucket, "lifecycle", "--file", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("too-soon") && stderr(&o).contains("30"), "{}", stderr(&o));
    assert_eq!(rule_ids().await, ["logs"], "nothing was sent");
    std::fs::write(&file, "{not json").unwrap();
    assert_eq!(sat(&["set", &bucket, "lifecycle", "--file", file.to_str().unwrap()]).status.code(), Some(1));
    assert_eq!(sat(&["set", &bucket, "lifecycle", "--abort-incomplete-uploads-after", "0"]).status.code(), Some(1));

    let o = sat(&["set", &bucket, "lifecycle", "--abort-incomplete-uploads-after", "7", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout_json(&o)["suggestion"].is_null());
    let mut ids = rule_ids().await;
    ids.sort();
    assert_eq!(ids, ["logs", "satchel-abort-incomplete-uploads"]);
    let o = sat(&["get", &bucket, "lifecycle", "--json"]);
    assert_eq!(stdout_json(&o)["lifecycle"]["Rules"].as_array().unwrap().len(), 2);

    assert!(sat(&["set", &bucket, "lifecycle", "--delete"]).status.success());
    assert!(rule_ids().await.is_empty());
    let o = on_server(home.path(), m, "audit", &["--bucket", &bucket]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().filter(|l| l.contains("  lifecycle  ")).count(), 3, "{}", String::from_utf8_lossy(&o.stdout));
}

/// An archived object: reading it says to restore it first; a restore is asked for (moto restores
/// at once) and its status read; a folder's archived objects are restored together; bad input
/// sends nothing.
#[tokio::test]
async fn archived_objects_are_restored_and_their_status_shown() {
    let m = moto();
    let bucket = unique("archive");
    m.create_bucket(&bucket).await;
    let put = |key: &'static str, class: aws_sdk_s3::types::StorageClass| {
        let c = m.client();
        let bucket = bucket.clone();
        async move { c.put_object().bucket(&bucket).key(key).storage_class(class).body(b"cold".to_vec().into()).send().await.unwrap() }
    };
    use aws_sdk_s3::types::StorageClass;
    put("cold.txt", StorageClass::Glacier).await;
    put("deep.txt", StorageClass::DeepArchive).await;
    put("old/a.txt", StorageClass::Glacier).await;
    put("old/b.txt", StorageClass::Glacier).await;
    put("old/warm.txt", StorageClass::Standard).await;
    let home = tempfile::tempdir().unwrap();
    let sat = |command: &str, extra: &[&str]| on_server(home.path(), m, command, extra);

    let o = sat("archive", &["status", &format!("s3://{bucket}/cold.txt"), "--json"]);
    assert_eq!(stdout_json(&o)["archived"], true);
    let o = sat("cp", &[&format!("s3://{bucket}/cold.txt"), home.path().join("cold.txt").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("Restore it from the archive first"), "{}", stderr(&o));
    assert!(!home.path().join("cold.txt").exists());
    // A folder's download names its archived keys, for the app to offer their restore.
    let o = sat("--json", &["cp", "--recursive", &format!("s3://{bucket}/old/"), home.path().join("old").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let report: Value = String::from_utf8_lossy(&o.stdout).lines().find_map(|l| serde_json::from_str::<Value>(l).ok().filter(|v| v.get("archived").is_some())).unwrap();
    let mut archived: Vec<&str> = report["archived"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    archived.sort();
    assert_eq!(archived, ["old/a.txt", "old/b.txt"], "{report}");
    assert_eq!(report["files"], 1, "the warm file came down");

    for (bad, says) in [
        (&["--days", "0"][..], "1 day or more"),
        (&["--days", "3", "--tier", "fastest"], "standard, bulk or expedited"),
    ] {
        let o = sat("archive", &[&["restore", &format!("s3://{bucket}/cold.txt")][..], bad].concat());
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    }
    let o = sat("archive", &["restore", &format!("s3://{bucket}/deep.txt"), "--days", "1", "--tier", "expedited"]);
    assert!(stderr(&o).contains("no expedited"), "{}", stderr(&o));
    let head = m.client().head_object().bucket(&bucket).key("cold.txt").send().await.unwrap();
    assert!(head.restore().is_none(), "nothing was sent");

    let o = sat("archive", &["restore", &format!("s3://{bucket}/cold.txt"), "--days", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("3 to 5 hours"), "{}", String::from_utf8_lossy(&o.stdout));
    let head = m.client().head_object().bucket(&bucket).key("cold.txt").send().await.unwrap();
    assert!(head.restore().is_some(), "moto holds the restore");
    let o = sat("archive", &["status", &format!("s3://{bucket}/cold.txt"), "--json"]);
    let st = stdout_json(&o);
    assert!(st["readable_until"].is_string() || st["restoring"] == true, "{st}");

    let o = sat("archive", &["restore", &format!("s3://{bucket}/old"), "--recursive", "--days", "2", "--tier", "bulk", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = stdout_json(&o);
    assert_eq!((r["requested"].as_u64(), r["not_archived"].as_u64()), (Some(2), Some(1)), "{r}");
    for k in ["old/a.txt", "old/b.txt"] {
        assert!(m.client().head_object().bucket(&bucket).key(k).send().await.unwrap().restore().is_some(), "{k}");
    }
    let o = sat("archive", &["restore", &format!("s3://{bucket}/old/warm.txt"), "--days", "2"]);
    assert!(stderr(&o).contains("isn't archived"), "{}", stderr(&o));
}

/// `cp --storage-class --sse`: a small file and a multipart one arrive in the class and with the
/// encryption asked for; a class or encryption that doesn't exist sends nothing.
#[tokio::test]
async fn cp_uploads_in_the_class_and_encryption_asked_for() {
    let m = moto();
    let bucket = unique("classes");
    m.create_bucket(&bucket).await;
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("up");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("small.txt"), b"small").unwrap();
    std::fs::write(dir.join("big.bin"), vec![7u8; 9 * 1024 * 1024]).unwrap();
    let o = on_server(home.path(), m, "cp", &["--recursive", dir.to_str().unwrap(), &format!("s3://{bucket}/in/"), "--storage-class", "standard-ia", "--sse", "sse-kms:alias/data", "--part-size", "5M"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for key in ["in/small.txt", "in/big.bin"] {
        let head = m.client().head_object().bucket(&bucket).key(key).send().await.unwrap();
        assert_eq!(head.storage_class().map(|c| c.as_str()), Some("STANDARD_IA"), "{key}");
        assert_eq!(head.server_side_encryption().map(|c| c.as_str()), Some("aws:kms"), "{key}");
        assert!(head.ssekms_key_id().is_some(), "{key}: the KMS key is named");
    }
    let file = dir.join("small.txt");
    for (flags, says) in [
        (&["--storage-class", "FROZEN"][..], "isn't a storage class"),
        (&["--sse", "sse-c:mine"], "no customer key named \"mine\""),
        (&["--sse", "aes"], "sse-s3, sse-kms"),
    ] {
        let o = on_server(home.path(), m, "cp", &[&[file.to_str().unwrap(), &format!("s3://{bucket}/refused.txt")][..], flags].concat());
        assert_eq!(o.status.code(), Some(1), "{flags:?}");
        assert!(stderr(&o).contains(says), "{flags:?}: {}", stderr(&o));
    }
    assert!(m.client().head_object().bucket(&bucket).key("refused.txt").send().await.is_err(), "nothing was sent");
}

/// SSE-C on garage: a generated key kept in the keychain (never in Satchel's files or output)
/// encrypts a small and a multipart upload; the storage refuses to read them without the key and
/// an independent client reads them back byte for byte with it; downloads and server-side copies
/// find the key themselves; once the key is removed a download says a customer key is needed. Bad
/// keys and unknown names send nothing.
#[tokio::test]
async fn customer_keys_encrypt_uploads_and_open_reads() {
    use aws_sdk_s3::primitives::ByteStream;
    let g = &garage().server;
    let bucket = unique("ssec");
    g.create_bucket(&bucket).await;
    let home = tempfile::tempdir().unwrap();
    let name = unique("key");

    let o = on_server(home.path(), g, "key", &["add", &name, "--generate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("satchel key export"), "the loss warning: {}", stderr(&o));
    let exported = home.path().join("backup/key.txt");
    std::fs::create_dir_all(exported.parent().unwrap()).unwrap();
    let o = on_server(home.path(), g, "key", &["export", &name, "--to", exported.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let key_b64 = std::fs::read_to_string(&exported).unwrap().trim().to_string();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&exported).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let o = on_server(home.path(), g, "--json", &["key", "ls"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let listed = stdout_json(&o);
    assert_eq!(listed["name"], name.as_str());
    assert!(!String::from_utf8_lossy(&o.stdout).contains(&key_b64));
    for text in walk_text(&home.path().join("config")).iter().chain(walk_text(&home.path().join("data")).iter()) {
        assert!(!text.contains(&key_b64), "the key was written to a Satchel file");
    }

    let small = home.path().join("small.txt");
    std::fs::write(&small, b"secret numbers").unwrap();
    let big: Vec<u8> = (0..11 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let big_file = home.path().join("big.bin");
    std::fs::write(&big_file, &big).unwrap();
    let sse = format!("sse-c:{name}");
    for (file, key) in [(&small, "s.txt"), (&big_file, "big.bin")] {
        let o = on_server(home.path(), g, "cp", &[file.to_str().unwrap(), &format!("s3://{bucket}/{key}"), "--sse", &sse, "--part-size", "5M"]);
        assert!(o.status.success(), "{key}: {}", stderr(&o));
    }

    let c = g.client();
    let md5 = {
        use md5::Digest;
        aws_smithy_types::base64::encode(md5::Md5::digest(aws_smithy_types::base64::decode(&key_b64).unwrap()))
    };
    let read = |key: &'static str, with_key: bool| {
        let (c, bucket, key_b64, md5) = (c.clone(), bucket.clone(), key_b64.clone(), md5.clone());
        async move {
            let mut get = c.get_object().bucket(&bucket).key(key);
            if with_key {
                get = get.sse_customer_algorithm("AES256").sse_customer_key(key_b64).sse_customer_key_md5(md5);
            }
            match get.send().await {
                Ok(out) => Ok(out.body.collect().await.unwrap().into_bytes().to_vec()),
                Err(e) => Err(format!("{e:?}")),
            }
        }
    };
    assert!(read("s.txt", false).await.is_err(), "garage reads an SSE-C object without its key");
    assert_eq!(read("s.txt", true).await.unwrap(), b"secret numbers");
    assert_eq!(read("big.bin", true).await.unwrap(), big, "the multipart upload reads back byte for byte");

    // Reads find the key: a download, and a server-side copy that keeps the object encrypted. The
    // most talkative logging (the SDK's signer logs each request's headers at trace) shows no key.
    let down = home.path().join("down");
    let mut traced = satchel(home.path());
    traced
        .env("AWS_ACCESS_KEY_ID", &g.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &g.secret_access_key)
        .env("SATCHEL_LOG", "trace")
        .args(["--endpoint", &g.endpoint, "--region", &g.region, "--path-style", "cp", &format!("s3://{bucket}/big.bin"), &format!("{}/", down.display())]);
    let o = run(traced, "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("TRACE"), "it logs at trace");
    assert!(!stderr(&o).contains(&key_b64), "the key was logged");
    assert_eq!(std::fs::read(down.join("big.bin")).unwrap(), big);
    let o = on_server(home.path(), g, "cp", &[&format!("s3://{bucket}/s.txt"), &format!("s3://{bucket}/copy.txt")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read("copy.txt", false).await.is_err(), "the copy is encrypted too");
    assert_eq!(read("copy.txt", true).await.unwrap(), b"secret numbers");

    // Bad input sends nothing.
    let short = aws_smithy_types::base64::encode([1u8; 16]);
    let mut add = satchel(home.path());
    add.env("AWS_ACCESS_KEY_ID", &g.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &g.secret_access_key)
        .args(["--endpoint", &g.endpoint, "--region", &g.region, "--path-style", "key", "add", "short", "--stdin"]);
    let o = run(add, &format!("{short}\n"));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("32 bytes"), "{}", stderr(&o));
    for (flags, says) in [(&["--sse", "sse-c:nope"][..], "no customer key named"), (&["--sse", "sse-c"], "sse-c:NAME")] {
        let o = on_server(home.path(), g, "cp", &[&[small.to_str().unwrap(), &format!("s3://{bucket}/refused.txt")][..], flags].concat());
        assert_eq!(o.status.code(), Some(1), "{flags:?}");
        assert!(stderr(&o).contains(says), "{flags:?}: {}", stderr(&o));
    }
    assert!(c.head_object().bucket(&bucket).key("refused.txt").send().await.is_err(), "nothing was sent");
    c.put_object().bucket(&bucket).key("plain.txt").body(ByteStream::from_static(b"plain")).send().await.unwrap();

    // Without the key, a download says what is missing, and leaves no file.
    let o = on_server(home.path(), g, "key", &["rm", &name]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lost = home.path().join("lost.txt");
    let o = on_server(home.path(), g, "cp", &[&format!("s3://{bucket}/s.txt"), lost.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("customer key"), "{}", stderr(&o));
    assert!(!lost.exists());
}

/// Garage takes a storage class and keeps STANDARD: the first upload says so afterwards, and the
/// next one asking for a class is refused before anything is sent.
#[tokio::test]
async fn a_class_the_storage_ignored_is_refused_before_sending_next_time() {
    let g = &garage().server;
    let bucket = unique("classes");
    g.create_bucket(&bucket).await;
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("a.txt");
    std::fs::write(&file, b"a").unwrap();
    let o = on_server(home.path(), g, "cp", &[file.to_str().unwrap(), &format!("s3://{bucket}/a.txt"), "--storage-class", "standard-ia"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("didn't keep the storage class STANDARD_IA"), "{}", stderr(&o));
    let o = on_server(home.path(), g, "cp", &[file.to_str().unwrap(), &format!("s3://{bucket}/b.txt"), "--storage-class", "standard-ia"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("doesn't keep storage classes") && stderr(&o).contains("Nothing was sent"), "{}", stderr(&o));
    assert!(!g.keys(&bucket).await.contains(&"b.txt".to_string()), "nothing was sent");
    let o = on_server(home.path(), g, "cp", &[file.to_str().unwrap(), &format!("s3://{bucket}/b.txt")]);
    assert!(o.status.success(), "without a class it goes: {}", stderr(&o));
}
