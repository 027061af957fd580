//! `satchel key add|ls|rm|export`: the connection's customer keys (SSE-C).

use satchel_core::{Connection, Error, NewKey, Satchel, SecretKey};
use serde_json::json;

use crate::args::KeyCommand;
use crate::emit;

pub async fn run(engine: &Satchel, conn: &Connection, cmd: KeyCommand, json: bool) -> Result<(), Error> {
    match cmd {
        KeyCommand::Add { name, generate, stdin } => {
            let source = if generate {
                NewKey::Generate
            } else {
                NewKey::Base64(SecretKey::new(crate::secret::read_hidden("customer key (base64)", stdin)?))
            };
            let info = engine.add_customer_key(conn, &name, source).await?;
            if generate {
                eprintln!(
                    "satchel: note: only this key can read what is encrypted with it, and the storage doesn't keep it. Save a copy somewhere safe: satchel key export {name} --to FILE"
                );
            }
            emit(json, json!(info), || format!("Saved the customer key \"{}\" ({}) in the system keychain.", info.name, info.fingerprint));
            Ok(())
        }
        KeyCommand::Ls => {
            let keys = engine.customer_keys(conn).list()?;
            if json {
                for k in &keys {
                    println!("{}", json!(k));
                }
            } else if keys.is_empty() {
                println!("No customer keys for \"{}\". Add one with: satchel key add NAME --generate", conn.name);
            } else {
                for k in &keys {
                    println!("{:<24} {}  added {}", k.name, k.fingerprint, satchel_core::format::when(&k.added));
                }
            }
            Ok(())
        }
        KeyCommand::Rm { name } => {
            engine.customer_keys(conn).remove(&name).await?;
            emit(json, json!({ "removed": name }), || format!("Removed the customer key \"{name}\"."));
            Ok(())
        }
        KeyCommand::Export { name, to } => {
            engine.export_customer_key(conn, &name, &to).await?;
            emit(json, json!({ "exported": name, "to": to }), || format!("Wrote the customer key \"{name}\" to {} (readable by you only).", to.display()));
            Ok(())
        }
    }
}
