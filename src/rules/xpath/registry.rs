//! The expanded names the name tests use, one per [`name_hash`]: the first name registered with a hash
//! holds it for the life of the process. A name test whose name holds its hash, and an element the document
//! index found to have the name that holds its own hash, have the same name exactly when their hashes are
//! equal; the name tests then compare two integers instead of a namespace URI and a local name.
//!
//! Names are registered when expressions are parsed, so the registry holds the schemas' names (a few
//! hundred) and those of the expressions tests parse. A second name with a hash already held (a collision)
//! is not registered: tests with it compare strings, as every test did before.
//!
//! [`name_hash`]: super::index::name_hash

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::{LazyLock, PoisonError, RwLock, RwLockReadGuard};

use super::index::Fnv;

/// An expanded name as registered: namespace URI (`None`: none) and local name.
type Name = (Option<Box<str>>, Box<str>);

/// Hash → the name that holds it.
type Names = HashMap<u64, Name, BuildHasherDefault<Fnv>>;

static NAMES: LazyLock<RwLock<Names>> = LazyLock::new(RwLock::default);

/// Registers the name whose [`super::index::name_hash`] is `hash` unless another holds the hash; whether
/// this name holds it.
pub fn register(namespace: Option<&str>, local: &str, hash: u64) -> bool {
    if let Some(verdict) = Registry::read().holds(namespace, local, hash) {
        return verdict;
    }
    let mut names = NAMES.write().unwrap_or_else(PoisonError::into_inner);
    let (held_namespace, held_local) = names
        .entry(hash)
        .or_insert_with(|| (namespace.map(Box::from), Box::from(local)));
    held_namespace.as_deref() == namespace && **held_local == *local
}

/// The registry, read (for a document's index: one look-up per distinct name of the document).
pub struct Registry(RwLockReadGuard<'static, Names>);

impl Registry {
    pub fn read() -> Self {
        Self(NAMES.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Whether the name holds `hash` (its [`super::index::name_hash`]); `None` when no name holds it.
    pub fn holds(&self, namespace: Option<&str>, local: &str, hash: u64) -> Option<bool> {
        self.0.get(&hash).map(|(held_namespace, held_local)| {
            held_namespace.as_deref() == namespace && **held_local == *local
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_name_with_a_hash_holds_it_and_a_colliding_one_does_not() {
        let ns = Some("urn:registry-test");
        // hashes made up for the test, so the two names collide on purpose
        let hash = 0x5eed_0000_0000_0001;
        assert!(register(ns, "First", hash));
        assert!(register(ns, "First", hash), "registering again keeps the verdict");
        assert!(
            !register(ns, "Second", hash),
            "a colliding name does not take the hash"
        );
        assert!(
            !register(None, "First", hash),
            "nor the same local name in no namespace"
        );
        let registry = Registry::read();
        assert_eq!(registry.holds(ns, "First", hash), Some(true));
        assert_eq!(registry.holds(ns, "Second", hash), Some(false));
        assert_eq!(registry.holds(ns, "First", hash + 1), None);
    }
}
