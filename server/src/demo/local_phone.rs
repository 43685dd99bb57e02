//! A phone that syncs in-process: a [`Device`] whose requests go straight to
//! [`service::sync`], through the same wire encoding and apply path as a
//! request that arrived over HTTP.

use anyhow::{bail, Context};
use relais_sync::device::Device;
use relais_sync::protocol::{self, DocStatus};
use relais_sync::{service, DeviceAuth, Store};

use super::generate::Author;
use crate::clock;

/// Pull budget per round trip, as a phone on the agency's Wi-Fi asks.
const PULL_BUDGET: u64 = 1 << 20;
/// Round trips after which a sync that is still not idle is a bug.
const MAX_ROUND_TRIPS: usize = 1_000;

/// An enrolled device driven in-process.
#[derive(Debug)]
pub struct LocalPhone {
    /// The device state.
    pub device: Device,
    /// What its token resolves to.
    pub auth: DeviceAuth,
}

impl LocalPhone {
    /// A phone for a device enrolled as `auth`.
    pub fn new(auth: DeviceAuth) -> Self {
        Self {
            device: Device::new(auth.device),
            auth,
        }
    }

    /// Who writes on this phone.
    pub fn author(&self) -> Author {
        Author {
            user: self.auth.user,
            agency: self.auth.agency,
        }
    }

    /// Push everything pending and pull until the feed is drained.
    ///
    /// Any document the server refuses or quarantines is an error: the demo
    /// only writes valid records.
    pub fn sync_until_idle(&mut self, store: &Store) -> anyhow::Result<usize> {
        for round_trip in 1..=MAX_ROUND_TRIPS {
            let request = self.device.next_request(PULL_BUDGET)?;
            let request = protocol::decode_request(&protocol::encode_request(&request))
                .context("a request the device built does not decode")?;
            let response =
                service::sync(store, self.auth, request, clock::now()).context("the store refused a sync")?;
            let response = protocol::decode_response(&protocol::encode_response(&response))
                .context("an answer the server built does not decode")?;
            for result in &response.results {
                match &result.status {
                    DocStatus::Ok | DocStatus::Need => {}
                    DocStatus::Quarantined(reason) | DocStatus::Rejected(reason) => {
                        bail!("document {} was refused: {reason}", result.id)
                    }
                    DocStatus::Erased => bail!("document {} was erased", result.id),
                }
            }
            self.device.handle_response(response)?;
            if self.device.is_idle() {
                return Ok(round_trip);
            }
        }
        bail!("the device is still not idle after {MAX_ROUND_TRIPS} round trips")
    }
}
