//! Starts the harness's S3 servers for scripts (benchmarks): prints one JSON line per server with
//! its endpoint and keys, then serves until stdin closes or the process is killed.
//!
//! Usage: test-servers garage|moto ...

use std::io::Read;

fn main() {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    if wanted.is_empty() {
        eprintln!("usage: test-servers garage|moto ...");
        std::process::exit(2);
    }
    for name in &wanted {
        let s = match name.as_str() {
            "garage" => &satchel_harness::garage().server,
            "moto" => satchel_harness::moto(),
            other => {
                eprintln!("unknown server {other}: use garage or moto");
                std::process::exit(2);
            }
        };
        println!(
            r#"{{"name":"{}","endpoint":"{}","region":"{}","access_key_id":"{}","secret_access_key":"{}"}}"#,
            s.name, s.endpoint, s.region, s.access_key_id, s.secret_access_key
        );
    }
    // Servers die with this process; keep it alive until the caller is done.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
