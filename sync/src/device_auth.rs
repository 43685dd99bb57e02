//! Who is syncing: the identity a device token resolves to.

use relais_schema::{AgencyId, DeviceId, UserId};

/// An enrolled, non-revoked device, as its token resolved. Every sync query is
/// scoped by `agency`, never by anything inside a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceAuth {
    /// The device.
    pub device: DeviceId,
    /// The user it was enrolled for.
    pub user: UserId,
    /// The agency whose documents it may read and write.
    pub agency: AgencyId,
}
