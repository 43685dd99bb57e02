//! Reliability: faults of the network, crashes, a full disk, backups, and
//! privacy end to end, through the real server.

mod backup;
mod crash;
mod disk_full;
mod hostile;
mod network;
mod privacy;
mod support;
