//! Tags: S3's tagging rules, object and bucket tags, and the tags uploads are required to carry.

mod bucket;
mod object;
mod required;
mod rules;

pub use bucket::{get_bucket_tags, put_bucket_tags};
pub use object::{change_tags, combine, get_tags, get_version_tags, put_tags, TagMode};
pub(crate) use object::write_object_tags;
pub use required::{RequiredTag, RequiredTagRule, RuleScope, RulesStore, UploadRules};
pub use rules::{parse_tag, tagging_header, validate_tags, Tag, TagTarget};
