//! Reading VCF, BCF and gVCF into genohub's record model, and writing VCF/BCF back out.
//!
//! Every input, whatever its container, is reduced to VCF text lines and parsed by one
//! parser ([`line`]), so plain VCF, bgzip VCF and BCF get exactly the same validation,
//! multi-allelic splitting (`bcftools norm -m-`) and optional normalisation.

pub mod detect;
pub mod error;
pub mod header;
pub mod line;
pub mod model;
pub mod order;
pub mod reader;
pub mod split;
pub mod text;
pub mod validate;
pub mod writer;

pub use detect::{detect_path, FileKind};
pub use error::{FormatError, Location};
pub use header::{Definition, HeaderInfo, Number};
pub use line::{Inferred, LineResult, ParseContext, ParseOutput, Warning};
pub use model::{Calls, ParsedLine, RefBlock, Site, Variant};
pub use order::OrderCheck;
pub use reader::{Chunk, VariantReader};
pub use writer::{OutputFormat, VariantWriter};
