//! One sync round trip, from a parsed request to the answer.
//!
//! The push goes to the writer thread and commits before anything is answered;
//! the pull is read afterwards on a reader, so it already includes what the
//! push stored (minus the device's own rows). A request without a push never
//! touches the writer. The Automerge work of a push is done before it
//! reaches the writer ([`crate::prepare`]), so the writer mostly runs SQL.

use crate::apply::apply_prepared_batch;
use crate::device_auth::DeviceAuth;
use crate::error::StoreError;
use crate::meta;
use crate::prepare::{prepare_push, PreparedPush};
use crate::protocol::{Pull, SyncRequest, SyncResponse};
use crate::pull::pull_page;
use crate::store::Store;

/// Why a sync request was refused as a whole.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// The request names another device than the token's.
    #[error("the request's device id does not match the device token")]
    WrongDevice,
    /// A pushed document belongs to another agency.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Run one sync for `who`: apply the push durably, then read the pull page.
pub fn sync(store: &Store, who: DeviceAuth, request: SyncRequest, now: String) -> Result<SyncResponse, SyncError> {
    if request.device != who.device {
        return Err(SyncError::WrongDevice);
    }
    let results = if request.push.is_empty() {
        Vec::new()
    } else {
        let batch = request.batch;
        let push = request.push;
        // The Automerge work happens here, off the writer; the writer checks
        // that each document is still as prepared. Preparing is only an
        // optimisation: if it fails, the writer does all the work.
        let prepared = store
            .compute(|conn| prepare_push(conn, &who, batch, &push))
            .unwrap_or_else(|e| {
                tracing::warn!("preparing a push failed, the writer will merge it: {e}");
                PreparedPush::none()
            });
        store.write(move |conn| apply_prepared_batch(conn, &who, batch, &push, prepared, &now))?
    };
    let (epoch, pull) = store.read(|conn| {
        let epoch = meta::epoch(conn)?.ok_or_else(|| StoreError::Inconsistent("the database has no epoch".into()))?;
        let pull = match request.pull {
            None => None,
            Some(pull) => {
                let reset = request.epoch.is_some_and(|seen| seen != epoch);
                let from = if reset {
                    Pull {
                        cursor: 0,
                        snapshot: None,
                        ..pull
                    }
                } else {
                    pull
                };
                let mut page = pull_page(conn, &who, from)?;
                page.reset = reset;
                Some(page)
            }
        };
        Ok((epoch, pull))
    })?;
    Ok(SyncResponse { epoch, results, pull })
}
