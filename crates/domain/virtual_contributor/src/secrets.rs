//! Secrets of AI personas (external engines' API keys and assistant ids) sealed at rest with
//! AES-256-GCM (`ENCRYPTION_KEY`). A sealed value reads `enc:v1:<base64 nonce ‖ ciphertext>`;
//! a value without that prefix (written before sealing existed) is read as it is and sealed on
//! its next write.

use alkemio_kernel::{AppError, AppResult};
use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use base64::Engine as _;

const PREFIX: &str = "enc:v1:";

/// The key sealing persona secrets.
pub struct SecretBox(LessSafeKey);

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(<key>)")
    }
}

impl SecretBox {
    /// A box over a 32-byte key.
    pub fn new(key: &[u8]) -> AppResult<Self> {
        let key = UnboundKey::new(&AES_256_GCM, key)
            .map_err(|_| AppError::internal_msg("the encryption key is not 32 bytes"))?;
        Ok(Self(LessSafeKey::new(key)))
    }

    /// The value sealed.
    pub fn seal(&self, plain: &str) -> AppResult<String> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)
            .map_err(|e| AppError::internal_msg(format_args!("no randomness: {e}")))?;
        let mut sealed = plain.as_bytes().to_vec();
        self.0
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::empty(),
                &mut sealed,
            )
            .map_err(|_| AppError::internal_msg("sealing a secret failed"))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::STANDARD.encode(out)
        ))
    }

    /// The value opened (a value never sealed comes back as it is).
    pub fn open(&self, stored: &str) -> AppResult<String> {
        let Some(encoded) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
        };
        let broken = || AppError::internal_msg("a sealed secret cannot be opened with this key");
        let mut raw = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| broken())?;
        if raw.len() < NONCE_LEN {
            return Err(broken());
        }
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&raw[..NONCE_LEN]);
        let body = &mut raw[NONCE_LEN..];
        let plain = self
            .0
            .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::empty(), body)
            .map_err(|_| broken())?;
        String::from_utf8(plain.to_vec()).map_err(|_| broken())
    }

    /// An external configuration with its secrets sealed.
    pub fn seal_config(
        &self,
        c: &crate::model::ExternalConfig,
    ) -> AppResult<crate::model::ExternalConfig> {
        Ok(crate::model::ExternalConfig {
            api_key: c.api_key.as_deref().map(|k| self.seal(k)).transpose()?,
            assistant_id: c
                .assistant_id
                .as_deref()
                .map(|a| self.seal(a))
                .transpose()?,
            model: c.model.clone(),
        })
    }

    /// An external configuration with its secrets opened.
    pub fn open_config(
        &self,
        c: &crate::model::ExternalConfig,
    ) -> AppResult<crate::model::ExternalConfig> {
        Ok(crate::model::ExternalConfig {
            api_key: c.api_key.as_deref().map(|k| self.open(k)).transpose()?,
            assistant_id: c
                .assistant_id
                .as_deref()
                .map(|a| self.open(a))
                .transpose()?,
            model: c.model.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_sealed_and_opened() {
        let b = SecretBox::new(&[7u8; 32]).unwrap();
        let sealed = b.seal("sk-secret").unwrap();
        assert!(sealed.starts_with(PREFIX));
        assert!(!sealed.contains("sk-secret"));
        assert_ne!(
            sealed,
            b.seal("sk-secret").unwrap(),
            "a fresh nonce each time"
        );
        assert_eq!(b.open(&sealed).unwrap(), "sk-secret");
        assert_eq!(b.open("plain-old").unwrap(), "plain-old");
        let other = SecretBox::new(&[8u8; 32]).unwrap();
        assert!(other.open(&sealed).is_err());
        assert!(SecretBox::new(&[1u8; 16]).is_err());
    }
}
