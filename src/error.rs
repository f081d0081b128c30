//! Error types that decide the exit code: bad usage or input exits 2, everything
//! else (I/O, database) exits 1.

use thiserror::Error;

use crate::domain::DomainError;

/// The user asked for something that cannot be done as asked: exit code 2.
/// The message is one sentence that says what is wrong and what to do.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl UsageError {
    pub fn new(msg: impl Into<String>) -> Self {
        UsageError(msg.into())
    }
}

impl From<DomainError> for UsageError {
    fn from(e: DomainError) -> Self {
        UsageError(e.to_string())
    }
}

/// The exit code for an error that reached `main`.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<UsageError>().is_some() || e.downcast_ref::<DomainError>().is_some() {
        return 2;
    }
    if let Some(crate::store::StoreError::Usage(_) | crate::store::StoreError::Missing { .. }) =
        e.downcast_ref::<crate::store::StoreError>()
    {
        return 2;
    }
    match e.downcast_ref::<crate::config::ConfigError>() {
        Some(crate::config::ConfigError::Read { .. } | crate::config::ConfigError::Embedded(_)) => {
            return 1;
        }
        Some(_) => return 2,
        None => {}
    }
    1
}
