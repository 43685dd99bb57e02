//! Whether replicas hold the same documents at the same heads.

use std::collections::BTreeMap;

use automerge::ChangeHash;
use relais_schema::DocumentId;
use relais_sync::device::Device;
use serde::Serialize;

/// A replica's state: each document and its heads, sorted.
pub type Replica = BTreeMap<DocumentId, Vec<ChangeHash>>;

/// The documents a device holds and their heads.
pub fn replica(device: &Device) -> Replica {
    device
        .document_ids()
        .into_iter()
        .map(|id| {
            let mut heads = device.heads(id).unwrap_or_default();
            heads.sort_unstable();
            (id, heads)
        })
        .collect()
}

/// How the devices compare with the reference (the server's state).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Convergence {
    /// Every device equals the reference.
    pub converged: bool,
    /// Documents in the reference.
    pub documents: usize,
    /// Devices compared.
    pub devices: usize,
    /// Devices that differ from the reference.
    pub differing_devices: usize,
    /// Documents missing, extra or at other heads, summed over devices.
    pub differing_documents: usize,
    /// The first difference found, for a bug report.
    pub first_difference: Option<String>,
}

/// Compare every replica with `reference`.
pub fn compare(reference: &Replica, replicas: &[Replica]) -> Convergence {
    let mut differing_devices = 0;
    let mut differing_documents = 0;
    let mut first_difference = None;
    for (index, replica) in replicas.iter().enumerate() {
        let mut differs = 0;
        for (id, heads) in reference {
            match replica.get(id) {
                None => {
                    differs += 1;
                    first_difference.get_or_insert_with(|| format!("device {index} lacks document {id}"));
                }
                Some(found) if found != heads => {
                    differs += 1;
                    first_difference.get_or_insert_with(|| {
                        format!(
                            "device {index} holds document {id} at heads {} where the server has {}",
                            short(found),
                            short(heads)
                        )
                    });
                }
                Some(_) => {}
            }
        }
        for id in replica.keys().filter(|id| !reference.contains_key(id)) {
            differs += 1;
            first_difference
                .get_or_insert_with(|| format!("device {index} holds document {id}, which the server does not send"));
        }
        if differs > 0 {
            differing_devices += 1;
            differing_documents += differs;
        }
    }
    Convergence {
        converged: differing_devices == 0,
        documents: reference.len(),
        devices: replicas.len(),
        differing_devices,
        differing_documents,
        first_difference,
    }
}

fn short(heads: &[ChangeHash]) -> String {
    let names: Vec<String> = heads.iter().map(|h| h.to_string().chars().take(8).collect()).collect();
    format!("[{}]", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_equal_to_the_reference_converge_and_any_difference_is_named() {
        let doc = DocumentId::random();
        let other = DocumentId::random();
        let reference: Replica = [(doc, vec![ChangeHash([1; 32])])].into();
        let same = reference.clone();
        let behind: Replica = [(doc, vec![ChangeHash([2; 32])])].into();
        let extra: Replica = [(doc, vec![ChangeHash([1; 32])]), (other, vec![])].into();

        assert!(compare(&reference, &[same.clone(), same.clone()]).converged);
        let result = compare(&reference, &[same, behind, extra, Replica::new()]);
        assert!(!result.converged);
        assert_eq!(result.differing_devices, 3);
        assert_eq!(result.differing_documents, 3);
        assert!(result
            .first_difference
            .is_some_and(|d| d.starts_with("device 1 holds document")));
    }
}
