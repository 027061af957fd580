//! The command line. Command and flag names are an interface scripts rely on: add, don't rename.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "satchel", version, about = "Satchel for S3 and S3-compatible storage, from the command line.")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command understands.
#[derive(Debug, Args)]
pub struct Global {
    /// Use this saved connection (by name).
    #[arg(long, global = true, value_name = "NAME")]
    pub connection: Option<String>,
    /// Talk to this S3-compatible endpoint directly, with credentials from the AWS
    /// environment or profile chain.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Region to sign for with --endpoint (default us-east-1).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Address buckets as https://host/bucket (what most self-hosted stores need) with --endpoint.
    #[arg(long, global = true)]
    pub path_style: bool,
    /// Machine-readable output: one JSON document on stdout; errors as {"error": {...}}.
    #[arg(long, global = true)]
    pub json: bool,
    /// Diagnostics on stderr (-v, -vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, list, remove and test saved connections. `connection add` takes the new connection's
    /// endpoint, region and addressing from --endpoint, --region and --path-style.
    #[command(subcommand)]
    Connection(ConnectionCommand),
    /// Work with buckets.
    #[command(subcommand)]
    Bucket(BucketCommand),
    /// List a bucket's folder (or everything below it with --recursive); rows appear as pages arrive.
    Ls(LsArgs),
    /// Copy between local and S3, or between S3 locations: `cp FILE s3://b/key`, `cp --recursive DIR
    /// s3://b/p/` (DIR's contents under p/), `cp s3://b/key FILE_OR_DIR`, `cp --recursive s3://b/p/ DIR`
    /// (keys by their path below p/), `cp [--recursive] s3://a/x s3://b/y` (server-side).
    Cp(CpArgs),
    /// Move between S3 locations, server-side: `mv s3://a/key s3://b/key`, `mv --recursive
    /// s3://a/p/ s3://b/q/`. A source is deleted only once its copy exists, and only if it has not
    /// changed since it was copied.
    Mv(MvArgs),
    /// Make DST match SRC, a local folder and s3://bucket/prefix/ either way: sends what DST lacks,
    /// what differs in size, and what is newer in SRC. Ctrl-C stops; the same command sends what is
    /// still missing.
    Sync(SyncArgs),
    /// Delete an object, or with --recursive everything below a prefix (batched, 1,000 per request).
    Rm(RmArgs),
    /// Older versions and delete markers of a bucket with versioning: list, restore, delete for good.
    #[command(subcommand)]
    Version(VersionCommand),
    /// Objects in an archive tier (Glacier Flexible Retrieval, Deep Archive): ask for a restored
    /// copy, or see how a restore stands.
    #[command(subcommand)]
    Archive(ArchiveCommand),
    /// Object lock of one object version: retention and legal hold.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Customer keys (SSE-C) of the connection, kept in the system keychain: `cp --sse sse-c:NAME`
    /// encrypts uploads with one, and reads find the key that opens an object themselves. Losing a
    /// key loses what it encrypted: export it somewhere safe.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Bring back a deleted object (its delete marker removed, so the version under it is current
    /// again): `undelete s3://b/key`, or everything deleted below a folder with --recursive.
    Undelete(UndeleteArgs),
    /// Read or change object tags.
    #[command(subcommand)]
    Tag(TagCommand),
    /// Print a presigned link to download (or, with --put, upload) an object.
    Share(ShareArgs),
    /// Serve a folder as a local S3-compatible sandbox until stopped.
    Sandbox(SandboxArgs),
    /// The changes made to buckets' settings through Satchel (app and CLI), oldest first.
    Audit(AuditArgs),
    /// The account behind the connection's keys (Amazon S3): who they are, and the Block Public
    /// Access that applies to every bucket of the account.
    #[command(subcommand)]
    Account(AccountCommand),
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Whose keys these are, and the account's Block Public Access.
    Get,
    /// The account's Block Public Access, for every bucket (the flags of `bucket set BUCKET
    /// public-access`; turning protection off needs --yes-public).
    #[command(name = "set-public-access")]
    SetPublicAccess(PublicAccessArgs),
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only this bucket's changes.
    #[arg(long, value_name = "BUCKET")]
    pub bucket: Option<String>,
    /// As CSV (a header, then one line per change).
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConnectionCommand {
    /// Save a connection. Keys: the secret is read from the terminal, or from stdin when piped,
    /// and goes only to the system keychain.
    Add(ConnectionAdd),
    /// List saved connections.
    Ls,
    /// Remove a saved connection and its secret.
    Rm { name: String },
    /// List buckets to check that a connection works (saved, or --endpoint).
    Test { name: Option<String> },
}

#[derive(Debug, Args)]
pub struct ConnectionAdd {
    pub name: String,
    /// Amazon S3 itself (the default when no --endpoint is given).
    #[arg(long)]
    pub aws: bool,
    /// Static keys: this access key id, with the secret kept in the system keychain.
    #[arg(long, value_name = "ID")]
    pub access_key_id: Option<String>,
    /// Read the secret from stdin even when it is a terminal (no prompt).
    #[arg(long)]
    pub secret_stdin: bool,
    /// An AWS profile from ~/.aws (static, assume-role or SSO).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The standard AWS chain: environment variables, default profile, SSO, instance role.
    #[arg(long)]
    pub env: bool,
    /// Save without first checking that the connection works.
    #[arg(long)]
    pub no_test: bool,
    /// Amazon S3: send transfers and sign share links through Transfer Acceleration, for buckets
    /// that have it on.
    #[arg(long)]
    pub accelerate: bool,
}

#[derive(Debug, Subcommand)]
pub enum BucketCommand {
    /// List buckets with their creation dates.
    Ls,
    /// Create a bucket: Block Public Access on, ACLs off, SSE-S3 encryption unless told otherwise.
    Create(BucketCreate),
    /// Count what a bucket holds: objects, older versions, delete markers, unfinished uploads.
    Info { name: String },
    /// Delete a bucket. With --force, first delete everything in it (every version, delete marker
    /// and unfinished upload); without, a non-empty bucket is refused.
    Rm {
        name: String,
        #[arg(long)]
        force: bool,
    },
    /// Show a bucket's access settings and whether it is public: public-access, policy (all when
    /// omitted).
    Get {
        name: String,
        /// One setting: public-access, policy, ownership, acl, cors, website, accelerate, versioning,
        /// encryption, object-lock or lifecycle.
        setting: Option<String>,
    },
    /// Change a bucket's access settings: `bucket set BUCKET SETTING ...`. Every change is written
    /// to the audit log.
    Set(BucketSetArgs),
}

#[derive(Debug, Args)]
pub struct BucketSetArgs {
    /// The bucket.
    pub name: String,
    #[command(subcommand)]
    pub setting: BucketSet,
}

#[derive(Debug, Subcommand)]
pub enum BucketSet {
    /// Block Public Access: --block-all, --allow-public --yes-public, or any of the four switches.
    /// Turning protection off needs --yes-public.
    #[command(name = "public-access")]
    PublicAccess(PublicAccessArgs),
    /// The bucket policy: --file FILE, --template NAME (added to the policy there), or --delete.
    /// The policy is checked first: a problem exits non-zero naming its line, and nothing is sent.
    Policy(PolicyArgs),
    /// CORS rules (which web pages may call the bucket from a browser): --file FILE, --template
    /// presigned-upload --origin URL, --template read-anywhere, or --delete.
    Cors(CorsArgs),
    /// Static website hosting: --index DOC [--error DOC], --redirect-all HOST, or --delete.
    Website(WebsiteArgs),
    /// Object Ownership: bucket-owner-enforced (ACLs off), bucket-owner-preferred or object-writer.
    Ownership {
        /// bucket-owner-enforced, bucket-owner-preferred or object-writer
        mode: String,
    },
    /// The bucket's ACL (needs ownership other than bucket-owner-enforced): a canned ACL, or
    /// grants. A public one needs --yes-public.
    Acl {
        /// private, public-read, public-read-write or authenticated-read
        canned: Option<String>,
        /// Grant PERMISSION=GRANTEE, e.g. read=id=abc123 (repeatable).
        #[arg(long = "grant", value_name = "PERMISSION=GRANTEE")]
        grants: Vec<String>,
        /// Confirm an ACL that makes the bucket public.
        #[arg(long)]
        yes_public: bool,
    },
    /// Versioning: on (keep every overwritten or deleted version) or suspended (keep those kept so
    /// far, keep no new ones). It can't go back to never enabled.
    Versioning {
        /// on or suspended
        state: String,
    },
    /// Lifecycle rules: --file FILE (the JSON `aws s3api put-bucket-lifecycle-configuration`
    /// takes), --abort-incomplete-uploads-after DAYS (added to the rules there), or --delete.
    /// Every rule is checked first: a refused one exits non-zero naming it, and nothing is sent.
    Lifecycle(LifecycleArgs),
    /// Default encryption of new objects: sse-s3, sse-kms (the AWS-managed key) or sse-kms:KEY
    /// (a key id, ARN or alias/NAME); --bucket-key with SSE-KMS cuts KMS requests.
    Encryption {
        /// sse-s3, sse-kms or sse-kms:KEY
        mode: String,
        #[arg(long)]
        bucket_key: bool,
    },
    /// Default retention of a bucket with object lock: --mode governance|compliance with --days N
    /// or --years N, or --none. Compliance can't be undone on what it locks.
    #[command(name = "object-lock")]
    ObjectLock(ObjectLockArgs),
    /// Transfer acceleration (Amazon S3): on or off.
    Accelerate {
        /// on or off
        state: String,
    },
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct LifecycleArgs {
    #[arg(long, value_name = "FILE")]
    pub file: Option<std::path::PathBuf>,
    #[arg(long, value_name = "DAYS")]
    pub abort_incomplete_uploads_after: Option<u32>,
    /// Remove every rule.
    #[arg(long)]
    pub delete: bool,
}

#[derive(Debug, Args)]
pub struct ObjectLockArgs {
    /// governance or compliance
    #[arg(long, value_name = "MODE", required_unless_present = "none")]
    pub mode: Option<String>,
    #[arg(long, value_name = "N", conflicts_with_all = ["years", "none"])]
    pub days: Option<u32>,
    #[arg(long, value_name = "N", conflicts_with = "none")]
    pub years: Option<u32>,
    /// Remove the default retention (versions are then locked only by their own retention).
    #[arg(long, conflicts_with = "mode")]
    pub none: bool,
}

#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// Ask for a restored copy, readable for --days N: of one object, or with --recursive of
    /// every archived object below a folder.
    Restore {
        /// s3://bucket/key, or s3://bucket/prefix/ with --recursive
        target: String,
        #[arg(long, short = 'r')]
        recursive: bool,
        /// How long the restored copy stays readable.
        #[arg(long, value_name = "N")]
        days: u32,
        /// standard (3-5 hours; Deep Archive within 12), bulk (5-12 hours; Deep Archive within
        /// 48) or expedited (1-5 minutes; not for Deep Archive).
        #[arg(long, default_value = "standard")]
        tier: String,
    },
    /// Whether an object is archived, being restored, or readable until when.
    Status {
        /// s3://bucket/key
        target: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Save a new key: --generate makes a random 256-bit key, --stdin reads one in base64 (a
    /// hidden prompt when neither is given).
    Add {
        name: String,
        #[arg(long, conflicts_with = "stdin")]
        generate: bool,
        #[arg(long)]
        stdin: bool,
    },
    /// The connection's keys: name, fingerprint (the start of the key's MD5) and when added.
    Ls,
    /// Forget a key. What it encrypted can't be read without it: export it first if unsure.
    Rm { name: String },
    /// Write a key, in base64, to FILE (readable by you only), to keep somewhere safe.
    Export {
        name: String,
        #[arg(long, value_name = "FILE")]
        to: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// A version's retention and legal hold.
    Get {
        /// s3://bucket/key
        target: String,
        #[arg(long, value_name = "ID")]
        version_id: Option<String>,
    },
    /// Change a version's legal hold (--legal-hold on|off) and/or retention (--mode M --until
    /// DATE). Shortening a governance retention needs --bypass-governance-retention.
    Set {
        /// s3://bucket/key
        target: String,
        #[arg(long, value_name = "ID")]
        version_id: Option<String>,
        /// on or off
        #[arg(long, value_name = "STATE")]
        legal_hold: Option<String>,
        /// governance or compliance
        #[arg(long, value_name = "MODE", requires = "until")]
        mode: Option<String>,
        /// YYYY-MM-DD (midnight UTC) or an RFC 3339 time.
        #[arg(long, value_name = "DATE", requires = "mode")]
        until: Option<String>,
        #[arg(long)]
        bypass_governance_retention: bool,
    },
}

#[derive(Debug, Args)]
pub struct WebsiteArgs {
    /// The page served for a folder, as index.html.
    #[arg(long, value_name = "DOC", conflicts_with_all = ["redirect_all", "delete"])]
    pub index: Option<String>,
    /// The page served when something is missing, as error.html.
    #[arg(long, value_name = "DOC", requires = "index")]
    pub error: Option<String>,
    /// A routing rule FROM=TO (repeatable): FROM a key prefix or an HTTP error code, TO a new
    /// prefix or @HOST[/PREFIX], as docs/=documents/ or 404=@www.example.com.
    #[arg(long, value_name = "FROM=TO", requires = "index")]
    pub route: Vec<String>,
    /// Redirect every request to this host, as www.example.com.
    #[arg(long, value_name = "HOST", conflicts_with = "delete")]
    pub redirect_all: Option<String>,
    /// Turn website hosting off.
    #[arg(long)]
    pub delete: bool,
}

#[derive(Debug, Args)]
pub struct CorsArgs {
    /// The rules, from a JSON file: a list of rules, or {"CORSRules": [...]} as the AWS CLI writes it.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["template", "delete"])]
    pub file: Option<PathBuf>,
    /// presigned-upload (browser uploads through upload links from --origin) or read-anywhere.
    #[arg(long, value_name = "NAME", conflicts_with = "delete")]
    pub template: Option<String>,
    /// presigned-upload: the web page's origin, as https://app.example.com.
    #[arg(long, value_name = "URL")]
    pub origin: Option<String>,
    /// Remove the bucket's CORS rules.
    #[arg(long)]
    pub delete: bool,
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// The whole policy, from a JSON file (replaces the bucket's).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["template", "delete"])]
    pub file: Option<PathBuf>,
    /// A policy by intent, added to the bucket's (applied again, it replaces itself): public-read,
    /// cross-account, require-tls, require-kms, source-ip, required-tag.
    #[arg(long, value_name = "NAME", conflicts_with = "delete")]
    pub template: Option<String>,
    /// Remove the bucket's policy.
    #[arg(long)]
    pub delete: bool,
    /// public-read: only objects under this prefix.
    #[arg(long, value_name = "PREFIX")]
    pub prefix: Option<String>,
    /// cross-account: the other account's 12-digit id.
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// cross-account: write and delete too, not only list and read.
    #[arg(long)]
    pub read_write: bool,
    /// require-kms: this KMS key's ARN.
    #[arg(long, value_name = "ARN")]
    pub key: Option<String>,
    /// source-ip: an address range allowed (repeatable), as 203.0.113.0/24.
    #[arg(long, value_name = "CIDR")]
    pub cidr: Vec<String>,
    /// required-tag: the tag key uploads must carry.
    #[arg(long, value_name = "KEY")]
    pub tag_key: Option<String>,
    /// Print what the policy says and the diff against the bucket's, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct PublicAccessArgs {
    /// Turn all four switches on.
    #[arg(long, conflicts_with_all = ["allow_public", "block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"])]
    pub block_all: bool,
    /// Turn all four switches off (needs --yes-public).
    #[arg(long, conflicts_with_all = ["block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"])]
    pub allow_public: bool,
    /// Confirm turning protection off: the bucket could then be made public.
    #[arg(long)]
    pub yes_public: bool,
    /// Refuse new public ACLs: on or off.
    #[arg(long, value_name = "on|off")]
    pub block_public_acls: Option<String>,
    /// Ignore public ACLs already there: on or off.
    #[arg(long, value_name = "on|off")]
    pub ignore_public_acls: Option<String>,
    /// Refuse public bucket policies: on or off.
    #[arg(long, value_name = "on|off")]
    pub block_public_policy: Option<String>,
    /// Limit a bucket with a public policy to its own account: on or off.
    #[arg(long, value_name = "on|off")]
    pub restrict_public_buckets: Option<String>,
}

#[derive(Debug, Args)]
pub struct BucketCreate {
    pub name: String,
    /// Region for the bucket (default: the connection's). Separate from the global --region,
    /// which is the region requests are signed for with --endpoint.
    #[arg(long = "bucket-region", value_name = "REGION")]
    pub bucket_region: Option<String>,
    /// Keep every version of every object.
    #[arg(long)]
    pub versioning: bool,
    /// Object lock (WORM); turns versioning on and can never be turned off.
    #[arg(long)]
    pub object_lock: bool,
    /// Leave Block Public Access off.
    #[arg(long)]
    pub no_block_public_access: bool,
    /// Object ownership: bucket-owner-enforced (ACLs off, default), bucket-owner-preferred, object-writer.
    #[arg(long, value_name = "MODE", default_value = "bucket-owner-enforced")]
    pub ownership: String,
    /// Default encryption: sse-s3 (default), sse-kms:KEY, or none (the storage's own default).
    #[arg(long, value_name = "KIND", default_value = "sse-s3")]
    pub encryption: String,
    /// Canned ACL (needs ownership other than bucket-owner-enforced): private, public-read,
    /// public-read-write, authenticated-read.
    #[arg(long, value_name = "ACL")]
    pub acl: Option<String>,
    /// Grant PERMISSION=GRANTEE, e.g. read=id=abc123 (repeatable; needs ACLs on).
    #[arg(long = "grant", value_name = "PERMISSION=GRANTEE")]
    pub grants: Vec<String>,
    /// Confirm a public ACL: say yes to making the bucket public.
    #[arg(long)]
    pub yes_public: bool,
    /// Bucket tag key=value (repeatable).
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Folder to serve; each sub-folder is a bucket.
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// Port on 127.0.0.1 (default: any free port).
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,
}

#[derive(Debug, Args)]
pub struct ShareArgs {
    /// s3://bucket/key
    pub target: String,
    /// How long the link works: 15m, 1h, 1d, 7d or seconds (at most 7 days).
    #[arg(long, default_value = "1h", value_name = "DURATION", allow_hyphen_values = true)]
    pub expires: String,
    /// An upload link (PUT) instead of a download link.
    #[arg(long)]
    pub put: bool,
    /// File name the browser saves a download as.
    #[arg(long, value_name = "NAME")]
    pub filename: Option<String>,
    /// Content-Type: for a download, the type to serve it as; for an upload, the type the uploader must send.
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// s3://bucket[/prefix]
    pub target: String,
    /// Everything below the prefix, not just one folder level.
    #[arg(long, short = 'r')]
    pub recursive: bool,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// s3://bucket/key, or s3://bucket/prefix/ with --recursive
    pub target: String,
    /// Everything below the prefix.
    #[arg(long, short = 'r')]
    pub recursive: bool,
}

#[derive(Debug, Subcommand)]
pub enum VersionCommand {
    /// Every version and delete marker of a folder (or below it with --recursive), newest first
    /// per key. With --json, one object per line: key, version_id, size, last_modified, is_latest,
    /// is_delete_marker, storage_class.
    Ls {
        /// s3://bucket[/prefix]
        target: String,
        #[arg(long, short = 'r')]
        recursive: bool,
    },
    /// Make an older version current again (a copy of it over the object, keeping its metadata and
    /// tags); every version stays in the history.
    Restore {
        /// s3://bucket/key
        target: String,
        #[arg(long, value_name = "ID")]
        version_id: String,
    },
    /// Delete one version or delete marker for good (object lock is honoured).
    Rm {
        /// s3://bucket/key
        target: String,
        #[arg(long, value_name = "ID")]
        version_id: String,
    },
}

#[derive(Debug, Args)]
pub struct UndeleteArgs {
    /// s3://bucket/key, or s3://bucket/prefix/ with --recursive
    pub target: String,
    /// Every deleted object below the prefix.
    #[arg(long, short = 'r')]
    pub recursive: bool,
}

#[derive(Debug, Args)]
pub struct MvArgs {
    pub src: String,
    pub dst: String,
    /// Everything below the source prefix, by its path relative to it.
    #[arg(long, short = 'r')]
    pub recursive: bool,
    /// DST is in this saved connection (another storage): the bytes go through Satchel.
    #[arg(long, value_name = "NAME")]
    pub to_connection: Option<String>,
}

#[derive(Debug, Args)]
pub struct CpArgs {
    pub src: String,
    pub dst: String,
    #[arg(long, short = 'r')]
    pub recursive: bool,
    /// Downloads of one object: that older version (from `satchel version ls`) instead of the
    /// current one.
    #[arg(long, value_name = "ID")]
    pub version_id: Option<String>,
    /// Parts (and files) in flight at once; memory stays near this x the part size.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Multipart part size for uploads (default 8M; raised when a file would need over 10,000 parts).
    #[arg(long, value_name = "SIZE")]
    pub part_size: Option<String>,
    /// Upload checksum: crc32c (default), crc64nvme or md5.
    #[arg(long, default_value = "crc32c")]
    pub checksum: String,
    /// A tag for every uploaded object, key=value (repeat for more). Sent with the object itself.
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
    /// With --recursive downloads, what happens to a file already there: overwrite (default),
    /// skip, or rename (keep both; the download takes a free name).
    #[arg(long, value_name = "CHOICE")]
    pub if_exists: Option<String>,
    /// Uploads: send what symbolic links to files inside the folder point to (by default they are
    /// listed and not sent: a link may point at something private).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// S3-to-S3: DST is in this saved connection (another storage); the bytes go through Satchel.
    #[arg(long, value_name = "NAME")]
    pub to_connection: Option<String>,
    /// Uploads: the storage class of what is sent (STANDARD, INTELLIGENT_TIERING, STANDARD_IA,
    /// ONEZONE_IA, GLACIER_IR, GLACIER, DEEP_ARCHIVE); the bucket's default otherwise.
    #[arg(long, value_name = "CLASS")]
    pub storage_class: Option<String>,
    /// Uploads: the encryption of what is sent, sse-s3, sse-kms[:KEY] or sse-c:NAME (a customer
    /// key saved with `satchel key add`); the bucket's default
    /// otherwise.
    #[arg(long, value_name = "KIND")]
    pub sse: Option<String>,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    pub src: String,
    pub dst: String,
    /// Also remove from DST what SRC no longer has.
    #[arg(long)]
    pub delete: bool,
    /// Print what would be sent and removed; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Leave out paths (relative to SRC) matching this pattern; `*` also matches `/` (repeat for more).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Bring back paths an --exclude left out (repeat for more).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Tell files of the same size apart by their bytes (MD5 or CRC against the object's, every
    /// such file read) instead of their modification times.
    #[arg(long)]
    pub checksum: bool,
    /// Parts (and files) in flight at once when uploading.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Multipart part size for uploads (default 8M).
    #[arg(long, value_name = "SIZE")]
    pub part_size: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TagCommand {
    /// Print an object's tags.
    Get { target: String },
    /// Add tags (merging into the existing ones, or with --replace instead of them).
    Set {
        target: String,
        /// key=value pairs.
        #[arg(required = true)]
        tags: Vec<String>,
        /// Every object below the prefix.
        #[arg(long, short = 'r')]
        recursive: bool,
        /// The given tags become the only tags.
        #[arg(long)]
        replace: bool,
    },
    /// Remove tags by key (all tags when no key is given).
    Rm {
        target: String,
        keys: Vec<String>,
        #[arg(long, short = 'r')]
        recursive: bool,
    },
}
