//! First come, first served: who holds a unique name (a command, a platform name, a chat account).

use std::collections::HashMap;

use crate::diagnostic::ObjectKey;

/// Holders of unique names. Feed resources oldest first, so the older one keeps a name.
pub(crate) struct Claims<K> {
    holders: HashMap<K, ObjectKey>,
}

impl<K: std::hash::Hash + Eq> Claims<K> {
    pub fn new() -> Self {
        Self {
            holders: HashMap::new(),
        }
    }

    /// Gives `name` to `claimant` if nobody holds it yet; otherwise returns the holder.
    pub fn claim(&mut self, name: K, claimant: &ObjectKey) -> Result<(), &ObjectKey> {
        match self.holders.entry(name) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(claimant.clone());
                Ok(())
            }
            std::collections::hash_map::Entry::Occupied(slot) => Err(slot.into_mut()),
        }
    }
}
