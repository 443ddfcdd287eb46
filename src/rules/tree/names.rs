//! The reader's name table: names (slices of the input) to dense ids in the order they were first seen,
//! so an element's name is looked up once per tag with one hash and one compare instead of a general
//! hash map's per-byte hashing.
//!
//! Open addressing over a hash of the name's length and its first and last eight bytes (two word loads,
//! whatever the length); a hit is always confirmed by comparing the names, so two names never share an id
//! however their hashes collide.

/// Names → ids (`0..len()`, in insertion order).
pub(super) struct Interner<'i> {
    /// Slot → id + 1 (0: empty); the length is a power of two, at most half full.
    slots: Vec<u32>,
    keys: Vec<&'i str>,
}

impl<'i> Interner<'i> {
    pub fn new() -> Self {
        Self {
            slots: vec![0; 128],
            keys: Vec::with_capacity(64),
        }
    }

    /// The id of `key`, if it was added.
    pub fn get(&self, key: &str) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut slot = home_slot(key.as_bytes(), self.slots.len());
        loop {
            let id = self.slots[slot].checked_sub(1)?;
            if self.keys[id as usize] == key {
                return Some(id);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The id of `key`, and whether it was added now.
    pub fn get_or_insert(&mut self, key: &'i str) -> (u32, bool) {
        let mask = self.slots.len() - 1;
        let mut slot = home_slot(key.as_bytes(), self.slots.len());
        loop {
            match self.slots[slot] {
                0 => break,
                stored => {
                    let id = stored - 1;
                    if self.keys[id as usize] == key {
                        return (id, false);
                    }
                }
            }
            slot = (slot + 1) & mask;
        }
        let id = self.keys.len() as u32;
        self.keys.push(key);
        self.slots[slot] = id + 1;
        if self.keys.len() * 2 > self.slots.len() {
            self.grow();
        }
        (id, true)
    }

    fn grow(&mut self) {
        let len = self.slots.len() * 2;
        let mut slots = vec![0u32; len];
        for (id, key) in self.keys.iter().enumerate() {
            let mut slot = home_slot(key.as_bytes(), len);
            while slots[slot] != 0 {
                slot = (slot + 1) & (len - 1);
            }
            slots[slot] = id as u32 + 1;
        }
        self.slots = slots;
    }
}

/// Where `key`'s probe starts in a table of `slots` (a power of two) slots.
fn home_slot(key: &[u8], slots: usize) -> usize {
    let len = key.len();
    let (head, tail) = if len >= 8 {
        (word(&key[..8]), word(&key[len - 8..]))
    } else {
        (key.iter().fold(0u64, |w, &b| (w << 8) | u64::from(b)), 0)
    };
    let hash = (head ^ tail.rotate_left(29) ^ len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (hash >> (64 - slots.trailing_zeros())) as usize
}

/// Eight bytes as a little-endian word.
fn word(bytes: &[u8]) -> u64 {
    <[u8; 8]>::try_from(bytes).map_or(0, u64::from_le_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_keeps_its_own_id_through_growth_and_collisions() {
        // names sharing length, first and last eight bytes collide on purpose
        let names: Vec<String> = (0..500)
            .map(|i| format!("cac:Accounting{i:04}xxxxSupplierParty"))
            .chain((0..300).map(|i| format!("n{i}")))
            .collect();
        let mut table = Interner::new();
        for (i, name) in names.iter().enumerate() {
            assert_eq!(table.get_or_insert(name), (i as u32, true), "{name}");
        }
        for (i, name) in names.iter().enumerate() {
            assert_eq!(table.get_or_insert(name), (i as u32, false), "{name}");
            assert_eq!(table.get(name), Some(i as u32), "{name}");
        }
        assert_eq!(table.get("cac:Accounting9999xxxxSupplierParty"), None);
        assert_eq!(table.get_or_insert(""), (names.len() as u32, true));
    }
}
