//! Secrets generated into the data directory on first use (signing and encryption keys of a
//! single-instance deployment that configured none).

use std::path::Path;

use alkemio_kernel::{AppError, AppResult};
use base64::Engine as _;

/// Reads the base64 secret in `data_dir/file`, creating it (`len` random bytes, readable by the
/// owner only) on first use.
pub fn load_or_generate(data_dir: &Path, file: &str, len: usize, what: &str) -> AppResult<Vec<u8>> {
    let path = data_dir.join(file);
    if let Ok(raw) = std::fs::read_to_string(&path) {
        return base64::engine::general_purpose::STANDARD
            .decode(raw.trim())
            .map_err(|e| {
                AppError::internal_msg(format_args!("{} is not base64: {e}", path.display()))
            });
    }
    std::fs::create_dir_all(data_dir)?;
    let mut key = vec![0u8; len];
    getrandom::fill(&mut key)
        .map_err(|e| AppError::internal_msg(format_args!("no randomness: {e}")))?;
    std::fs::write(
        &path,
        base64::engine::general_purpose::STANDARD.encode(&key),
    )?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    tracing::info!(path = %path.display(), "generated {what}");
    Ok(key)
}
