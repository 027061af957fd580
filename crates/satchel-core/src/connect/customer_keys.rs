//! SSE-C: objects the storage encrypts with a key the user holds and sends with every request. The
//! storage keeps only the key's MD5, so a lost key is lost data. Keys are named per connection; the
//! key itself lives only in the OS keychain, and the list of names (with a fingerprint, never the
//! key) in `customer-keys.json` beside the connections, because keychains can't be listed.
//!
//! Reads find their key themselves: a request refused for want of a customer key is sent again
//! with the connection's key that opens the object, so browsing, previews, downloads and copies of
//! SSE-C objects need no key chooser.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use serde::{Deserialize, Serialize};

use super::client::S3;
use super::keychain::{Keychain, SecretKey};
use crate::config::{lock_settings, write_json_atomic, Paths};
use crate::error::{Error, ErrorCode, Result};

/// SSE-C keys are AES-256 keys.
pub const KEY_BYTES: usize = 32;
/// What S3 calls the only SSE-C algorithm.
const ALGORITHM: &str = "AES256";

/// A customer key with its name. `Debug` never shows the key.
#[derive(Clone, PartialEq, Eq)]
pub struct CustomerKey {
    name: String,
    bytes: [u8; KEY_BYTES],
}

impl std::fmt::Debug for CustomerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CustomerKey({:?}, <redacted>)", self.name)
    }
}

impl CustomerKey {
    /// A new random key from the OS's secure generator.
    pub fn generate(name: &str) -> Result<CustomerKey> {
        check_name(name)?;
        let mut bytes = [0u8; KEY_BYTES];
        rand::fill(&mut bytes);
        Ok(CustomerKey { name: name.to_string(), bytes })
    }

    /// A key pasted or piped in as base64 (surrounding blanks ignored).
    pub fn from_base64(name: &str, text: &str) -> Result<CustomerKey> {
        check_name(name)?;
        let decoded = aws_smithy_types::base64::decode(text.trim())
            .map_err(|_| Error::invalid("That isn't a key in base64: an SSE-C key is 32 bytes (256 bits) written in base64, 44 characters ending in \"=\"."))?;
        let bytes: [u8; KEY_BYTES] = decoded.as_slice().try_into().map_err(|_| {
            Error::invalid(format!("An SSE-C key must be 32 bytes (256 bits); this one is {} bytes. Nothing was saved.", decoded.len()))
        })?;
        Ok(CustomerKey { name: name.to_string(), bytes })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key in base64, as it is sent and exported. Handle with care: this is the secret.
    pub fn expose_base64(&self) -> String {
        aws_smithy_types::base64::encode(self.bytes)
    }

    /// The key's MD5 in base64, as S3 asks for it beside the key (and echoes back).
    fn md5_base64(&self) -> String {
        use md5::Digest;
        aws_smithy_types::base64::encode(md5::Md5::digest(self.bytes))
    }

    /// A short mark to tell keys apart without showing them: the start of the key's MD5 in hex.
    pub fn fingerprint(&self) -> String {
        use md5::Digest;
        md5::Md5::digest(self.bytes)[..6].iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "\"{name}\" can't name a key: use 1 to 64 letters, digits, '-', '_' or '.' (the name follows sse-c: on the command line)."
        )))
    }
}

/// A saved key as the lists show it: never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerKeyInfo {
    pub name: String,
    /// The start of the key's MD5, to tell keys apart.
    pub fingerprint: String,
    /// When it was added (RFC 3339).
    pub added: String,
}

/// `customer-keys.json`: each connection's key names.
type KeyIndex = BTreeMap<String, Vec<CustomerKeyInfo>>;

/// One connection's customer keys. Every client of the connection carries it, so a read that needs
/// a key can find it; a client made outside a connection (probes, tests) has none.
#[derive(Debug, Clone, Default)]
pub struct CustomerKeys {
    place: Option<Arc<Place>>,
    /// The key of the one object a client was made for (a download's), sent with all its requests.
    held: Option<CustomerKey>,
}

#[derive(Debug)]
struct Place {
    keychain: Keychain,
    index: PathBuf,
    connection_id: String,
}

impl CustomerKeys {
    pub fn of(keychain: &Keychain, paths: &Paths, connection_id: &str) -> CustomerKeys {
        let index = paths.config_dir.join("customer-keys.json");
        let place = Place { keychain: keychain.clone(), index, connection_id: connection_id.to_string() };
        CustomerKeys { place: Some(Arc::new(place)), held: None }
    }

    /// The same keys, for a client that reads one SSE-C object: its requests send `key`.
    pub fn holding(&self, key: CustomerKey) -> CustomerKeys {
        CustomerKeys { place: self.place.clone(), held: Some(key) }
    }

    pub fn held(&self) -> Option<&CustomerKey> {
        self.held.as_ref()
    }

    fn place(&self) -> Result<&Place> {
        self.place.as_deref().ok_or_else(|| Error::new(ErrorCode::Unsupported, "Customer keys belong to a saved connection; this one has none."))
    }

    /// The connection's keys, by name.
    pub fn list(&self) -> Result<Vec<CustomerKeyInfo>> {
        let Some(place) = self.place.as_deref() else { return Ok(Vec::new()) };
        Ok(read_index(place)?.remove(&place.connection_id).unwrap_or_default())
    }

    /// Saves a key: in the keychain first, so a listed key always has its secret.
    pub async fn add(&self, key: &CustomerKey) -> Result<CustomerKeyInfo> {
        let place = self.place()?;
        if self.list()?.iter().any(|k| k.name == key.name) {
            return Err(Error::new(
                ErrorCode::AlreadyExists,
                format!("This connection already has a key named \"{}\". Pick another name, or remove that key first.", key.name),
            ));
        }
        place.keychain.store(&entry(place, &key.name), &SecretKey::new(key.expose_base64())).await?;
        let info = CustomerKeyInfo { name: key.name.clone(), fingerprint: key.fingerprint(), added: now_rfc3339() };
        let _lock = lock_settings(&place.index)?;
        let mut index = read_index(place)?;
        index.entry(place.connection_id.clone()).or_default().push(info.clone());
        write_json_atomic(&place.index, &index, "the customer key list")?;
        Ok(info)
    }

    /// Forgets a key, from the list and the keychain.
    pub async fn remove(&self, name: &str) -> Result<()> {
        let place = self.place()?;
        if !self.list()?.iter().any(|k| k.name == name) {
            return Err(not_saved(name));
        }
        place.keychain.remove(&entry(place, name)).await?;
        let _lock = lock_settings(&place.index)?;
        let mut index = read_index(place)?;
        if let Some(keys) = index.get_mut(&place.connection_id) {
            keys.retain(|k| k.name != name);
        }
        write_json_atomic(&place.index, &index, "the customer key list")
    }

    /// A saved key by name, read from the keychain.
    pub async fn get(&self, name: &str) -> Result<CustomerKey> {
        let place = self.place()?;
        if !self.list()?.iter().any(|k| k.name == name) {
            return Err(not_saved(name));
        }
        load(place, name).await
    }

    /// The saved key that opens `key` (the object, or one version of it): each is tried with a
    /// HEAD, since the storage says only that some key is needed, not which.
    pub async fn opening(&self, s3: &S3, bucket: &str, key: &str, version: Option<&str>) -> Result<CustomerKey> {
        let Some(place) = self.place.as_deref() else { return Err(key_needed(key)) };
        for info in read_index(place)?.remove(&place.connection_id).unwrap_or_default() {
            let candidate = load(place, &info.name).await?;
            let head = s3.client.head_object().bucket(bucket).key(key).set_version_id(version.map(str::to_string)).customer_key(Some(&candidate));
            if head.send().await.is_ok() {
                return Ok(candidate);
            }
        }
        Err(key_needed(key))
    }
}

/// A listed key from the keychain.
async fn load(place: &Place, name: &str) -> Result<CustomerKey> {
    let secret = place.keychain.read(&entry(place, name)).await?.ok_or_else(|| {
        Error::new(ErrorCode::CredentialsMissing, format!("The customer key \"{name}\" is listed but no longer in the system keychain."))
    })?;
    CustomerKey::from_base64(name, secret.expose())
}

fn entry(place: &Place, name: &str) -> String {
    format!("{}/sse-c/{name}", place.connection_id)
}

fn read_index(place: &Place) -> Result<KeyIndex> {
    match std::fs::read(&place.index) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            Error::new(ErrorCode::Config, format!("The customer key list ({}) can't be read: {e}.", place.index.display()))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(KeyIndex::new()),
        Err(e) => Err(Error::new(ErrorCode::Config, format!("Couldn't read the customer key list ({}): {e}.", place.index.display()))),
    }
}

fn not_saved(name: &str) -> Error {
    Error::not_found(format!("This connection has no customer key named \"{name}\"."))
}

fn now_rfc3339() -> String {
    aws_smithy_types::DateTime::from(std::time::SystemTime::now())
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}

/// What an SSE-C object opened without its key says.
pub fn key_needed(key: &str) -> Error {
    Error::new(
        ErrorCode::CustomerKeyNeeded,
        format!(
            "\"{key}\" is encrypted with a customer key (SSE-C), and none of this connection's keys opens it. Add its key under Customer keys (or `satchel key add`) and try again."
        ),
    )
}

/// Whether the storage refused a read because the object needs its customer key. S3 answers a
/// GET with 400 InvalidRequest naming the encryption, and a HEAD with a bare 400.
pub fn needs_customer_key<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> bool {
    let SdkError::ServiceError(e) = err else { return false };
    if e.raw().status().as_u16() != 400 {
        return false;
    }
    let message = e.err().message().unwrap_or("").to_ascii_lowercase();
    message.is_empty() || message.contains("encrypt") || message.contains("sse-c") || message.contains("customer")
}

/// Sends a read of an object; when the storage says it needs a customer key, sends it again with
/// the connection's key that opens it. Returns the answer and the key it took.
pub async fn with_key_if_needed<T, E, F, Fut>(
    s3: &S3,
    object: (&str, &str, Option<&str>),
    send: F,
    fail: impl FnOnce(SdkError<E, HttpResponse>) -> Error,
) -> Result<(T, Option<CustomerKey>)>
where
    F: Fn(Option<CustomerKey>) -> Fut,
    Fut: std::future::Future<Output = std::result::Result<T, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata,
{
    match send(None).await {
        Ok(t) => Ok((t, None)),
        Err(e) if needs_customer_key(&e) => {
            let (bucket, key, version) = object;
            let found = s3.customer_keys.opening(s3, bucket, key, version).await?;
            send(Some(found.clone())).await.map(|t| (t, Some(found))).map_err(fail)
        }
        Err(e) => Err(fail(e)),
    }
}

/// Requests that carry the SSE-C headers of the object they read or write.
pub trait SendsCustomerKey: Sized {
    /// Adds the key's headers; `None` leaves the request as it is.
    fn customer_key(self, key: Option<&CustomerKey>) -> Self;
}

/// Copies that read an SSE-C source.
pub trait CopiesWithCustomerKey: Sized {
    fn source_customer_key(self, key: Option<&CustomerKey>) -> Self;
}

macro_rules! sends_customer_key {
    ($($builder:ty),* $(,)?) => {$(
        impl SendsCustomerKey for $builder {
            fn customer_key(self, key: Option<&CustomerKey>) -> Self {
                match key {
                    Some(k) => self.sse_customer_algorithm(ALGORITHM).sse_customer_key(k.expose_base64()).sse_customer_key_md5(k.md5_base64()),
                    None => self,
                }
            }
        }
    )*};
}

macro_rules! copies_with_customer_key {
    ($($builder:ty),* $(,)?) => {$(
        impl CopiesWithCustomerKey for $builder {
            fn source_customer_key(self, key: Option<&CustomerKey>) -> Self {
                match key {
                    Some(k) => self
                        .copy_source_sse_customer_algorithm(ALGORITHM)
                        .copy_source_sse_customer_key(k.expose_base64())
                        .copy_source_sse_customer_key_md5(k.md5_base64()),
                    None => self,
                }
            }
        }
    )*};
}

use aws_sdk_s3::operation as op;
sends_customer_key!(
    op::head_object::builders::HeadObjectFluentBuilder,
    op::get_object::builders::GetObjectFluentBuilder,
    op::put_object::builders::PutObjectFluentBuilder,
    op::create_multipart_upload::builders::CreateMultipartUploadFluentBuilder,
    op::upload_part::builders::UploadPartFluentBuilder,
    op::complete_multipart_upload::builders::CompleteMultipartUploadFluentBuilder,
    op::copy_object::builders::CopyObjectFluentBuilder,
    op::upload_part_copy::builders::UploadPartCopyFluentBuilder,
);
copies_with_customer_key!(op::copy_object::builders::CopyObjectFluentBuilder, op::upload_part_copy::builders::UploadPartCopyFluentBuilder);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_32_bytes_of_base64_and_never_printed() {
        let k = CustomerKey::generate("backup-2026").unwrap();
        let again = CustomerKey::from_base64("same", &format!("  {}\n", k.expose_base64())).unwrap();
        assert_eq!(again.bytes, k.bytes);
        assert_eq!(k.expose_base64().len(), 44);
        assert_eq!(k.fingerprint().len(), 12);
        assert!(!format!("{k:?}").contains(&k.expose_base64()), "Debug shows no key");
        let short = CustomerKey::from_base64("k", &aws_smithy_types::base64::encode([7u8; 16])).unwrap_err();
        assert!(short.message.contains("32 bytes") && short.message.contains("16 bytes"), "{}", short.message);
        assert!(CustomerKey::from_base64("k", "not base64 at all!").unwrap_err().message.contains("base64"));
        assert!(CustomerKey::generate("has space").unwrap_err().message.contains("can't name a key"));
        assert!(CustomerKey::generate("").is_err());
        assert_ne!(CustomerKey::generate("a").unwrap().bytes, CustomerKey::generate("a").unwrap().bytes);
    }

    #[test]
    fn md5_is_what_s3_expects() {
        // The MD5 of 32 zero bytes, in base64, as S3's SSE-C documentation computes it.
        let zero = CustomerKey::from_base64("z", &aws_smithy_types::base64::encode([0u8; 32])).unwrap();
        assert_eq!(zero.md5_base64(), "cLyPS3KoaSFGi/joRB3OUQ==");
    }

    #[test]
    fn a_client_without_a_connection_has_no_keys() {
        let none = CustomerKeys::default();
        assert!(none.list().unwrap().is_empty());
    }
}
