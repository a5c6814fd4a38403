//! Releasability: the owner's decision of who may see a piece of information.

use crate::NationId;
use serde::{Deserialize, Serialize};

/// To whom the owner releases.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseTo {
    /// Nobody but the owner.
    OwnerOnly,
    /// The listed nations (the owner always sees its own data).
    Nations(Vec<NationId>),
    /// Every member nation of the centre.
    AllMembers,
}

/// An owner plus the nations it releases to.
///
/// ```
/// use cuenca_model::{NationId, Releasability, ReleaseTo};
/// let col = NationId::new("COL")?;
/// let pan = NationId::new("PAN")?;
/// let usa = NationId::new("USA")?;
/// let r = Releasability { owner: col, to: ReleaseTo::Nations(vec![pan]) };
/// assert!(r.allows(col) && r.allows(pan) && !r.allows(usa));
/// # Ok::<(), cuenca_model::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Releasability {
    pub owner: NationId,
    pub to: ReleaseTo,
}

impl Releasability {
    /// Owner-only data of `owner`.
    pub fn owner_only(owner: NationId) -> Self {
        Releasability {
            owner,
            to: ReleaseTo::OwnerOnly,
        }
    }

    /// Whether `viewer` may see data with this releasability.
    pub fn allows(&self, viewer: NationId) -> bool {
        viewer == self.owner
            || match &self.to {
                ReleaseTo::OwnerOnly => false,
                ReleaseTo::Nations(list) => list.contains(&viewer),
                ReleaseTo::AllMembers => true,
            }
    }
}
